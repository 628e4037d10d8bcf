// The send path of the pure connection machine: offline queue, in-flight window, resend, expiry.
package io.rxiothub.transport.internal;

import io.rxiothub.transport.QueuePolicy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepted messages are queued (not yet handed to a connection) or in flight (handed over, waiting for
 * PUBACK); when a connection ends, every in-flight message goes back to the head of the queue in order,
 * so nothing accepted is lost (at least once: a message whose PUBACK was lost is sent again). Both are
 * lists linked through the messages themselves ({@link Outgoing#prev}, {@link Outgoing#next}; a
 * message is in at most one), so an idle client keeps no collection for them and a send costs no
 * entry or node. Pure: no lock, thread or clock; time is passed in and everything it does for the
 * world is an {@link Effects} call. Part of {@link ConnectionStateMachine}, which calls it.
 */
final class Outbox<M extends Outgoing> {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  /** Publishes handed to MQTT at once; HiveMQ blocks its caller beyond ~65k (send maximum). */
  static final int MAX_IN_FLIGHT = 8192;

  private final CoreSettings s;
  /** The queue, oldest first, and its length. */
  private @Nullable Outgoing queueHead;
  private @Nullable Outgoing queueTail;
  private int queued;
  /** The messages in flight, in transmission order, and their number. */
  private @Nullable Outgoing flightHead;
  private @Nullable Outgoing flightTail;
  private int inFlight;

  Outbox(CoreSettings settings) {
    this.s = settings;
  }

  /** Returns the number of queued messages. */
  int queued() {
    return queued;
  }

  /** Returns the number of messages in flight. */
  int inFlight() {
    return inFlight;
  }

  /**
   * Queues or publishes {@code p} (the client wants a connection); {@code current}: the connection to
   * publish on at once, or NONE while there is none or it drains. A message already expired fails at
   * once, unsent: an expiry armed for now would fire only after the message went out (on a timer
   * thread), and then as a failure of a message that may have reached the hub.
   */
  void accept(M p, long current, long nowMillis, Effects<M> fx) {
    if (p.isExpired(nowMillis)) {
      fx.fail(p, s.failures.timeout("Message of " + s.identity + " expired at " + p.expiry
          + " (epoch ms) before it was sent (the client's clock read " + nowMillis
          + "); it was not sent"));
    } else if (current != ConnectionStateMachine.NONE && queued == 0 && inFlight < MAX_IN_FLIGHT) {
      armExpiry(p, fx);
      transmit(p, current, fx);
    } else if (p.sink != null || queued < s.queueCapacity) {
      armExpiry(p, fx);
      enqueue(p);
    } else if (s.overflowPolicy == QueuePolicy.DROP_OLDEST) {
      M oldest = poll();
      armExpiry(p, fx);
      enqueue(p);
      if (oldest != null) {
        int capacity = s.queueCapacity;
        LOG.warn("Offline queue of {} full ({} messages): dropped the oldest", s.identity, capacity);
        fx.fail(oldest, s.failures.queueFull(capacity, "Dropped: the offline queue of " + s.identity
            + " was full (" + capacity + " messages, policy DROP_OLDEST) while reconnecting"));
      }
    } else {
      int capacity = s.queueCapacity;
      fx.fail(p, s.failures.queueFull(capacity, "Refused: the offline queue of " + s.identity
          + " is full (" + capacity + " messages, policy FAIL) while reconnecting; retry later or "
          + "raise offlineQueueCapacity"));
    }
  }

  /** Moves queued messages to {@code connection} while the in-flight window has room. */
  void pump(long connection, long nowMillis, Effects<M> fx) {
    M p;
    while (inFlight < MAX_IN_FLIGHT && (p = poll()) != null) {
      if (p.isExpired(nowMillis)) {
        fx.fail(p, expiredInQueue(p));
        continue;
      }
      transmit(p, connection, fx);
    }
  }

  /** Hands every queued message to {@code connection} (before a disconnect's drain). */
  void flush(long connection, Effects<M> fx) {
    M p;
    while ((p = poll()) != null) {
      transmit(p, connection, fx);
    }
  }

  private void transmit(M p, long connection, Effects<M> fx) {
    p.place = Outgoing.IN_FLIGHT;
    link(p, flightTail, null);
    flightTail = p;
    if (flightHead == null) {
      flightHead = p;
    }
    inFlight++;
    p.connection = connection;
    p.transmissions++;
    fx.publish(p, connection);
  }

  /** Takes {@code p} out of flight if its PUBACK (or failure) on {@code connection} still counts. */
  boolean acknowledged(M p, long connection) {
    if (p.connection != connection || p.place != Outgoing.IN_FLIGHT) {
      return false;
    }
    unlink(p);
    return true;
  }

  /** Whether a message sent more than once waits for its PUBACK. */
  boolean resendOutstanding() {
    for (Outgoing p = flightHead; p != null; p = p.next) {
      if (p.transmissions > 1) {
        return true;
      }
    }
    return false;
  }

  /** Puts the in-flight messages back at the head of the queue, in order (a connection ended). */
  void requeueInFlight() {
    Outgoing p = flightTail;
    flightHead = null;
    flightTail = null;
    inFlight = 0;
    while (p != null) {
      Outgoing before = p.prev;
      p.prev = null;
      p.next = null;
      p.place = Outgoing.NOWHERE;
      p.connection = ConnectionStateMachine.NONE;
      if (!p.disposed) {
        p.place = Outgoing.QUEUED;
        link(p, null, queueHead);
        queueHead = p;
        if (queueTail == null) {
          queueTail = p;
        }
        queued++;
      }
      p = before;
    }
  }

  void failAll(Throwable error, Effects<M> fx) {
    failInFlight(error, fx);
    failQueued(error, fx);
  }

  void failInFlight(Throwable error, Effects<M> fx) {
    Outgoing p = flightHead;
    flightHead = null;
    flightTail = null;
    inFlight = 0;
    failChain(p, error, fx);
  }

  void failQueued(Throwable error, Effects<M> fx) {
    Outgoing p = queueHead;
    queueHead = null;
    queueTail = null;
    queued = 0;
    failChain(p, error, fx);
  }

  /** Fails every message of the chain that starts at {@code p}, in order, and unlinks them. */
  private void failChain(@Nullable Outgoing p, Throwable error, Effects<M> fx) {
    while (p != null) {
      Outgoing after = p.next;
      p.prev = null;
      p.next = null;
      p.place = Outgoing.NOWHERE;
      fx.fail(cast(p), error);
      p = after;
    }
  }

  /**
   * The observer of {@code p} disposed it: a queued message is forgotten; one already handed to MQTT
   * cannot be recalled (and is not sent again: requeueInFlight skips disposed sends).
   */
  void disposed(M p) {
    if (p.place == Outgoing.QUEUED) {
      unlink(p);
    }
  }

  /**
   * Forgets the sends of {@code sink} that wait in the queue, and stops those already handed to MQTT
   * from being sent again or reported (they cannot be recalled).
   */
  void streamCancelled(SendSink sink) {
    for (Outgoing p = queueHead; p != null; ) {
      Outgoing after = p.next;
      if (p.sink == sink) {
        p.disposed = true;
        unlink(p);
      }
      p = after;
    }
    for (Outgoing p = flightHead; p != null; p = p.next) {
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
    byte place = p.place;
    if (place == Outgoing.NOWHERE) {
      return false;
    }
    unlink(p);
    p.connection = ConnectionStateMachine.NONE;
    boolean sent = place == Outgoing.IN_FLIGHT;
    fx.fail(p, sent ? s.failures.timeout("Message of " + s.identity + " expired at " + p.expiry
        + " (epoch ms) before its PUBACK arrived; it may or may not have reached the hub, and it "
        + "will not be sent again") : expiredInQueue(p));
    return sent;
  }

  private RuntimeException expiredInQueue(M p) {
    return s.failures.timeout("Message of " + s.identity + " expired at " + p.expiry
        + " (epoch ms) while waiting in the offline queue; it was not sent");
  }

  // ---------------------------------------------------------------- the two lists

  private void enqueue(M p) {
    p.place = Outgoing.QUEUED;
    link(p, queueTail, null);
    queueTail = p;
    if (queueHead == null) {
      queueHead = p;
    }
    queued++;
  }

  /** Takes the head of the queue, or null. */
  private @Nullable M poll() {
    Outgoing p = queueHead;
    if (p == null) {
      return null;
    }
    unlink(p);
    return cast(p);
  }

  /** Links {@code p} between {@code before} and {@code after} (either null at an end). */
  private static void link(Outgoing p, @Nullable Outgoing before, @Nullable Outgoing after) {
    p.prev = before;
    p.next = after;
    if (before != null) {
      before.next = p;
    }
    if (after != null) {
      after.prev = p;
    }
  }

  /** Takes {@code p} out of the list it is in (queued or in flight). */
  private void unlink(Outgoing p) {
    Outgoing before = p.prev;
    Outgoing after = p.next;
    boolean isQueued = p.place == Outgoing.QUEUED;
    if (before != null) {
      before.next = after;
    } else if (isQueued) {
      queueHead = after;
    } else {
      flightHead = after;
    }
    if (after != null) {
      after.prev = before;
    } else if (isQueued) {
      queueTail = before;
    } else {
      flightTail = before;
    }
    if (isQueued) {
      queued--;
    } else {
      inFlight--;
    }
    p.prev = null;
    p.next = null;
    p.place = Outgoing.NOWHERE;
  }

  @SuppressWarnings("unchecked")
  private M cast(Outgoing p) {
    return (M) p;
  }
}
