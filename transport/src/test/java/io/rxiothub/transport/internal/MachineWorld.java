// The world around the pure connection machine: delivers events to it as a connector, timers and users would.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.transport.QueuePolicy;
import io.rxiothub.transport.TransportState.Status;
import io.rxiothub.transport.internal.Effects.Timer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Feeds events to a {@link ConnectionStateMachine}, from user calls to late callbacks of connections
 * that ended; {@link MachineModel} checks the effects they cause.
 */
final class MachineWorld extends MachineModel {

  MachineWorld(int capacity, QueuePolicy policy, boolean renews, int refusalsRetried) {
    super(capacity, policy, renews, refusalsRetried);
  }

  MachineWorld(int capacity, QueuePolicy policy, boolean renews) {
    this(capacity, policy, renews, 0);
  }

  MachineWorld() {
    this(100, QueuePolicy.FAIL, false);
  }

  // ---------------------------------------------------------------- events, as the world delivers them

  Waiter connect() {
    Waiter w = waiter("connect");
    machine.connectAsked(w, now, this);
    return w;
  }

  Waiter disconnect() {
    Waiter w = waiter("disconnect");
    machine.disconnectAsked(w, now, this);
    return w;
  }

  private Waiter waiter(String kind) {
    Waiter w = new Waiter(kind + waiters.size());
    w.afterClose = closed;
    waiters.add(w);
    return w;
  }

  /** Disposes the last connect() that waits, if any. */
  void cancelConnect() {
    for (int i = waiters.size() - 1; i >= 0; i--) {
      Waiter w = waiters.get(i);
      if (w.name.startsWith("connect") && w.outcomes == 0) {
        w.outcomes = -1; // disposed: it hears nothing more
        machine.connectCancelled(w, this);
        return;
      }
    }
  }

  void close() {
    boolean first = machine.close(this);
    assertThat(first).as("close() is true the first time").isEqualTo(!closed);
    if (!closed) {
      messagesAtClose = messages.size();
    }
    closed = true;
  }

  Msg send(@Nullable Long expiresIn, boolean stream) {
    Msg m = new Msg(messages.size(), expiresIn == null ? null : now + expiresIn,
        stream ? STREAM : null);
    messages.add(m);
    machine.submit(m, now, this);
    return m;
  }

  /** The observer of the {@code index}-th undecided send disposes it (as PendingSend.dispose). */
  void dispose(int index) {
    List<Msg> open = new ArrayList<>();
    for (Msg m : messages) {
      if (m.outcomes == 0 && !m.disposed) {
        open.add(m);
      }
    }
    if (!open.isEmpty()) {
      Msg m = open.get(index % open.size());
      m.disposed = true;
      machine.outbox.disposed(m);
    }
  }

  void cancelStream() {
    machine.outbox.streamCancelled(STREAM);
  }

  long pendingAttempt() {
    return pending.contains(lastOpened) ? lastOpened : 0;
  }

  void accept() {
    long id = pendingAttempt();
    if (id != 0) {
      pending.remove(id);
      connack(id);
    }
  }

  /** A CONNACK for an attempt that was cancelled meanwhile. */
  void acceptLate() {
    for (long id : ended) {
      if (!publishedOn.containsKey(id)) {
        connack(id);
        return;
      }
    }
  }

  private void connack(long id) {
    connackOf = id;
    machine.connectSucceeded(id, now, this);
    connackOf = 0;
  }

  void failAttempt(boolean refused) {
    long id = pendingAttempt();
    if (id == 0) {
      return;
    }
    end(id);
    if (refused && (refusalsRetried == 0 || status != Status.RECONNECTING)) {
      machine.connectFailed(id, new SecurityException("refused"), now, this);
      return;
    }
    // a retried refusal counts as a failed attempt: the same backoff and give-up time
    if (failuresInRow++ == 0) {
      firstFailureAt = now;
    }
    retryCeiling = ceilings.ceilingMillis(failuresInRow - 1);
    machine.connectFailed(id, refused ? new SecurityException("refused") : new IOException("unreachable"), now,
        this);
    retryCeiling = -1;
  }

