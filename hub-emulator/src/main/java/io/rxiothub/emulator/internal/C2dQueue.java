// Cloud-to-device messages (protocol.md §5, §8): a queue per device (≤ 50, ≤ 64 KB, TTL), delivery at QoS 1 once the
// device is connected and subscribed, QUEUED → DELIVERED → COMPLETED on PUBACK, or EXPIRED.
package io.rxiothub.emulator.internal;

import io.rxiothub.emulator.CloudToDeviceMessage.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C2D queues of every device. Thread-safe: guarded by the {@link Sessions} lock, never held over the broker or a
 * subscriber of a message's states (both may send again): lock sections queue those calls on the sessions' call-outs
 * and run them once the lock is released.
 */
public final class C2dQueue {

  private static final Logger LOG = LoggerFactory.getLogger(C2dQueue.class);

  /** C2D size limit: body + property names and values (QT). */
  public static final int MAX_C2D_BYTES = 64 * 1024;
  /** Queue depth per device (QT). */
  public static final int MAX_C2D_QUEUE = 50;

  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final Sessions sessions;
  private final Publisher publisher;
  private final CallOuts callOuts;
  private final Map<Identity, List<C2dEntry>> queues = new HashMap<>();
  private final AtomicLong sequences = new AtomicLong();
  private volatile StateLog log = StateLog.NONE;

  /** Creates empty queues delivering through {@code publisher} to the identities {@code sessions} has connected. */
  public C2dQueue(Clock clock, ScheduledExecutorService timer, Sessions sessions, Publisher publisher) {
    this.clock = clock;
    this.timer = timer;
    this.sessions = sessions;
    this.publisher = publisher;
    this.callOuts = sessions.callOuts();
  }

  /** Sends every change of the queues to {@code log} from now on. */
  public void log(StateLog log) {
    this.log = log;
  }

  /**
   * The bag of a C2D message: {@code $.mid} (given or a new UUID) and {@code $.to} first, then the given properties.
   */
  static Map<String, @Nullable String> bag(String deviceId, Map<String, @Nullable String> properties) {
    Map<String, @Nullable String> bag = new LinkedHashMap<>();
    String messageId = properties.get("$.mid");
    bag.put("$.mid", messageId == null ? UUID.randomUUID().toString() : messageId);
    bag.put("$.to", "/devices/" + deviceId + "/messages/devicebound");
    for (Map.Entry<String, @Nullable String> e : properties.entrySet()) {
      if (!e.getKey().equals("$.mid") && !e.getKey().equals("$.to")) {
        bag.put(e.getKey(), e.getValue());
      }
    }
    return bag;
  }

  /** The size counted against the 64 KB limit: body, property names and values. */
  static long size(byte[] payload, Map<String, @Nullable String> bag) {
    long size = payload.length;
    for (Map.Entry<String, @Nullable String> e : bag.entrySet()) {
      size += TelemetryIntake.utf8Length(e.getKey()) + TelemetryIntake.utf8Length(e.getValue());
    }
    return size;
  }

  /**
   * Queues a C2D message for a registered device and tries to deliver it.
   *
   * @throws IllegalArgumentException if the message is over 64 KB
   * @throws IllegalStateException if the device's queue already holds 50 messages
   */
  public C2dEntry send(Identity device, byte[] payload, Map<String, @Nullable String> properties,
      Duration timeToLive) {
    Map<String, @Nullable String> bag = bag(device.deviceId(), properties);
    long size = size(payload, bag);
    if (size > MAX_C2D_BYTES) {
      throw new IllegalArgumentException("C2D message of " + size + " bytes is over the 64 KB limit");
    }
    Instant now = clock.instant();
    C2dEntry entry = new C2dEntry(sequences.incrementAndGet(), bag.get("$.mid"), device, payload.clone(), bag, now,
        now.plus(timeToLive));
    synchronized (sessions) {
      List<C2dEntry> queue = queues.computeIfAbsent(device, k -> new ArrayList<>());
      if (queue.size() >= MAX_C2D_QUEUE) {
        throw new IllegalStateException("the C2D queue of device '" + device.deviceId() + "' already holds "
            + MAX_C2D_QUEUE + " messages (403004 DeviceMaximumQueueDepthExceeded)");
      }
      log.c2d(entry); // first: a refused write queues nothing
      queue.add(entry);
      scheduleExpiry(entry, now);
    }
    deliver(device);
    return entry;
  }

