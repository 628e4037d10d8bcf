// The offline queue, the in-flight set and message expiry of one client; guarded by the machine's lock.
package io.rxiothub.transport.internal;

import io.rxiothub.transport.QueuePolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send path of one client. Accepted messages live in {@code queue} (not yet handed to a connection) or {@code inFlight}
 * (handed over, waiting for PUBACK); when a connection ends, every in-flight message goes back to the
 * head of the queue, so nothing accepted is lost (at least once: a message whose PUBACK was lost is
 * sent again). The entry points (sends accepted, outcomes, expiry, cancellation) take the machine's
 * lock; the rest runs under it, with effects collected in {@code fx} and run after it.
 */
final class SendQueue {

  private static final Logger LOG = LoggerFactory.getLogger(SendQueue.class);

  /** Publishes handed to MQTT at once; HiveMQ blocks its caller beyond ~65k (send maximum). */
  static final int MAX_IN_FLIGHT = 8192;

  private final ConnectionMachine m;
  private final CoreSettings s;
  final OutboundBatch outbound = new OutboundBatch();
  final ArrayDeque<PendingSend> queue = new ArrayDeque<>();
  final LinkedHashSet<PendingSend> inFlight = new LinkedHashSet<>();

  SendQueue(ConnectionMachine machine, CoreSettings settings) {
    this.m = machine;
    this.s = settings;
  }

  // ---------------------------------------------------------------- entry points: take the machine's lock

