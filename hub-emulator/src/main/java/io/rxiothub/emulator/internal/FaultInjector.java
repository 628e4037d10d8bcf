// Fault injection (protocol.md §10): the faults a device requests through D2C properties, and those a test sets
// through the Java API. Holds the rules; the front server and HubCore consult them on each packet.
package io.rxiothub.emulator.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fault rules per MQTT client id. Thread-safe; rules use the JVM's monotonic time, not the hub clock. */
public final class FaultInjector {

  private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);

  /** D2C application property naming the fault (protocol.md §10). */
  public static final String TYPE = "AzIoTHub_FaultOperationType";
  /** D2C application property: free text, logged. */
  public static final String CLOSE_REASON = "AzIoTHub_FaultOperationCloseReason";
  /** D2C application property: seconds between the request and the fault. */
  public static final String DELAY = "AzIoTHub_FaultOperationDelayInSecs";
  /** D2C application property: seconds the device stays in fault mode. */
  public static final String DURATION = "AzIoTHub_FaultOperationDurationInSecs";

  /** Fault types that exist only for AMQP: accepted, logged, no effect over MQTT. */
  private static final Set<String> AMQP_ONLY = Set.of("KillAmqpConnection", "KillAmqpSession",
      "KillAmqpCBSLinkReq", "KillAmqpCBSLinkResp", "KillAmqpD2CLink", "KillAmqpC2DLink", "KillAmqpTwinLinkReq",
      "KillAmqpTwinLinkResp", "KillAmqpMethodReqLink", "KillAmqpMethodRespLink", "ShutDownAmqp");

  /** What the front server does with a CONNECT. */
  public enum ConnectAction { PASS, CLOSE, BLACKHOLE }

  /** Connections of a client, as the front server sees them. */
  public interface Connections {
    /** Resets (TCP RST, no FIN, no MQTT close) every connection of the client; returns how many. */
    int kill(String clientId);

    /** Blackholes every connection of the client: no byte passes either way and none is closed. */
    void blackhole(String clientId);

    /** Resets the blackholed connections of the client. */
    void resetBlackholed(String clientId);

    /** How many connections of the client (those that sent a CONNECT) are open. */
    int count(String clientId);
  }

  private record Refusal(long untilNanos, int connackCode) {}

  private static final class PubackRule {
    int dropRemaining;
    long delayMillis;
  }

  private record TwinFailure(int status, int remaining) {}

  private final ScheduledExecutorService timer;
  private final Predicate<String> orderlyClose;
  private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();
  private final Set<String> partitioned = ConcurrentHashMap.newKeySet();
  private final Map<String, PubackRule> pubacks = new ConcurrentHashMap<>();
  private final Map<String, TwinFailure> twinFailures = new ConcurrentHashMap<>();
  private volatile @Nullable Connections connections;
  private final AtomicInteger storageCuts = new AtomicInteger();
  private final AtomicInteger storageCutsDone = new AtomicInteger();

  /**
   * Creates the rules; {@code orderlyClose} closes a client's MQTT connection the way the broker does (no TCP
   * reset) and returns whether one was open.
   */
  public FaultInjector(ScheduledExecutorService timer, Predicate<String> orderlyClose) {
    this.timer = timer;
    this.orderlyClose = orderlyClose;
  }

  /** Attaches the front server's connections (null when stopped). */
  public void connections(@Nullable Connections front) {
    this.connections = front;
  }

  // ---------------------------------------------------------------- actions

  /** Resets the client's TCP connections now; returns whether one was open. */
  public boolean killTcp(String clientId) {
    Connections front = connections;
    int killed = front == null ? 0 : front.kill(clientId);
    LOG.info("hub emulator: fault: reset {} TCP connection(s) of {}", killed, clientId);
    return killed > 0;
  }

  /** Closes the client's MQTT connection in an orderly way; returns whether one was open. */
  public boolean shutDownMqtt(String clientId) {
    boolean open = orderlyClose.test(clientId);
    LOG.info("hub emulator: fault: orderly close of the connection of {} ({})", clientId, open ? "open" : "none");
    return open;
  }

  /**
   * Refuses the client's CONNECTs for {@code duration}: with {@code connackCode} 0 the connection is closed after the
   * CONNECT without a CONNACK, otherwise the CONNACK carries that code (1..5).
   */
  public void refuseConnects(String clientId, Duration duration, int connackCode) {
    long until = System.nanoTime() + duration.toNanos();
    refusals.put(clientId, new Refusal(until, connackCode));
    LOG.info("hub emulator: fault: CONNECTs of {} refused for {} ms ({})", clientId, duration.toMillis(),
        connackCode == 0 ? "closed without CONNACK" : "CONNACK " + connackCode);
  }

  /** Starts a partition: the client's connections, and any it opens meanwhile, become blackholes. */
  public void partition(String clientId) {
    partitioned.add(clientId);
    Connections front = connections;
    if (front != null) {
      front.blackhole(clientId);
    }
    LOG.info("hub emulator: fault: {} partitioned from the hub", clientId);
  }

  /** Ends a partition: connections that lived through it are reset, new ones pass again. */
  public void heal(String clientId) {
    boolean was = partitioned.remove(clientId);
    Connections front = connections;
    if (front != null) {
      front.resetBlackholed(clientId);
    }
    LOG.info("hub emulator: fault: partition of {} healed{}", clientId, was ? "" : " (was not partitioned)");
  }

  /** Delays every PUBACK the hub sends the client by {@code delay} (zero: no delay). */
  public void delayPubacks(String clientId, Duration delay) {
    synchronized (pubacks) {
      pubacks.computeIfAbsent(clientId, k -> new PubackRule()).delayMillis = delay.toMillis();
    }
    LOG.info("hub emulator: fault: PUBACKs to {} delayed by {} ms", clientId, delay.toMillis());
  }

  /** Drops the next {@code count} PUBACKs the hub sends the client. */
  public void dropPubacks(String clientId, int count) {
    synchronized (pubacks) {
      pubacks.computeIfAbsent(clientId, k -> new PubackRule()).dropRemaining = count;
    }
    LOG.info("hub emulator: fault: the next {} PUBACKs to {} are dropped", count, clientId);
  }

  /** Answers the client's next {@code count} twin requests with {@code status}. */
  public void failTwinRequests(String clientId, int status, int count) {
    twinFailures.put(clientId, new TwinFailure(status, count));
    LOG.info("hub emulator: fault: the next {} twin requests of {} fail with {}", count, clientId, status);
  }

  /** Forgets every rule of the client (a partition heals as by {@link #heal}). */
  public void clear(String clientId) {
    refusals.remove(clientId);
    pubacks.remove(clientId);
    twinFailures.remove(clientId);
    if (partitioned.contains(clientId)) {
      heal(clientId);
    }
  }

  /** Forgets every rule of every client. */
  public void clearAll() {
    refusals.clear();
    pubacks.clear();
    twinFailures.clear();
    for (String clientId : Set.copyOf(partitioned)) {
      heal(clientId);
    }
  }

  /**
   * The built-in Blob storage face resets the connection halfway through the body of its next {@code count} Put Blob
   * or Put Block requests (0 clears): the device's connection drops mid-block (protocol.md §16.3).
   */
  public void cutStorageUploads(int count) {
    storageCuts.set(Math.max(count, 0));
    LOG.info("hub emulator: fault: the next {} storage uploads are cut halfway through their body", count);
  }

  /** Whether the storage upload starting now is to be cut (takes one of the armed cuts). */
  public boolean takeStorageCut() {
    boolean cut = storageCuts.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    if (cut) {
      storageCutsDone.incrementAndGet();
    }
    return cut;
  }

  /** How many storage uploads were cut since the emulator was built. */
  public int storageCutsDone() {
    return storageCutsDone.get();
  }

  // ---------------------------------------------------------------- D2C fault requests

  /** Whether a PUBLISH topic is a fault request: a telemetry topic whose bag holds {@link #TYPE}. */
  public static boolean isFaultRequest(String topic) {
    if (!topic.contains(TYPE)) {
      return false;
    }
    int events = topic.indexOf("/messages/events");
    if (events < 0) {
      return false;
    }
    String bag = topic.substring(events + "/messages/events".length());
    bag = bag.startsWith("/") ? bag.substring(1) : bag;
    bag = bag.endsWith("/") ? bag.substring(0, bag.length() - 1) : bag;
    try {
      return PropertyBags.decode(bag).containsKey(TYPE);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Handles a fault request (a D2C message with {@link #TYPE}): after the delay, applies the fault to the client's
   * connection, then refuses its CONNECTs (closed without CONNACK) for the duration.
   */
  public void requested(String clientId, Map<String, @Nullable String> properties) {
    String type = String.valueOf(properties.get(TYPE));
    String reason = properties.get(CLOSE_REASON);
    long delay;
    long duration;
    try {
      delay = seconds(properties.get(DELAY));
      duration = seconds(properties.get(DURATION));
    } catch (IllegalArgumentException e) {
      LOG.warn("hub emulator: ignored the fault request {} of {}: {}", type, clientId, e.getMessage());
      return;
    }
    if (AMQP_ONLY.contains(type)) {
      LOG.info("hub emulator: fault {} requested by {} exists only over AMQP: no effect over MQTT", type, clientId);
      return;
    }
    if (!type.equals("KillTcp") && !type.equals("ShutDownMqtt") && !type.equals("InvokeThrottling")
        && !type.equals("InvokeMaxMessageQuota") && !type.equals("InvokeAuthError")) {
      LOG.warn("hub emulator: ignored the fault request of {}: unknown {} '{}'", clientId, TYPE, type);
      return;
    }
    LOG.info("hub emulator: fault {} requested by {} (reason '{}'): starts in {} s, lasts {} s", type, clientId,
        reason, delay, duration);
    timer.schedule(() -> start(clientId, type, duration), delay, TimeUnit.SECONDS);
  }

  private void start(String clientId, String type, long durationSeconds) {
    if (durationSeconds > 0) {
      refuseConnects(clientId, Duration.ofSeconds(durationSeconds), 0);
    }
    if (type.equals("KillTcp")) {
      killTcp(clientId);
    } else {
      // ShutDownMqtt is an orderly close; over MQTT the hub answers the Invoke* faults by disconnecting too.
      shutDownMqtt(clientId);
    }
  }

  private static long seconds(@Nullable String value) {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      if (seconds < 0 || seconds > 86_400) {
        throw new IllegalArgumentException("seconds must be in 0..86400, got '" + value + "'");
      }
      return seconds;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("seconds must be an integer, got '" + value + "'", e);
    }
  }

  // ---------------------------------------------------------------- queries (front server, HubCore)

  /** What to do with a CONNECT of the client (CONNACK refusals are answered by {@link #connackRefusal}). */
  public ConnectAction onConnect(String clientId) {
    if (partitioned.contains(clientId)) {
      LOG.info("hub emulator: fault: CONNECT of {} blackholed (partition)", clientId);
      return ConnectAction.BLACKHOLE;
    }
    Refusal refusal = activeRefusal(clientId);
    if (refusal != null && refusal.connackCode == 0) {
      LOG.info("hub emulator: fault: CONNECT of {} closed without CONNACK", clientId);
      return ConnectAction.CLOSE;
    }
    return ConnectAction.PASS;
  }

  /** The CONNACK code to refuse the client with now, or 0. */
  public int connackRefusal(String clientId) {
    Refusal refusal = activeRefusal(clientId);
    return refusal == null ? 0 : refusal.connackCode;
  }

  private @Nullable Refusal activeRefusal(String clientId) {
    Refusal refusal = refusals.get(clientId);
    if (refusal == null) {
      return null;
    }
    if (System.nanoTime() - refusal.untilNanos >= 0) {
      refusals.remove(clientId, refusal);
      return null;
    }
    return refusal;
  }

  /** How many TCP connections of the client (those that sent a CONNECT) are open now. */
  public int openConnections(String clientId) {
    Connections front = connections;
    return front == null ? 0 : front.count(clientId);
  }

  /** Whether the client is partitioned now. */
  public boolean isPartitioned(String clientId) {
    return partitioned.contains(clientId);
  }

  /** For a PUBACK to the client: -1 to drop it, else the delay in milliseconds (0: pass now). */
  public long pubackDelayMillis(String clientId) {
    synchronized (pubacks) {
      PubackRule rule = pubacks.get(clientId);
      if (rule == null) {
        return 0;
      }
      if (rule.dropRemaining > 0) {
        rule.dropRemaining--;
        return -1;
      }
      return rule.delayMillis;
    }
  }

  /** For a twin request of the client: the injected failure status, or 0 to answer normally. */
  public int takeTwinFailure(String clientId) {
    int[] status = {0};
    twinFailures.computeIfPresent(clientId, (k, failure) -> {
      status[0] = failure.status;
      return failure.remaining <= 1 ? null : new TwinFailure(failure.status, failure.remaining - 1);
    });
    return status[0];
  }
}