  private void scheduleExpiry(C2dEntry entry, Instant now) {
    entry.expiryTimer = timer.schedule(() -> expireIfPending(entry),
        Math.max(0, Duration.between(now, entry.expiryTime).toMillis()), TimeUnit.MILLISECONDS);
  }

  /** Restores a queued C2D message (persistence): it expires at its expiry time as if never interrupted. */
  public void restore(C2dEntry entry) {
    synchronized (sessions) {
      queues.computeIfAbsent(entry.target, k -> new ArrayList<>()).add(entry);
      sequences.accumulateAndGet(entry.sequence, Math::max);
      scheduleExpiry(entry, clock.instant());
    }
  }

  /** Queued (not completed, not expired) C2D messages of every device, for persistence. */
  public List<C2dEntry> pending() {
    synchronized (sessions) {
      List<C2dEntry> out = new ArrayList<>();
      queues.values().forEach(out::addAll);
      return out;
    }
  }

  /** Drops a deleted device's queue: its messages expire. */
  public void removeDevice(Identity device) {
    synchronized (sessions) {
      List<C2dEntry> queue = queues.remove(device);
      if (queue != null) {
        queue.forEach(this::expire);
      }
    }
    callOuts.run();
  }

  /**
   * Purges a device's queue: every message not yet published to the device is removed and ends EXPIRED with
   * {@link C2dEntry#purged()} set (a message already in flight stays: the device has it). Returns the purged ones.
   */
  public List<C2dEntry> purge(Identity device) {
    List<C2dEntry> purged = new ArrayList<>();
    try {
      synchronized (sessions) {
        List<C2dEntry> queue = queues.get(device);
        Session session = sessions.get(device);
        if (queue != null) {
          for (Iterator<C2dEntry> it = queue.iterator(); it.hasNext(); ) {
            C2dEntry entry = it.next();
            if (entry.state == State.QUEUED && (session == null || !session.isDelivering(entry))) {
              log.c2dRemoved(entry); // first: a refused write leaves the message queued (and the purge fails)
              it.remove();
              entry.purged = true;
              expire(entry, false);
              purged.add(entry);
            }
          }
        }
      }
    } finally {
      callOuts.run(); // those purged before a refused write did end
    }
    return purged;
  }

  private void expireIfPending(C2dEntry entry) {
    synchronized (sessions) {
      if (entry.state == State.COMPLETED) {
        return;
      }
      List<C2dEntry> queue = queues.get(entry.target);
      if (queue != null) {
        queue.remove(entry);
      }
      Session session = sessions.get(entry.target);
      if (session != null) {
        session.awaitingPacketId.remove(entry);
        session.inflight.values().remove(entry);
      }
      expire(entry);
    }
    callOuts.run();
    LOG.info("hub emulator: C2D message {} for {} expired", entry.messageId, entry.target);
  }

  private void expire(C2dEntry entry) {
    expire(entry, true);
  }

  private void expire(C2dEntry entry, boolean forget) {
    if (entry.expiryTimer != null) {
      entry.expiryTimer.cancel(false);
    }
    if (forget) {
      forget(entry);
    }
    entry.moveTo(State.EXPIRED, callOuts);
  }

  /**
   * Removes a message that ended without a caller to fail (expiry, the device's PUBACK, its device deleted) from the
   * log; if the log refuses, the message still ends here and its record stays: after a restart it is delivered again
   * (at least once, as on the hub).
   */
  private void forget(C2dEntry entry) {
    try {
      log.c2dRemoved(entry);
    } catch (RuntimeException e) {
      LOG.warn("hub emulator: C2D message {} ended but its record could not be removed ({}): a restart on this data"
          + " dir delivers it again", entry.messageId, e.getMessage());
    }
  }