  void lose(boolean byServer) {
    long id = current;
    if (id == 0) {
      return;
    }
    end(id);
    failuresInRow = 0;
    retryCeiling = ceilings.ceilingMillis(0);
    machine.connectionLost(id, byServer
        ? new MqttConnector.ClosedByHubException("closed by the hub", null)
        : new IOException("reset"), now, this);
    retryCeiling = -1;
  }

  /** A connection that already ended reports its close (late, as a library may). */
  void loseLate() {
    int before = log.size();
    for (long id : ended) {
      if (id != current && publishedOn.containsKey(id)) {
        machine.connectionLost(id, new IOException("late"), now, this);
        assertThat(log.size()).as("a late close has no effect").isEqualTo(before);
        return;
      }
    }
  }

  /** The PUBACK (or write failure) of the first unacknowledged publish of the current connection. */
  void ack(@Nullable Throwable error) {
    List<Msg> open = current == 0 ? null : unacked.get(current);
    if (open != null && !open.isEmpty()) {
      puback(open.remove(0), current, error);
    }
  }

  void ackAll() {
    List<Msg> open = current == 0 ? null : unacked.get(current);
    while (open != null && !open.isEmpty()) {
      puback(open.remove(0), current, null);
      open = current == 0 ? null : unacked.get(current);
    }
  }

  /** A PUBACK that arrives on a connection after it ended. */
  void ackLate() {
    for (Map.Entry<Long, List<Msg>> e : unacked.entrySet()) {
      if (e.getKey() != current && !e.getValue().isEmpty()) {
        int before = log.size();
        puback(e.getValue().remove(0), e.getKey(), null);
        assertThat(log.size()).as("a late PUBACK has no effect").isEqualTo(before);
        return;
      }
    }
  }

  /** As the driver does: the common PUBACK first, without effects, else the full event. */
  private void puback(Msg m, long connection, @Nullable Throwable error) {
    pubackOf = error == null ? m : null;
    if (error == null && machine.acknowledgedAlone(m, connection)) {
      complete(m);
    } else {
      machine.published(m, connection, error, now, this);
    }
    pubackOf = null;
  }

  void disconnectDone() {
    if (!disconnecting.isEmpty()) {
      machine.disconnected(disconnecting.remove(0), now, this);
    }
  }

  /** Lets {@code millis} pass, firing the timers and expiries that come due, each at its time. */
  void advance(long millis) {
    long until = now + millis;
    for (;;) {
      Timer timer = null;
      Msg expiring = null;
      long at = until;
      for (Map.Entry<Timer, long[]> e : timers.entrySet()) {
        if (e.getValue()[1] <= at) {
          timer = e.getKey();
          at = e.getValue()[1];
        }
      }
      for (Map.Entry<Msg, Long> e : expiries.entrySet()) {
        if (e.getValue() < at || timer == null && e.getValue() <= at) {
          timer = null;
          expiring = e.getKey();
          at = e.getValue();
        }
      }
      if (timer == null && expiring == null) {
        now = until;
        return;
      }
      now = Math.max(now, at);
      if (timer != null) {
        long id = timers.remove(timer)[0];
        machine.timerFired(timer, id, now, this);
      } else {
        expiries.remove(expiring);
        machine.expired(expiring, now, this);
      }
    }
  }

  /** Lets every send and waiter reach its end: answers attempts, acknowledges, lets time pass. */
  void settle() {
    for (int round = 0; round < 500 && !allDecided(); round++) {
      accept();
      disconnectDone();
      ackAll();
      advance(BACKOFF_MAX);
    }
  }

  boolean allDecided() {
    for (Msg m : messages) {
      if (m.outcomes == 0 && !m.disposed) {
        return false;
      }
    }
    for (Waiter w : waiters) {
      if (w.outcomes == 0) {
        return false;
      }
    }
    return true;
  }
}
