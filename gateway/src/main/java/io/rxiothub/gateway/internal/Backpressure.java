// The gateway's bound on what leaves send faster than the store takes it (protocol.md §18.9 Overload): a PublishGate
// on each leaf connection stops reading its socket at the per-leaf limit, or while the total is over its limit.
package io.rxiothub.gateway.internal;

import com.hivemq.bootstrap.netty.ChannelHandlerNames;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import java.lang.reflect.Field;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits, the totals over every leaf connection and their metrics. HiveMQ CE's extension API has no way to stop
 * reading a client: the gate is a Netty handler put into the connection's pipeline, reached through the one field
 * of HiveMQ's connection attribute store that holds the channel (checked by GatewayBackpressureIT; if a HiveMQ
 * version moves it, the gateway logs an error once and runs without the bound).
 */
public final class Backpressure {

  private static final Logger LOG = LoggerFactory.getLogger(Backpressure.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static final Field CHANNEL = channelField();

  private final int maxPerLeaf;
  private final int resumePerLeaf;
  private final long maxBytes;
  private final long resumeBytes;
  final AtomicInteger pending = new AtomicInteger();
  final AtomicLong pendingBytes = new AtomicLong();
  final AtomicInteger peakPerLeaf = new AtomicInteger();
  final AtomicInteger paused = new AtomicInteger();
  final AtomicLong pauses = new AtomicLong();
  private final Set<PublishGate> waitingForTotal = ConcurrentHashMap.newKeySet();

  /**
   * At most {@code maxPerLeaf} PUBLISHes per leaf connection read and not yet done (reading resumes at half), and
   * {@code maxBytes} of them over all leaves (HiveMQ's estimate of each PUBLISH in memory; resumes at three
   * quarters).
   */
  public Backpressure(int maxPerLeaf, long maxBytes) {
    if (maxPerLeaf < 1) {
      throw new IllegalArgumentException("maxPerLeaf must be at least 1, got " + maxPerLeaf);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
    }
    this.maxPerLeaf = maxPerLeaf;
    this.resumePerLeaf = maxPerLeaf / 2;
    this.maxBytes = maxBytes;
    this.resumeBytes = maxBytes - maxBytes / 4;
  }

  /**
   * Puts a gate into the pipeline of the connection whose attribute store is {@code connection} (once), or returns
   * null when HiveMQ's internals are not as expected.
   */
  public @Nullable PublishGate install(ConnectionAttributeStore connection) {
    Channel channel = channel(connection);
    if (channel == null) {
      return null;
    }
    ChannelPipeline pipeline = channel.pipeline();
    synchronized (pipeline) {
      PublishGate existing = pipeline.get(PublishGate.class);
      if (existing != null) {
        return existing;
      }
      PublishGate gate = new PublishGate(this, channel);
      try {
        pipeline.addAfter(ChannelHandlerNames.MQTT_MESSAGE_ENCODER, PublishGate.NAME, gate);
      } catch (RuntimeException e) {
        if (!channel.isActive()) {
          return null; // closed meanwhile: nothing to bound
        }
        warnOnce("no '" + ChannelHandlerNames.MQTT_MESSAGE_ENCODER + "' in the leaf's pipeline: " + e);
        return null;
      }
      return gate;
    }
  }

  int maxPerLeaf() {
    return maxPerLeaf;
  }

  int resumePerLeaf() {
    return resumePerLeaf;
  }

  boolean overTotal() {
    return pendingBytes.get() >= maxBytes;
  }

  boolean belowResumeTotal() {
    return pendingBytes.get() < resumeBytes;
  }

  void added(int size, int leafPending) {
    pending.incrementAndGet();
    pendingBytes.addAndGet(size);
    peakPerLeaf.accumulateAndGet(leafPending, Math::max);
  }

  void removed(int messages, long bytes) {
    pending.addAndGet(-messages);
    if (pendingBytes.addAndGet(-bytes) < resumeBytes && !waitingForTotal.isEmpty()) {
      for (PublishGate gate : waitingForTotal) {
        gate.wake();
      }
    }
  }

  void waitForTotal(PublishGate gate) {
    waitingForTotal.add(gate);
  }

  void stopWaiting(PublishGate gate) {
    waitingForTotal.remove(gate);
  }

  /** The largest number of PUBLISHes one leaf connection had read and not done, since the start. */
  public int peakPerLeaf() {
    return peakPerLeaf.get();
  }

  /** Appends the overload metrics as Prometheus text. */
  public void metricsText(StringBuilder out) {
    Metrics.gauge(out, "rxiothub_gateway_publishes_pending",
        "Leaf PUBLISHes read and not yet acknowledged (awaiting the store)", pending.get());
    Metrics.gauge(out, "rxiothub_gateway_publishes_pending_bytes",
        "Estimated heap of the leaf PUBLISHes read and not yet acknowledged", pendingBytes.get());
    Metrics.gauge(out, "rxiothub_gateway_publishes_pending_peak_per_leaf",
        "The most PUBLISHes one leaf connection had pending since the start", peakPerLeaf.get());
    Metrics.gauge(out, "rxiothub_gateway_leaves_paused", "Leaf connections whose socket is not read now",
        paused.get());
    Metrics.counter(out, "rxiothub_gateway_leaf_pauses_total",
        "Times a leaf connection's reading stopped at a pending limit", pauses.get());
  }

  private static @Nullable Channel channel(ConnectionAttributeStore store) {
    if (CHANNEL == null || !CHANNEL.getDeclaringClass().isInstance(store)) {
      warnOnce("HiveMQ's connection attribute store (" + store.getClass().getName() + ") holds no channel field");
      return null;
    }
    try {
      return (Channel) CHANNEL.get(store);
    } catch (IllegalAccessException | RuntimeException e) {
      warnOnce("cannot read the channel of HiveMQ's connection attribute store: " + e);
      return null;
    }
  }

  private static @Nullable Field channelField() {
    try {
      Field field = Class.forName("com.hivemq.extensions.client.parameter.ConnectionAttributeStoreImpl")
          .getDeclaredField("channel");
      if (!Channel.class.isAssignableFrom(field.getType())) {
        return null;
      }
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static void warnOnce(String why) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.error("gateway: leaf PUBLISHes awaiting the store are NOT bounded (this HiveMQ CE version differs from "
          + "the one the gateway was built for): {}", why);
    }
  }
}
