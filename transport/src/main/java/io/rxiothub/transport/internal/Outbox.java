// The send path of the pure connection machine: offline queue, in-flight window, resend, expiry.
package io.rxiothub.transport.internal;

import io.rxiothub.transport.Failures;
import io.rxiothub.transport.QueuePolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepted messages live in {@link #queue} (not yet handed to a connection) or {@link #inFlight}
 * (handed over, waiting for PUBACK); when a connection ends, every in-flight message goes back to the
 * head of the queue in order, so nothing accepted is lost (at least once: a message whose PUBACK was
 * lost is sent again). Pure: no lock, thread or clock; time is passed in and everything it does for
 * the world is an {@link Effects} call. Part of {@link ConnectionStateMachine}, which calls it.
 */
final class Outbox<M extends Outgoing> {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  /** Publishes handed to MQTT at once; HiveMQ blocks its caller beyond ~65k (send maximum). */
  static final int MAX_IN_FLIGHT = 8192;

  private final CoreSettings s;
  private final String identity;
  private final Failures failures;
  final ArrayDeque<M> queue = new ArrayDeque<>();
  final LinkedHashSet<M> inFlight = new LinkedHashSet<>();

  Outbox(CoreSettings settings) {
    this.s = settings;
    this.identity = settings.identity;
    this.failures = settings.failures;
  }

  /**
   * Queues or publishes {@code p} (the client wants a connection); {@code current}: the connection to
   * publish on at once, or NONE while there is none or it drains.
   */
  void accept(M p, long current, Effects<M> fx) {
    if (current != ConnectionStateMachine.NONE && queue.isEmpty()
        && inFlight.size() < MAX_IN_FLIGHT) {
      armExpiry(p, fx);
      transmit(p, current, fx);
    } else if (p.sink != null || queue.size() < s.queueCapacity) {
      armExpiry(p, fx);
      queue.add(p);
    } else if (s.overflowPolicy == QueuePolicy.DROP_OLDEST) {
      M oldest = queue.poll();
      armExpiry(p, fx);
      queue.add(p);
        if (oldest != null) {
        int capacity = s.queueCapacity;
        LOG.warn("Offline queue of {} full ({} messages): dropped the oldest", identity, capacity);
        fx.fail(oldest, failures.queueFull(capacity, "Dropped: the offline queue of " + identity
            + " was full (" + capacity + " messages, policy DROP_OLDEST) while reconnecting"));
      }
    } else {
      int capacity = s.queueCapacity;
      fx.fail(p, failures.queueFull(capacity, "Refused: the offline queue of " + identity
          + " is full (" + capacity + " messages, policy FAIL) while reconnecting; retry later or "
          + "raise offlineQueueCapacity"));
    }
  }

  /** Moves queued messages to {@code connection} while the in-flight window has room. */
  void pump(long connection, long nowMillis, Effects<M> fx) {
    while (!queue.isEmpty() && inFlight.size() < MAX_IN_FLIGHT) {
      M p = queue.poll();
      if (p.isExpired(nowMillis)) {
        fx.fail(p, expiredInQueue(p));
        continue;
      }
      transmit(p, connection, fx);
    }
  }

  /** Hands every queued message to {@code connection} (before a disconnect's drain). */
  void flush(long connection, Effects<M> fx) {
    while (!queue.isEmpty()) {
      transmit(queue.poll(), connection, fx);
    }
  }

  private void transmit(M p, long connection, Effects<M> fx) {
    inFlight.add(p);
    p.connection = connection;
    p.transmissions++;
    fx.publish(p, connection);
  }

  /** Takes {@code p} out of flight if its PUBACK (or failure) on {@code connection} still counts. */
  boolean acknowledged(M p, long connection) {
    return p.connection == connection && inFlight.remove(p);
  }

  /** Whether a message sent more than once waits for its PUBACK. */
  boolean resendOutstanding() {
    for (M p : inFlight) {
      if (p.transmissions > 1) {
        return true;
      }
    }
    return false;
  }

  /** Puts the in-flight messages back at the head of the queue, in order (a connection ended). */
  void requeueInFlight() {
    if (inFlight.isEmpty()) {
      return;
    }
    List<M> back = new ArrayList<>(inFlight);
    inFlight.clear();
    for (int i = back.size() - 1; i >= 0; i--) {
      M p = back.get(i);
      p.connection = ConnectionStateMachine.NONE;
      if (!p.disposed) {
        queue.addFirst(p);
      }
    }
  }

  void failAll(Throwable error, Effects<M> fx) {
    failInFlight(error, fx);
    failQueued(error, fx);
  }

  void failInFlight(Throwable error, Effects<M> fx) {
    for (M p : inFlight) {
      fx.fail(p, error);
    }
    inFlight.clear();
  }

  void failQueued(Throwable error, Effects<M> fx) {
    for (M p : queue) {
      fx.fail(p, error);
    }
    queue.clear();
  }

  /**
   * The observer of {@code p} disposed it: a queued message is forgotten; one already handed to MQTT
   * cannot be recalled (and is not sent again: requeueInFlight skips disposed sends).
   */
  void disposed(M p) {
    queue.remove(p);
  }

  /**
   * Forgets the sends of {@code sink} that wait in the queue, and stops those already handed to MQTT
   * from being sent again or reported (they cannot be recalled).
   */
  void streamCancelled(SendSink sink) {
    for (Iterator<M> it = queue.iterator(); it.hasNext(); ) {
      M p = it.next();
      if (p.sink == sink) {
        p.disposed = true;
        it.remove();
      }
    }
    for (M p : inFlight) {
      if (p.sink == sink) {
        p.disposed = true;
      }
    }
  }

  private void armExpiry(M p, Effects<M> fx) {
    Long at = p.expiry;
    if (at != null) {
      fx.expireAt(p, at);
    }
  }

  /**
   * Removes an expired {@code p} and fails it; returns false if it was no longer waiting, true if it
   * was in flight (then the window has room again).
   */
  boolean expire(M p, Effects<M> fx) {
    boolean queued = queue.remove(p);
    boolean sent = !queued && inFlight.remove(p);
    if (!queued && !sent) {
      return false;
    }
    p.connection = ConnectionStateMachine.NONE;
    fx.fail(p, queued ? expiredInQueue(p) : failures.timeout("Message of " + identity
        + " expired at " + p.expiry + " (epoch ms) before its PUBACK arrived; it may or may not "
        + "have reached the hub, and it will not be sent again"));
    return sent;
  }

  private RuntimeException expiredInQueue(M p) {
    return failures.timeout("Message of " + identity + " expired at " + p.expiry
        + " (epoch ms) while waiting in the offline queue; it was not sent");
  }
}