  /**
   * Accepts sends in one go: one lock and one hand-over to MQTT for the batch (a stream's). The
   * sends of a stream are not refused for a full offline queue: the stream's window bounds them.
   */
  void submitAll(List<PendingSend> batch) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (m.lock) {
      Attempt current = m.renewal.draining() ? null : m.connected;
      boolean transmitted = false;
      for (int i = 0, n = batch.size(); i < n; i++) {
        PendingSend p = batch.get(i);
        if (p.disposed) {
          continue;
        } else if (m.closed) {
          fx.add(() -> p.fail(m.closedError()));
        } else if (!m.wanted && m.connected == null) {
          fx.add(() -> p.fail(m.notConnected("connect() was not called, or disconnect() was")));
        } else if (!m.wanted) {
          fx.add(() -> p.fail(m.notConnected("disconnect() is in progress")));
        } else {
          transmitted |= accept(p, current, fx);
        }
      }
      if (transmitted) {
        fx.add(outbound);
      }
    }
    ConnectionMachine.run(fx);
  }

  /** The PUBACK of {@code p} on {@code a} arrived ({@code error} null), or its publish failed. */
  void onPublishDone(PendingSend p, Attempt a, @Nullable Throwable error) {
    List<Runnable> fx = null;
    synchronized (m.lock) {
      if (!acknowledged(p, a)) {
        return;
      }
      // The common case, once per PUBACK (acknowledged, nothing queued, no drain): no effect list.
      if (error != null || !queue.isEmpty() || m.connected == a && m.renewal.draining()) {
        fx = new ArrayList<>();
        if (error == null) {
          fx.add(p::complete);
        } else {
          Throwable failure = s.failures.isOwn(error) ? error
              : s.failures.connection("Publish of " + s.identity + " failed: "
                  + error.getMessage(), error);
          fx.add(() -> p.fail(failure));
        }
        if (m.connected == a) {
          roomInFlight(a, fx);
        }
      }
    }
    if (fx == null) {
      p.complete();
    } else {
      ConnectionMachine.run(fx);
    }
  }

  /** Under the lock: a message left flight on the current connection {@code a}. */
  private void roomInFlight(Attempt a, List<Runnable> fx) {
    if (!m.renewal.draining()) {
      pump(a, fx);
    } else if (inFlight.isEmpty()) {
      m.renewal.finishDrain(a, fx);
    }
  }

  /** A stream was cancelled: see {@link #removeSends}. */
  void cancelSends(SendSink sink) {
    synchronized (m.lock) {
      removeSends(sink);
    }
  }

  /**
   * The observer of {@code p} disposed it: a queued message is forgotten; one already handed to MQTT
   * cannot be recalled (and is not sent again: requeueInFlight skips disposed sends).
   */
  void cancel(PendingSend p) {
    synchronized (m.lock) {
      queue.remove(p);
    }
  }

  /** The expiry timer of {@code p} fired. */
  void expired(PendingSend p) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (m.lock) {
      boolean sent = expire(p, fx);
      Attempt a = m.connected;
      if (sent && a != null) {
        roomInFlight(a, fx);
      }
    }
    ConnectionMachine.run(fx);
  }

  // ---------------------------------------------------------------- under the machine's lock

  /**
   * Queues or transmits {@code p} (the client wants a connection); {@code current}: the connection to
   * send on at once, or null while there is none or it is draining. Returns true if transmitted.
   */
  boolean accept(PendingSend p, @Nullable Attempt current, List<Runnable> fx) {
    if (current != null && queue.isEmpty() && inFlight.size() < MAX_IN_FLIGHT) {
      armExpiry(p);
      transmit(p, current);
      return true;
    } else if (p.sink != null || queue.size() < s.queueCapacity) {
      armExpiry(p);
      queue.add(p);
    } else if (s.overflowPolicy == QueuePolicy.DROP_OLDEST) {
      PendingSend oldest = queue.poll();
      armExpiry(p);
      queue.add(p);
      if (oldest != null) {
        LOG.warn("Offline queue of {} full ({} messages): dropped the oldest", s.identity,
            s.queueCapacity);
        fx.add(() -> oldest.fail(s.failures.queueFull(s.queueCapacity, "Dropped: the "
            + "offline queue of " + s.identity + " was full (" + s.queueCapacity
            + " messages, policy DROP_OLDEST) while reconnecting")));
      }
    } else {
      fx.add(() -> p.fail(s.failures.queueFull(s.queueCapacity, "Refused: the offline "
          + "queue of " + s.identity + " is full (" + s.queueCapacity + " messages, policy "
          + "FAIL) while reconnecting; retry later or raise offlineQueueCapacity")));
    }
    return false;
  }

  /** Moves queued messages to {@code a} while the in-flight window has room. */
  void pump(Attempt a, List<Runnable> fx) {
    long now = -1;
    boolean transmitted = false;
    while (!queue.isEmpty() && inFlight.size() < MAX_IN_FLIGHT) {
      PendingSend p = queue.poll();
      if (p.expiry != null) {
        now = now < 0 ? m.now() : now;
        if (p.isExpired(now)) {
          fx.add(() -> p.fail(expiredInQueue(p)));
          continue;
        }
      }
      transmit(p, a);
      transmitted = true;
    }
    if (transmitted) {
      fx.add(outbound);
    }
  }

  /** Hands every queued message to {@code a} (before a disconnect's drain); true if there were any. */
  boolean flush(Attempt a) {
    if (queue.isEmpty()) {
      return false;
    }
    while (!queue.isEmpty()) {
      transmit(queue.poll(), a);
    }
    return true;
  }

  /** Hands {@code p} to {@code a}'s connection; the caller then runs {@link #outbound}. */
  private void transmit(PendingSend p, Attempt a) {
    inFlight.add(p);
    p.attempt = a;
    p.transmissions++;
    outbound.add(p, a);
  }

  /** Under the lock: takes {@code p} out of flight if its PUBACK (or failure) on {@code a} still counts. */
  boolean acknowledged(PendingSend p, Attempt a) {
    return p.attempt == a && inFlight.remove(p);
  }

  /** Whether a message sent more than once waits for its PUBACK. */
  boolean resendOutstanding() {
    for (PendingSend p : inFlight) {
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
    List<PendingSend> back = new ArrayList<>(inFlight);
    inFlight.clear();
    for (int i = back.size() - 1; i >= 0; i--) {
      PendingSend p = back.get(i);
      p.attempt = null;
      if (!p.disposed) {
        queue.addFirst(p);
      }
    }
  }

  void failAll(Throwable error, List<Runnable> fx) {
    failInFlight(error, fx);
    failQueued(error, fx);
  }

  void failInFlight(Throwable error, List<Runnable> fx) {
    fail(new ArrayList<>(inFlight), error, fx);
    inFlight.clear();
  }

  void failQueued(Throwable error, List<Runnable> fx) {
    fail(new ArrayList<>(queue), error, fx);
    queue.clear();
  }

  private static void fail(List<PendingSend> failed, Throwable error, List<Runnable> fx) {
    fx.add(() -> {
      for (PendingSend p : failed) {
        p.fail(error);
      }
    });
  }

  /**
   * Forgets the sends of {@code sink} that wait in the queue, and stops those already handed to MQTT
   * from being sent again or reported (they cannot be recalled).
   */
  private void removeSends(SendSink sink) {
    for (Iterator<PendingSend> it = queue.iterator(); it.hasNext(); ) {
      PendingSend p = it.next();
      if (p.sink == sink) {
        p.disposed = true;
        it.remove();
      }
    }
    for (PendingSend p : inFlight) {
      if (p.sink == sink) {
        p.disposed = true;
      }
    }
  }

  /** Schedules the end of a message with an expiry: it is never sent, or sent again, after it. */
  private void armExpiry(PendingSend p) {
    Long expiry = p.expiry;
    if (expiry != null) {
      p.expiryTimer = s.timeScheduler.scheduleDirect(() -> expired(p),
          Math.max(0, expiry - m.now()), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Removes an expired {@code p} and adds its failure to {@code fx}; returns false if it was no
   * longer waiting, true if it was (then {@link #inFlight} may have room again).
   */
  private boolean expire(PendingSend p, List<Runnable> fx) {
    boolean queued = queue.remove(p);
    boolean sent = !queued && inFlight.remove(p);
    if (!queued && !sent) {
      return false;
    }
    p.attempt = null;
    RuntimeException error = queued ? expiredInQueue(p) : s.failures.timeout("Message of "
        + s.identity + " expired at " + p.expiry + " (epoch ms) before its PUBACK arrived; it may "
        + "or may not have reached the hub, and it will not be sent again");
    fx.add(() -> p.fail(error));
    return sent;
  }

  private RuntimeException expiredInQueue(PendingSend p) {
    return s.failures.timeout("Message of " + s.identity + " expired at " + p.expiry
        + " (epoch ms) while waiting in the offline queue; it was not sent");
  }
}