  /**
   * Publishes every QUEUED message of the device, in queue order, if it is connected and subscribed to devicebound.
   * The publishes are call-outs: one a subscriber makes while an earlier batch is going out follows that batch.
   */
  public void deliver(Identity device) {
    if (publisher.link() == null || device.moduleId() != null) {
      return;
    }
    synchronized (sessions) {
      Session session = sessions.get(device);
      List<C2dEntry> queue = queues.get(device);
      if (session == null || !session.connected || queue == null
          || !session.subscriptions.containsKey(device.deviceboundTopic() + "/#")) {
        return;
      }
      for (C2dEntry entry : queue) {
        if (entry.state == State.QUEUED && !session.isDelivering(entry)) {
          int delivery = ++entry.deliveries;
          session.awaitingPacketId.addLast(entry);
          callOuts.add(() -> publish(device, entry, delivery));
        }
      }
    }
    callOuts.run();
  }

  private void publish(Identity device, C2dEntry entry, int delivery) {
    synchronized (sessions) {
      Session session = sessions.get(device);
      // Voided before its turn (connection gone, message ended): a later delivery, if any, has its own publish.
      if (entry.deliveries != delivery || session == null || !session.isDelivering(entry)) {
        return;
      }
    }
    publisher.publish(device, entry.topic, entry.payload, 1).whenComplete((delivered, error) -> {
      if (error == null && Boolean.TRUE.equals(delivered)) {
        synchronized (sessions) {
          Session session = sessions.get(device);
          // Skip when the connection ended meanwhile and the message went back to the queue.
          boolean stillSent = entry.deliveries == delivery && session != null && session.isDelivering(entry);
          if (entry.state == State.QUEUED && stillSent) {
            entry.moveTo(State.DELIVERED, callOuts);
          }
        }
        callOuts.run();
      } else {
        synchronized (sessions) {
          Session session = sessions.get(device);
          if (entry.deliveries == delivery && session != null) {
            session.awaitingPacketId.remove(entry);
          }
        }
        LOG.debug("hub emulator: C2D {} not delivered to {} yet (not subscribed)", entry.messageId, device);
      }
    });
  }

  /** The broker is writing a PUBLISH to a client: bind its packet id to the C2D message it carries. */
  public void outboundPublish(Identity identity, String topic, int packetId) {
    if (!topic.startsWith(identity.deviceboundTopic())) {
      return;
    }
    synchronized (sessions) {
      Session session = sessions.get(identity);
      if (session == null) {
        return;
      }
      for (Iterator<C2dEntry> it = session.awaitingPacketId.iterator(); it.hasNext(); ) {
        C2dEntry entry = it.next();
        if (entry.topic.equals(topic)) {
          it.remove();
          session.inflight.put(packetId, entry);
          return;
        }
      }
    }
  }

  /** The device acknowledged a PUBLISH: completes the C2D message it carried. */
  public void puback(Identity identity, int packetId) {
    C2dEntry entry;
    synchronized (sessions) {
      Session session = sessions.get(identity);
      entry = session == null ? null : session.inflight.remove(packetId);
      if (entry == null) {
        return;
      }
      List<C2dEntry> queue = queues.get(entry.target);
      if (queue != null) {
        queue.remove(entry);
      }
      if (entry.expiryTimer != null) {
        entry.expiryTimer.cancel(false);
      }
      if (entry.state == State.QUEUED) {
        entry.moveTo(State.DELIVERED, callOuts);
      }
      forget(entry);
      entry.moveTo(State.COMPLETED, callOuts);
    }
    callOuts.run();
    LOG.debug("hub emulator: C2D {} completed by {}", entry.messageId, identity);
  }
}
