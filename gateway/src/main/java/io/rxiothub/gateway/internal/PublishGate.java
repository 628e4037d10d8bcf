// One leaf connection's gate (protocol.md §18.9 Overload): counts the PUBLISHes read from the leaf and not yet done
// (a QoS 1 one until its PUBACK is written, a QoS 0 one until the extension starts on it) and stops reading the
// leaf's socket at the limits; TCP then holds the leaf's client back. Nothing is refused.
package io.rxiothub.gateway.internal;

import com.hivemq.mqtt.message.QoS;
import com.hivemq.mqtt.message.puback.PUBACK;
import com.hivemq.mqtt.message.publish.PUBLISH;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.ArrayDeque;

/** A Netty handler between HiveMQ's MQTT codec and the rest of its pipeline; its state is the event loop's. */
public final class PublishGate extends ChannelDuplexHandler {

  static final String NAME = "rxiothub-publish-gate";

  private final Backpressure limits;
  private final Channel channel;
  /** HiveMQ's size estimate of each PUBLISH read and not done, oldest first (a leaf's are done in order). */
  private final ArrayDeque<Integer> sizes = new ArrayDeque<>();
  private long bytes;
  private boolean paused;
  private boolean closed;

  PublishGate(Backpressure limits, Channel channel) {
    this.limits = limits;
    this.channel = channel;
  }

  /** Called by the extension when it starts on a QoS 0 PUBLISH of this connection (no PUBACK will tell). */
  public void qos0Started() {
    channel.eventLoop().execute(this::done);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof PUBLISH publish && publish.getQoS() != QoS.EXACTLY_ONCE && !closed) {
      int size = publish.getEstimatedSizeInMemory();
      sizes.addLast(size);
      bytes += size;
      limits.added(size, sizes.size());
      if (sizes.size() >= limits.maxPerLeaf()) {
        pause(false);
      } else if (limits.overTotal()) {
        pause(true);
      } else if (paused) {
        channel.config().setAutoRead(false); // HiveMQ's SUBSCRIBE barrier turns reading back on after its SUBACK
      }
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof PUBACK) {
      done();
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closed = true;
    limits.removed(sizes.size(), bytes);
    sizes.clear();
    bytes = 0;
    if (paused) {
      paused = false;
      limits.paused.decrementAndGet();
    }
    limits.stopWaiting(this);
    super.channelInactive(ctx);
  }

  /** The total went below its resume mark: reading may go on if this leaf is below its own. */
  void wake() {
    channel.eventLoop().execute(this::maybeResume);
  }

  private void done() {
    Integer size = sizes.pollFirst();
    if (size == null) {
      return;
    }
    bytes -= size;
    limits.removed(1, size);
    maybeResume();
  }

  private void pause(boolean forTotal) {
    channel.config().setAutoRead(false);
    if (forTotal) {
      limits.waitForTotal(this);
    }
    if (!paused) {
      paused = true;
      limits.paused.incrementAndGet();
      limits.pauses.incrementAndGet();
    }
  }

  private void maybeResume() {
    if (!paused || closed || sizes.size() > limits.resumePerLeaf()) {
      return;
    }
    if (!limits.belowResumeTotal()) {
      limits.waitForTotal(this); // woken when the total goes below its mark; checked again for a drop meanwhile
      if (!limits.belowResumeTotal()) {
        return;
      }
    }
    paused = false;
    limits.paused.decrementAndGet();
    limits.stopWaiting(this);
    channel.config().setAutoRead(true);
  }
}
