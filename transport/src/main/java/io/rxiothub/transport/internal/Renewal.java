// Token renewal and the drain before a clean disconnect: wait (bounded) for PUBACKs, then DISCONNECT.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.CompletableEmitter;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.transport.TransportState.Reason;
import io.rxiothub.transport.TransportState.Status;
import io.rxiothub.transport.internal.MqttConnector.MqttConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the credentials say so, renews them by a clean reconnect; a password that cannot be renewed
 * ends the connection when it expires. Before the DISCONNECT of a renewal or of {@code disconnect()}
 * the connection drains: no new message goes out and the outstanding ones get (bounded) time for
 * their PUBACK. Guarded by the machine's lock, whose connection state it changes.
 */
final class Renewal {

  private static final Logger LOG = LoggerFactory.getLogger(Renewal.class);

  private enum DrainGoal { RENEW, USER_DISCONNECT }

  private final ConnectionMachine m;
  private final CoreSettings s;
  private @Nullable DrainGoal drainGoal;
  private @Nullable Disposable tokenTimer;
  private @Nullable Disposable drainTimer;

  Renewal(ConnectionMachine machine) {
    this.m = machine;
    this.s = machine.s;
  }

  /** Whether the current connection drains (no new message goes out on it). */
  boolean draining() {
    return drainGoal != null;
  }

  /** Whether a disconnect() waits for its drain. */
  boolean userDisconnecting() {
    return drainGoal == DrainGoal.USER_DISCONNECT;
  }

  /** Forgets the drain (its connection ended); returns whether it was a disconnect()'s. */
  boolean endDrain() {
    boolean user = drainGoal == DrainGoal.USER_DISCONNECT;
    drainGoal = null;
    return user;
  }

  void cancelTokenTimer() {
    if (tokenTimer != null) {
      tokenTimer.dispose();
      tokenTimer = null;
    }
  }

  void cancelTimers() {
    cancelTokenTimer();
    if (drainTimer != null) {
      drainTimer.dispose();
    }
    drainTimer = null;
  }

  /** Arms the renewal, or the expiry of a password that cannot be renewed, of the new connection {@code a}. */
  void scheduleTokenTimer(Attempt a) {
    long renewAt = s.credentials.renewAtMillis();
    long expiry = s.credentials.expiresAtMillis();
    if (renewAt >= 0) {
      tokenTimer = s.timeScheduler.scheduleDirect(() -> renew(a),
          Math.max(0, renewAt - m.now()), TimeUnit.MILLISECONDS);
    } else if (expiry >= 0) {
      tokenTimer = s.timeScheduler.scheduleDirect(() -> tokenExpired(a),
          Math.max(0, expiry - m.now()), TimeUnit.MILLISECONDS);
    }
  }

  private void renew(Attempt a) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (m.lock) {
      if (m.connected != a || drainGoal != null || !m.wanted) {
        return;
      }
      LOG.info("Renewing the credentials of {} by a clean reconnect", s.identity);
      beginDrain(DrainGoal.RENEW, a, fx);
    }
    ConnectionMachine.run(fx);
  }

  private void tokenExpired(Attempt a) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (m.lock) {
      if (m.connected != a) {
        return;
      }
      RuntimeException error = s.credentials.expired();
      LOG.warn("{}", error.getMessage());
      m.fatal(Reason.TOKEN_EXPIRED, error, fx);
    }
    ConnectionMachine.run(fx);
  }

  /**
   * disconnect() on the connected {@code current}: sends what was accepted, then waits (bounded) for
   * the PUBACKs before DISCONNECT; during a renewal's drain, the drain becomes the disconnect's.
   */
  void userDisconnect(Attempt current, List<Runnable> fx) {
    if (drainGoal == null) {
      if (m.sends.flush(current)) {
        fx.add(m.sends.outbound);
      }
      beginDrain(DrainGoal.USER_DISCONNECT, current, fx);
    } else {
      drainGoal = DrainGoal.USER_DISCONNECT;
    }
  }

  private void beginDrain(DrainGoal goal, Attempt a, List<Runnable> fx) {
    drainGoal = goal;
    if (m.sends.inFlight.isEmpty()) {
      finishDrain(a, fx);
    } else {
      drainTimer = s.timeScheduler.scheduleDirect(() -> drainTimedOut(a),
          s.drainTimeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void drainTimedOut(Attempt a) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (m.lock) {
      if (m.connected == a && drainGoal != null) {
        LOG.warn("{} messages of {} still wait for PUBACK after {} ms; disconnecting anyway",
            m.sends.inFlight.size(), s.identity, s.drainTimeoutMillis);
        finishDrain(a, fx);
      }
    }
    ConnectionMachine.run(fx);
  }

  /** The drain of {@code a} is over (nothing in flight, or its time ran out): DISCONNECT. */
  void finishDrain(Attempt a, List<Runnable> fx) {
    DrainGoal goal = drainGoal;
    drainGoal = null;
    if (drainTimer != null) {
      drainTimer.dispose();
      drainTimer = null;
    }
    cancelTokenTimer();
    MqttConnection connection = a.connection();
    m.connected = null;
    m.attempt = null;
    if (goal == DrainGoal.RENEW) {
      m.sends.requeueInFlight();
      m.setStatus(Status.RECONNECTING, Reason.TOKEN_RENEWAL, null);
      fx.add(() -> connection.disconnect(this::afterRenewalDisconnect));
    } else {
      m.sends.failInFlight(m.notConnected("disconnect() did not wait longer for the PUBACK; the "
          + "message may or may not have reached the hub"), fx);
      m.setStatus(Status.DISCONNECTED, Reason.USER_DISCONNECT, null);
      List<CompletableEmitter> waiters = new ArrayList<>(m.disconnectWaiters);
      m.disconnectWaiters.clear();
      fx.add(() -> connection.disconnect(() -> {
        for (CompletableEmitter w : waiters) {
          w.onComplete();
        }
      }));
    }
  }

  private void afterRenewalDisconnect() {
    List<Runnable> fx = new ArrayList<>();
    synchronized (m.lock) {
      if (m.wanted && !m.closed && m.attempt == null && m.connected == null) {
        m.startAttempt(fx);
      }
    }
    ConnectionMachine.run(fx);
  }
}
