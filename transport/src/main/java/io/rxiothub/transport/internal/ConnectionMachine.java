// Connection state and reconnection of one client: attempts, backoff, give-up, takeover, fatal ends.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.CompletableEmitter;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.subjects.BehaviorSubject;
import io.rxiothub.transport.TransportState;
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
 * The state of one client's connection under a single lock; MQTT calls and user signals happen
 * outside it, collected as effects ({@code fx}) and run after the lock is released. The jobs around
 * it keep their own state under the same lock: {@link SendQueue} (offline queue, in flight, expiry),
 * {@link Renewal} (token renewal and the drain before a clean disconnect), {@link Routes} (inbound),
 * {@link ReconnectPolicy} (pure: when to retry, give up, or stop for a takeover); {@link SignalQueue}
 * and {@link OutboundBatch} run outside it.
 */
final class ConnectionMachine {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionMachine.class);

  final CoreSettings s;
  private final MqttConnector connector;
  private final Runnable onClose;
  final Object lock = new Object();
  final BehaviorSubject<TransportState> states =
      BehaviorSubject.createDefault(TransportState.of(Status.DISCONNECTED, Reason.CREATED, null));
  final SignalQueue signals;
  final SendQueue sends;
  final Routes routes;
  final Renewal renewal;
  private final ReconnectPolicy reconnect;

  // Everything below is guarded by lock.
  Status status = Status.DISCONNECTED;
  boolean wanted;
  boolean closed;
  @Nullable Attempt attempt;
  @Nullable Attempt connected;
  final List<CompletableEmitter> connectWaiters = new ArrayList<>();
  final List<CompletableEmitter> disconnectWaiters = new ArrayList<>();
  private @Nullable Disposable retryTimer;

  ConnectionMachine(CoreSettings settings, MqttConnector connector, Runnable onClose) {
    this.s = settings;
    this.connector = connector;
    this.onClose = onClose;
    this.signals = new SignalQueue(settings.callbackScheduler);
    this.sends = new SendQueue(this, settings);
    this.routes = new Routes(this, settings.identity);
    this.renewal = new Renewal(this);
    this.reconnect = new ReconnectPolicy(settings.backoff, settings.giveUpMillis,
        new Takeover(settings.takeoverWindowMillis, settings.identity));
  }

  // ---------------------------------------------------------------- asked by the user

  void connect(CompletableEmitter emitter) {
    List<Runnable> fx = new ArrayList<>();
    emitter.setCancellable(() -> cancelConnect(emitter));
    synchronized (lock) {
      if (emitter.isDisposed()) {
        return;
      } else if (closed) {
        fx.add(() -> emitter.tryOnError(closedError()));
      } else if (renewal.userDisconnecting()) {
        fx.add(() -> emitter.tryOnError(s.failures.clientState("disconnect() of "
            + s.identity + " is still in progress; call connect() after it completed")));
      } else if (status == Status.CONNECTED) {
        fx.add(emitter::onComplete);
      } else {
        connectWaiters.add(emitter);
        if (!wanted) {
          wanted = true;
          reconnect.connectAsked();
          setStatus(Status.CONNECTING, Reason.USER_CONNECT, null);
          startAttempt(fx);
        }
      }
    }
    run(fx);
  }

  private void cancelConnect(CompletableEmitter emitter) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (!connectWaiters.remove(emitter) || !connectWaiters.isEmpty()
          || status != Status.CONNECTING || !wanted) {
        return;
      }
      // Disposing the only pending connect() aborts the first connection attempt.
      wanted = false;
      cancelTimers();
      endConnection(fx, false);
      sends.failQueued(notConnected("the pending connect() was disposed"), fx);
      setStatus(Status.DISCONNECTED, Reason.USER_DISCONNECT, null);
    }
    run(fx);
  }

  void disconnect(CompletableEmitter emitter) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (closed || (!wanted && connected == null && !renewal.draining())) {
        fx.add(emitter::onComplete);
      } else {
        wanted = false;
        if (retryTimer != null) {
          retryTimer.dispose();
          retryTimer = null;
        }
        renewal.cancelTokenTimer();
        failWaiters(connectWaiters, notConnected("disconnect() was called first"), fx);
        Attempt current = connected;
        if (current != null) {
          disconnectWaiters.add(emitter);
          renewal.userDisconnect(current, fx);
        } else {
          endConnection(fx, false);
          sends.failQueued(notConnected("disconnect() was called before it could be sent"), fx);
          setStatus(Status.DISCONNECTED, Reason.USER_DISCONNECT, null);
          fx.add(emitter::onComplete);
        }
      }
    }
    run(fx);
  }

  /** Closes at once: fails pending work, sends DISCONNECT. Idempotent; true the first time. */
  boolean close() {
    List<Runnable> fx = new ArrayList<>();
    List<Route<?>> toComplete;
    synchronized (lock) {
      if (closed) {
        return false;
      }
      closed = true;
      wanted = false;
      cancelTimers();
      RuntimeException error = s.failures.clientState(
          "Client of " + s.identity + " was closed; build a new client to continue");
      sends.failAll(error, fx);
      failWaiters(connectWaiters, error, fx);
      completeWaiters(disconnectWaiters, fx);
      endConnection(fx, true);
      toComplete = routes.snapshot();
      setStatus(Status.CLOSED, Reason.USER_CLOSE, null);
      states.onComplete();
    }
    run(fx);
    for (Route<?> route : toComplete) {
      route.complete();
    }
    LOG.info("Client of {} closed", s.identity);
    onClose.run();
    return true;
  }

  // ---------------------------------------------------------------- attempts and their events

  void startAttempt(List<Runnable> fx) {
    long now = now();
    byte[] password;
    try {
      password = s.credentials.password(now);
    } catch (RuntimeException e) {
      if (s.failures.isCredentialsExpired(e)) {
        fatal(Reason.TOKEN_EXPIRED, e, fx);
      } else {
        fatal(Reason.REFUSED, s.failures.connection("Could not make the credentials of "
            + s.identity + ": " + e.getMessage(), e), fx);
      }
      return;
    }
    Attempt a = new Attempt(this);
    attempt = a;
    MqttConnector.ConnectRequest request = new MqttConnector.ConnectRequest(
        s.credentials.clientId(), s.credentials.username(), password, s.keepAliveSeconds,
        s.cleanSession);
    LOG.debug("Connecting {}", s.identity);
    fx.add(() -> a.start(connector, request));
  }

  void onConnected(Attempt a, MqttConnection connection) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (attempt != a || !wanted || closed) {
        fx.add(connection::abort);
      } else {
        a.connection = connection;
        a.afterServerClose = reconnect.accepted();
        a.connectedAtMillis = now();
        connected = a;
        LOG.info("Connected {}", s.identity);
        setStatus(Status.CONNECTED, Reason.CONNECTION_OK, null);
        renewal.scheduleTokenTimer(a);
        routes.connected(a, fx);
        sends.pump(a, fx);
        completeWaiters(connectWaiters, fx);
      }
    }
    run(fx);
  }

  void onConnectFailed(Attempt a, Throwable error) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (attempt != a) {
        return;
      }
      attempt = null;
      if (!wanted || closed) {
        return;
      }
      if (s.failures.isRefused(error)) {
        reconnect.attemptRefused();
        LOG.warn("Hub refused the connection of {}: {}", s.identity, error.getMessage());
        fatal(Reason.REFUSED, error, fx);
      } else if (s.failures.isFatal(error)) {
        reconnect.attemptRefused();
        fatal(Reason.REFUSED, error, fx);
      } else {
        long now = now();
        long delay = reconnect.attemptFailed(now);
        if (delay == ReconnectPolicy.STOP) {
          RuntimeException gaveUp = s.failures.connection("Gave up connecting "
              + s.identity + " after " + reconnect.failingForMillis(now) + " ms and "
              + reconnect.failures() + " attempts; last error: " + error.getMessage(), error);
          LOG.warn("{}", gaveUp.getMessage());
          fatal(Reason.RETRY_EXPIRED, gaveUp, fx);
        } else {
          LOG.warn("Connection attempt {} of {} failed: {}", reconnect.failures(), s.identity,
              error.getMessage());
          setStatus(status, Reason.NETWORK_LOST, error);
          scheduleRetry(delay);
        }
      }
    }
    run(fx);
  }

  void onClosed(Attempt a, Throwable cause) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (connected != a) {
        return;
      }
      connected = null;
      attempt = null;
      cancelTimers();
      boolean userDisconnect = renewal.endDrain();
      boolean resendOutstanding = sends.resendOutstanding();
      sends.requeueInFlight();
      if (closed) {
        return;
      }
      if (!wanted || userDisconnect) {
        sends.failAll(notConnected("the connection closed while disconnecting"), fx);
        setStatus(Status.DISCONNECTED, Reason.USER_DISCONNECT, null);
        completeWaiters(disconnectWaiters, fx);
      } else {
        reconnectAfterLoss(a, cause, resendOutstanding, fx);
      }
    }
    run(fx);
  }

  /** Under the lock: the connection {@code a} was lost while wanted; a takeover, or reconnect. */
  private void reconnectAfterLoss(Attempt a, Throwable cause, boolean resendOutstanding,
      List<Runnable> fx) {
    long delay = reconnect.connectionLost(a.afterServerClose, a.connectedAtMillis, cause,
        resendOutstanding, now());
    if (delay == ReconnectPolicy.STOP) {
      RuntimeException error = s.failures.connection("Another client connected "
          + "as " + s.identity + ": the hub closed this client's connection "
          + reconnect.serverCloses() + " times in a row, each time soon after it reconnected "
          + "(session takeover). It stopped reconnecting so that the two do not take turns; stop "
          + "the other client, or call connect() to take the identity back", cause);
      LOG.warn("{}", error.getMessage());
      fatal(Reason.TAKEN_OVER, error, fx);
    } else {
      RuntimeException error = s.failures.connection(
          "Connection of " + s.identity + " lost: " + cause.getMessage(), cause);
      LOG.warn("Connection of {} lost ({}); {} messages wait for the reconnection",
          s.identity, cause.getMessage(), sends.queue.size());
      setStatus(Status.RECONNECTING, Reason.NETWORK_LOST, error);
      scheduleRetry(delay);
    }
  }

  private void scheduleRetry(long delayMillis) {
    LOG.debug("Reconnecting {} in {} ms", s.identity, delayMillis);
    retryTimer = s.timeScheduler.scheduleDirect(this::retryNow, delayMillis, TimeUnit.MILLISECONDS);
  }

  private void retryNow() {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      retryTimer = null;
      if (!wanted || closed || attempt != null) {
        return;
      }
      startAttempt(fx);
    }
    run(fx);
  }

  /** Under the lock: ends the client's wish to connect with {@code error}; connect() starts afresh. */
  void fatal(Reason reason, Throwable error, List<Runnable> fx) {
    wanted = false;
    cancelTimers();
    endConnection(fx, false);
    sends.failAll(error, fx);
    failWaiters(connectWaiters, error, fx);
    completeWaiters(disconnectWaiters, fx);
    setStatus(Status.DISCONNECTED, reason, error);
  }

  // ---------------------------------------------------------------- inbound

  void routeWanted(Route<?> route) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (route.wanted) {
        return;
      }
      route.wanted = true;
      Attempt current = connected;
      if (current != null) {
        routes.subscribe(route, current, fx);
      }
    }
    run(fx);
  }

  boolean isCurrent(Object attemptToken) {
    synchronized (lock) {
      return connected == attemptToken;
    }
  }

  // ---------------------------------------------------------------- helpers

  void setStatus(Status newStatus, Reason reason, @Nullable Throwable error) {
    status = newStatus;
    states.onNext(TransportState.of(newStatus, reason, error));
  }

  /** Under the lock: forgets the connection or attempt and ends it, politely (DISCONNECT) or not. */
  void endConnection(List<Runnable> fx, boolean polite) {
    Attempt a = connected != null ? connected : attempt;
    connected = null;
    attempt = null;
    renewal.endDrain();
    sends.requeueInFlight();
    if (a != null) {
      MqttConnection connection = a.connection;
      if (connection != null && polite) {
        fx.add(() -> connection.disconnect(() -> { }));
      } else {
        fx.add(a::cancel);
      }
    }
  }

  private void cancelTimers() {
    if (retryTimer != null) {
      retryTimer.dispose();
    }
    retryTimer = null;
    renewal.cancelTimers();
  }

  static void failWaiters(List<CompletableEmitter> waiters, Throwable error, List<Runnable> fx) {
    List<CompletableEmitter> copy = new ArrayList<>(waiters);
    waiters.clear();
    fx.add(() -> {
      for (CompletableEmitter w : copy) {
        w.tryOnError(error);
      }
    });
  }

  static void completeWaiters(List<CompletableEmitter> waiters, List<Runnable> fx) {
    List<CompletableEmitter> copy = new ArrayList<>(waiters);
    waiters.clear();
    fx.add(() -> {
      for (CompletableEmitter w : copy) {
        w.onComplete();
      }
    });
  }

  RuntimeException closedError() {
    return s.failures.clientState("Client of " + s.identity + " is closed; build a new "
        + "client to continue");
  }

  RuntimeException notConnected(String why) {
    return s.failures.clientState(s.identity + " is not connected (" + why + "); call "
        + "connect() first");
  }

  long now() {
    return s.timeScheduler.now(TimeUnit.MILLISECONDS);
  }

  static void run(List<Runnable> fx) {
    for (Runnable r : fx) {
      r.run();
    }
  }
}
