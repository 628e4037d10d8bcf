// The driver of one client's pure connection machine: one lock, events in, effects run on the world.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.CompletableEmitter;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.transport.TransportState;
import io.rxiothub.transport.TransportState.Reason;
import io.rxiothub.transport.TransportState.Status;
import io.rxiothub.transport.internal.Effects.Timer;
import io.rxiothub.transport.internal.MqttConnector.MqttConnection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives {@link ConnectionStateMachine}: each event (a user's call, a connector's callback, a timer)
 * takes the lock, reads the clock, feeds the machine and collects its effects in a {@link Step};
 * the state, timer and expiry effects run at once under the lock, the MQTT calls and user signals
 * after it is released, in the order the machine asked for them. Inbound routing ({@link Routes})
 * and the send signals ({@link SignalQueue}, {@link OutboundBatch}) live beside it. The driver is
 * also the observable of the connection states ({@link StateCell}) and its own lock (this object's
 * monitor), so a client keeps no extra object for either.
 */
final class ConnectionMachine extends StateCell {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionMachine.class);

  final CoreSettings s;
  private final MqttConnector connector;
  private final Runnable onClose;
  final SignalQueue signals;
  final OutboundBatch outbound = new OutboundBatch();
  final Routes routes;
  /** Guarded by this object's monitor (the lock), as is everything below. */
  final ConnectionStateMachine<PendingSend> machine;
  /** The attempt the machine opened last: the only one its effects name, but for stale events. */
  private @Nullable Attempt live;
  private @Nullable Disposable retryTimer;
  private @Nullable Disposable tokenTimer;
  private @Nullable Disposable drainTimer;

  ConnectionMachine(CoreSettings settings, MqttConnector connector, Runnable onClose) {
    super(TransportState.of(Status.DISCONNECTED, Reason.CREATED, null));
    this.s = settings;
    this.connector = connector;
    this.onClose = onClose;
    this.signals = new SignalQueue(settings.callbackScheduler);
    this.routes = new Routes(this);
    this.machine = new ConnectionStateMachine<>(settings);
  }

  // ---------------------------------------------------------------- asked by the user

  void connect(CompletableEmitter emitter) {
    emitter.setCancellable(() -> cancelConnect(emitter));
    Step fx = new Step(this, null);
    synchronized (this) {
      if (emitter.isDisposed()) {
        return;
      }
      machine.connectAsked(emitter, now(), fx);
    }
    fx.run();
  }

  private void cancelConnect(CompletableEmitter emitter) {
    Step fx = new Step(this, null);
    synchronized (this) {
      machine.connectCancelled(emitter, fx);
    }
    fx.run();
  }

  void disconnect(CompletableEmitter emitter) {
    Step fx = new Step(this, null);
    synchronized (this) {
      machine.disconnectAsked(emitter, now(), fx);
    }
    fx.run();
  }

  /** Closes at once: fails pending work, sends DISCONNECT. Idempotent; true the first time. */
  boolean close() {
    Step fx = new Step(this, null);
    List<Route<?>> toComplete;
    synchronized (this) {
      if (!machine.close(fx)) {
        return false;
      }
      toComplete = routes.snapshot();
      completeStates();
    }
    fx.run();
    for (Route<?> route : toComplete) {
      route.complete();
    }
    LOG.info("Client of {} closed", s.identity);
    onClose.run();
    return true;
  }

  /** Accepts sends in one go: one lock and one hand-over to MQTT for the batch (a stream's). */
  void submitAll(List<PendingSend> batch) {
    Step fx = new Step(this, null);
    synchronized (this) {
      long now = now();
      for (int i = 0, n = batch.size(); i < n; i++) {
        machine.submit(batch.get(i), now, fx);
      }
    }
    fx.run();
  }

  /** Accepts one send. */
  void submit(PendingSend p) {
    Step fx = new Step(this, null);
    synchronized (this) {
      machine.submit(p, now(), fx);
    }
    fx.run();
  }

  /** The observer of {@code p} disposed it; see {@link Outbox#disposed}. */
  void disposed(PendingSend p) {
    synchronized (this) {
      machine.outbox.disposed(p);
    }
  }

  /** A stream was cancelled; see {@link Outbox#streamCancelled}. */
  void streamCancelled(SendSink sink) {
    synchronized (this) {
      machine.outbox.streamCancelled(sink);
    }
  }

  // ---------------------------------------------------------------- the connector's and timers' events

  void onConnected(Attempt a, MqttConnection connection) {
    Step fx = new Step(this, a);
    synchronized (this) {
      a.connection = connection;
      machine.connectSucceeded(a.id, now(), fx);
    }
    fx.run();
  }

  void onConnectFailed(Attempt a, Throwable error) {
    Step fx = new Step(this, a);
    synchronized (this) {
      machine.connectFailed(a.id, error, now(), fx);
    }
    fx.run();
  }

  void onClosed(Attempt a, Throwable cause) {
    Step fx = new Step(this, a);
    synchronized (this) {
      machine.connectionLost(a.id, cause, now(), fx);
    }
    fx.run();
  }

  void onDisconnected(Attempt a) {
    Step fx = new Step(this, a);
    synchronized (this) {
      machine.disconnected(a.id, now(), fx);
    }
    fx.run();
  }

  /** The PUBACK of {@code p} on {@code a} arrived ({@code error} null), or its publish failed. */
  void onPublished(PendingSend p, Attempt a, @Nullable Throwable error) {
    if (error == null) {
      boolean alone;
      synchronized (this) {
        alone = machine.acknowledgedAlone(p, a.id);
      }
      if (alone) {
        p.complete();
        return;
      }
    }
    Step fx = new Step(this, a);
    synchronized (this) {
      machine.published(p, a.id, error, now(), fx);
    }
    fx.run();
  }

  private void timerFired(Timer timer, long id) {
    Step fx = new Step(this, null);
    synchronized (this) {
      machine.timerFired(timer, id, now(), fx);
    }
    fx.run();
  }

  private void expired(PendingSend p) {
    Step fx = new Step(this, null);
    synchronized (this) {
      machine.expired(p, now(), fx);
    }
    fx.run();
  }

  // ---------------------------------------------------------------- timers and DISCONNECT, for a Step

  // These arm what outlives the event (a timer, an expiry, a DISCONNECT's callback) here, not in the Step:
  // a lambda made in a Step method would capture the Step and keep it and its effects (the connect
  // emitter, the SUBSCRIBE lambdas) alive until it fires: the token timer lives ~50 minutes. They arm under
  // the lock, mid-transition: the time scheduler never runs a task on the caller's thread
  // (CoreSettings.checkTimeScheduler), so a timer due at once fires after the transition, on its own thread.

  /** Under the lock: arms {@code timer} with {@code id} at {@code atMillis}, replacing its kind's. */
  void armTimer(Timer timer, long id, long atMillis) {
    Disposable d = s.timeScheduler.scheduleDirect(() -> timerFired(timer, id),
        Math.max(0, atMillis - now()), TimeUnit.MILLISECONDS);
    cancelTimer(timer);
    if (timer == Timer.RETRY) {
      retryTimer = d;
    } else if (timer == Timer.TOKEN) {
      tokenTimer = d;
    } else {
      drainTimer = d;
    }
  }

  /** Under the lock: stops the running {@code timer}, if any. */
  void cancelTimer(Timer timer) {
    Disposable d;
    if (timer == Timer.RETRY) {
      d = retryTimer;
      retryTimer = null;
    } else if (timer == Timer.TOKEN) {
      d = tokenTimer;
      tokenTimer = null;
    } else {
      d = drainTimer;
      drainTimer = null;
    }
    if (d != null) {
      d.dispose();
    }
  }

  /** Under the lock: arms the expiry of {@code p} at {@code atMillis}. */
  void armExpiry(PendingSend p, long atMillis) {
    p.expiryTimer = s.timeScheduler.scheduleDirect(() -> expired(p),
        Math.max(0, atMillis - now()), TimeUnit.MILLISECONDS);
  }

  /** Outside the lock: sends DISCONNECT on the connection of {@code a}; its end is an event. */
  void sendDisconnect(Attempt a, MqttConnection connection) {
    connection.disconnect(() -> onDisconnected(a));
  }

  // ---------------------------------------------------------------- inbound

  void routeWanted(Route<?> route) {
    Step fx = new Step(this, null);
    synchronized (this) {
      if (route.wanted) {
        return;
      }
      route.wanted = true;
      Attempt current = live;
      if (current != null && machine.connected() == current.id) {
        routes.subscribe(route, current, fx);
      }
    }
    fx.run();
  }

  boolean isCurrent(Object attemptToken) {
    synchronized (this) {
      return attemptToken instanceof Attempt
          && ((Attempt) attemptToken).id == machine.connected();
    }
  }

  long now() {
    return s.timeScheduler.now(TimeUnit.MILLISECONDS);
  }

  /**
   * The effects of one event. The state, timer and expiry effects and the publishes' hand-over to
   * {@link #outbound} run at once (under the lock); the rest is kept and run by {@link #run} after it.
   * The common single effect (a send's completion on its PUBACK) is kept without a list entry.
   */
  static final class Step extends java.util.ArrayList<Runnable> implements Effects<PendingSend> {
    private static final long serialVersionUID = 1L;

    private final transient ConnectionMachine m;
    /** The attempt whose event this is (it may be stale), or null. */
    private final transient @Nullable Attempt event;
    /** A send to complete before the kept effects. */
    private transient @Nullable PendingSend first;
    private boolean outbound;

    Step(ConnectionMachine machine, @Nullable Attempt event) {
      this.m = machine;
      this.event = event;
    }

    private Attempt attempt(long id) {
      Attempt a = m.live;
      if (a != null && a.id == id) {
        return a;
      }
      Attempt e = event;
      if (e != null && e.id == id) {
        return e;
      }
      throw new IllegalStateException("no attempt " + id + " of " + m.s.identity);
    }

    @Override
    public void state(Status status, Reason reason, @Nullable Throwable error) {
      m.setState(TransportState.of(status, reason, error));
    }

    @Override
    public void open(long connection, MqttConnector.ConnectRequest request) {
      Attempt a = new Attempt(m, connection);
      m.live = a;
      add(() -> a.start(m.connector, request));
    }

    @Override
    public void cancelAttempt(long connection) {
      add(attempt(connection)::cancel);
    }

    @Override
    public void abort(long connection) {
      add(attempt(connection).connection()::abort);
    }

    @Override
    public void disconnect(long connection) {
      Attempt a = attempt(connection);
      MqttConnection c = a.connection();
      ConnectionMachine machine = m;
      add(() -> machine.sendDisconnect(a, c));
    }

    @Override
    public void connected(long connection) {
      m.routes.connected(attempt(connection), this);
    }

    @Override
    public void publish(PendingSend message, long connection) {
      m.outbound.add(message, attempt(connection));
      if (!outbound) {
        outbound = true;
        add(m.outbound);
      }
    }

    @Override
    public void schedule(Timer timer, long id, long atMillis) {
      m.armTimer(timer, id, atMillis);
    }

    @Override
    public void cancelTimer(Timer timer) {
      m.cancelTimer(timer);
    }

    @Override
    public void expireAt(PendingSend message, long atMillis) {
      m.armExpiry(message, atMillis);
    }

    @Override
    public void complete(PendingSend message) {
      if (first == null && isEmpty()) {
        first = message;
      } else {
        add(message::complete);
      }
    }

    @Override
    public void fail(PendingSend message, Throwable error) {
      add(() -> message.fail(error));
    }

    @Override
    public void completeWaiter(Object waiter) {
      add(((CompletableEmitter) waiter)::onComplete);
    }

    @Override
    public void failWaiter(Object waiter, Throwable error) {
      add(() -> ((CompletableEmitter) waiter).tryOnError(error));
    }

    /** Runs the kept effects, in order, outside the lock. */
    void run() {
      PendingSend p = first;
      if (p != null) {
        p.complete();
      }
      for (int i = 0, n = size(); i < n; i++) {
        get(i).run();
      }
    }
  }
}
