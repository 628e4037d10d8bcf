// The connection state machine: connect, reconnect with backoff, token renewal, offline queue, routing.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.CompletableEmitter;
import io.reactivex.rxjava3.core.CompletableObserver;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.functions.Function;
import io.reactivex.rxjava3.subjects.BehaviorSubject;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.ConnectionState.Reason;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.device.IotHubClientStateException;
import io.rxiothub.device.IotHubConnectionException;
import io.rxiothub.device.IotHubConnectionRefusedException;
import io.rxiothub.device.IotHubException;
import io.rxiothub.device.IotHubQueueFullException;
import io.rxiothub.device.IotHubTimeoutException;
import io.rxiothub.device.IotHubTokenExpiredException;
import io.rxiothub.device.Message;
import io.rxiothub.device.OverflowPolicy;
import io.rxiothub.device.SendResult;
import io.rxiothub.device.internal.MqttConnector.Cancellation;
import io.rxiothub.device.internal.MqttConnector.InboundPublish;
import io.rxiothub.device.internal.MqttConnector.MqttConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's connection life: a single lock guards the state; MQTT calls and user signals happen
 * outside it. Accepted messages live in {@code queue} (not yet handed to a connection) or
 * {@code inFlight} (handed over, waiting for PUBACK); when a connection ends, every in-flight message
 * goes back to the head of the queue, so nothing accepted is lost (at least once: a message whose
 * PUBACK was lost is sent again).
 */
public final class ClientCore {

  private static final Logger LOG = LoggerFactory.getLogger(ClientCore.class);

  /** Publishes handed to MQTT at once; HiveMQ blocks its caller beyond ~65k (send maximum). */
  static final int MAX_IN_FLIGHT = 8192;

  /**
   * A first close by the hub and two quick ones after reconnecting: one quick close alone can be a
   * coincidence (a hub or middlebox closing twice), and stopping a device wrongly costs far more
   * than one more round of the takeover.
   */
  static final int TAKEOVER_CLOSES = 3;

  /** Send outcomes delivered by one callback task before it makes way for other clients. */
  static final int SIGNAL_BATCH = 256;

  private enum DrainGoal { RENEW, USER_DISCONNECT }

  private final CoreSettings s;
  private final MqttConnector connector;
  private final Runnable onClose;
  private final Object lock = new Object();
  private final BehaviorSubject<ConnectionState> states =
      BehaviorSubject.createDefault(ConnectionState.of(Status.DISCONNECTED, Reason.CREATED, null));
  private final ConcurrentLinkedQueue<Outbound> outbound = new ConcurrentLinkedQueue<>();
  private final AtomicInteger outboundWip = new AtomicInteger();
  private final Runnable drainOutboundTask = this::drainOutbound;
  private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<PendingSend> signals = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean signalScheduled = new AtomicBoolean();
  private final Runnable signalDrain = this::drainSignals;

  // Everything below is guarded by lock.
  private Status status = Status.DISCONNECTED;
  private boolean wanted;
  private boolean closed;
  private @Nullable Attempt attempt;
  private @Nullable Attempt connected;
  private @Nullable DrainGoal drainGoal;
  private final ArrayDeque<PendingSend> queue = new ArrayDeque<>();
  private final LinkedHashSet<PendingSend> inFlight = new LinkedHashSet<>();
  private final List<CompletableEmitter> connectWaiters = new ArrayList<>();
  private final List<CompletableEmitter> disconnectWaiters = new ArrayList<>();
  private final List<Route<?>> routes = new ArrayList<>();
  private int failures;
  /**
   * Connections closed by the hub in a row, each after the first within the takeover window of being
   * accepted; a takeover when it reaches {@link #TAKEOVER_CLOSES}.
   */
  private int hubCloses;
  private long firstFailureMillis;
  private @Nullable Disposable retryTimer;
  private @Nullable Disposable tokenTimer;
  private @Nullable Disposable drainTimer;

  /** Creates the core; {@code onClose} runs once when the client closes. */
  public ClientCore(CoreSettings settings, MqttConnector connector, Runnable onClose) {
    this.s = settings;
    this.connector = connector;
    this.onClose = onClose;
  }

  /** Returns the settings. */
  public CoreSettings settings() {
    return s;
  }

  // ---------------------------------------------------------------- public operations

  /** Cold: each subscription asks for the connection and completes once connected. */
  public Completable connect() {
    return Completable.create(this::connect).observeOn(s.callbackScheduler);
  }

  /** Cold: stops reconnecting, lets in-flight messages finish (bounded) and disconnects. */
  public Completable disconnect() {
    return Completable.create(this::disconnect).observeOn(s.callbackScheduler);
  }

  /** Replays the current state, then every change, on the callback scheduler. */
  public Observable<ConnectionState> connectionStates() {
    return states.hide().observeOn(s.callbackScheduler);
  }

  /** Returns the current state. */
  public ConnectionState currentState() {
    ConnectionState state = states.getValue();
    if (state != null) {
      return state;
    }
    // A completed BehaviorSubject forgets its value: the client was closed.
    return states.hasComplete() ? ConnectionState.of(Status.CLOSED, Reason.USER_CLOSE, null)
        : ConnectionState.of(Status.DISCONNECTED, Reason.CREATED, null);
  }

  /**
   * Cold: publishes {@code payload} on {@code topic} through the queue; completes on PUBACK (QoS 1)
   * or once written (QoS 0).
   */
  public Completable publish(String topic, byte[] payload, boolean atMostOnce,
      @Nullable Long expiryEpochMillis) {
    return new Send(topic, payload, atMostOnce, expiryEpochMillis);
  }

  /**
   * A cold send: each subscription is one accepted message. Its outcome reaches the observer on the
   * callback scheduler through this client's signal queue, so a burst of PUBACKs costs one callback
   * task instead of one per message (what {@code create(...).observeOn(...)} would do).
   */
  private final class Send extends Completable {
    private final String topic;
    private final byte[] payload;
    private final boolean atMostOnce;
    private final @Nullable Long expiry;

    Send(String topic, byte[] payload, boolean atMostOnce, @Nullable Long expiry) {
      this.topic = topic;
      this.payload = payload;
      this.atMostOnce = atMostOnce;
      this.expiry = expiry;
    }

    @Override
    protected void subscribeActual(CompletableObserver observer) {
      PendingSend p = new PendingSend(topic, payload, atMostOnce, expiry, observer, null, null);
      observer.onSubscribe(p);
      submit(p);
    }
  }

  /**
   * Cold: sends every message of {@code messages} through the queue, pulling them as its window
   * allows; see {@link SendStream}. {@code payloads} reads a message's payload without a copy.
   */
  public Flowable<SendResult> sendAll(Publisher<Message> messages, MessageCodec codec,
      java.util.function.Function<Message, byte[]> payloads) {
    return new SendStream(this, codec, payloads, messages);
  }

  /**
   * Returns the hot stream of inbound messages matching {@code filter}, decoded by {@code decoder}
   * (which returns null, after logging, for a message to skip). The filter is subscribed on the hub
   * when the first subscriber arrives, and again after every reconnect.
   */
  public <T> Flowable<T> inbound(String filter, Function<InboundPublish, @Nullable T> decoder) {
    Route<T> route = new Route<>(this, filter, decoder, s.callbackScheduler, s.maxHeldInbound);
    synchronized (lock) {
      routes.add(route);
    }
    return route.flowable();
  }

  /**
   * Hears, synchronously and outside the lock, each new connection (before any SUBSCRIBE is sent on
   * it) and each acknowledged subscription; used by the twin engine to know when its response
   * subscription is active and when to reconcile after a reconnect.
   */
  public interface ConnectionListener {
    /** A connection was established; {@code connection} identifies it for {@link #isCurrent}. */
    void connected(Object connection);

    /** The hub acknowledged the subscription to {@code filter} on {@code connection}. */
    void subscribed(String filter, Object connection);
  }

  /** Adds a connection listener (for the twin and methods engines of this client). */
  public void addConnectionListener(ConnectionListener listener) {
    connectionListeners.add(listener);
  }

  /** Returns whether {@code connection} (as passed to a listener) is the current connection. */
  public boolean isCurrentConnection(Object connection) {
    return isCurrent(connection);
  }

  /** Closes at once: fails pending work, sends DISCONNECT, releases shared resources. Idempotent. */
  public void close() {
    List<Runnable> fx = new ArrayList<>();
    List<Route<?>> toComplete;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      wanted = false;
      cancelTimers();
      IotHubClientStateException error = new IotHubClientStateException(
          "Client of " + s.identity() + " was closed; build a new client to continue", null);
      failAll(error, fx);
      failWaiters(connectWaiters, error, fx);
      completeWaiters(disconnectWaiters, fx);
      endConnection(fx, true);
      toComplete = new ArrayList<>(routes);
      setStatus(Status.CLOSED, Reason.USER_CLOSE, null);
      states.onComplete();
    }
    run(fx);
    for (Route<?> route : toComplete) {
      route.complete();
    }
    LOG.info("Client of {} closed", s.identity());
    onClose.run();
  }

  // ---------------------------------------------------------------- connect and disconnect

  private void connect(CompletableEmitter emitter) {
    List<Runnable> fx = new ArrayList<>();
    emitter.setCancellable(() -> cancelConnect(emitter));
    synchronized (lock) {
      if (emitter.isDisposed()) {
        return;
      } else if (closed) {
        fx.add(() -> emitter.tryOnError(closedError()));
      } else if (drainGoal == DrainGoal.USER_DISCONNECT) {
        fx.add(() -> emitter.tryOnError(new IotHubClientStateException("disconnect() of "
            + s.identity() + " is still in progress; call connect() after it completed", null)));
      } else if (status == Status.CONNECTED) {
        fx.add(emitter::onComplete);
      } else {
        connectWaiters.add(emitter);
        if (!wanted) {
          wanted = true;
          failures = 0;
          hubCloses = 0;
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
      failQueued(notConnected("the pending connect() was disposed"), fx);
      setStatus(Status.DISCONNECTED, Reason.USER_DISCONNECT, null);
    }
    run(fx);
  }

  private void disconnect(CompletableEmitter emitter) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (closed || (!wanted && connected == null && drainGoal == null)) {
        fx.add(emitter::onComplete);
      } else {
        wanted = false;
        if (retryTimer != null) {
          retryTimer.dispose();
          retryTimer = null;
        }
        if (tokenTimer != null) {
          tokenTimer.dispose();
          tokenTimer = null;
        }
        failWaiters(connectWaiters, notConnected("disconnect() was called first"), fx);
        Attempt current = connected;
        if (current != null) {
          disconnectWaiters.add(emitter);
          if (drainGoal == null) {
            // Send what was accepted, then wait (bounded) for the PUBACKs before DISCONNECT.
            if (!queue.isEmpty()) {
              while (!queue.isEmpty()) {
                transmit(queue.poll(), current);
              }
              fx.add(drainOutboundTask);
            }
            beginDrain(DrainGoal.USER_DISCONNECT, current, fx);
          } else {
            drainGoal = DrainGoal.USER_DISCONNECT;
          }
        } else {
          endConnection(fx, false);
          failQueued(notConnected("disconnect() was called before it could be sent"), fx);
          setStatus(Status.DISCONNECTED, Reason.USER_DISCONNECT, null);
          fx.add(emitter::onComplete);
        }
      }
    }
    run(fx);
  }

  private void startAttempt(List<Runnable> fx) {
    long now = now();
    byte[] password;
    try {
      password = s.credentials.password(now);
    } catch (IotHubTokenExpiredException e) {
      fatal(Reason.TOKEN_EXPIRED, e, fx);
      return;
    } catch (RuntimeException e) {
      fatal(Reason.REFUSED, new IotHubConnectionException("Could not make the credentials of "
          + s.identity() + ": " + e.getMessage(), e), fx);
      return;
    }
    Attempt a = new Attempt();
    attempt = a;
    MqttConnector.ConnectRequest request = new MqttConnector.ConnectRequest(
        s.clientId, s.username, password, s.keepAliveSeconds, s.cleanSession);
    LOG.debug("Connecting {}", s.identity());
    fx.add(() -> a.start(connector, request));
  }

  private void onConnected(Attempt a, MqttConnection connection) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (attempt != a || !wanted || closed) {
        fx.add(connection::abort);
      } else {
        a.connection = connection;
        a.afterHubClose = hubCloses > 0;
        a.connectedAtMillis = now();
        connected = a;
        failures = 0;
        LOG.info("Connected {}", s.identity());
        setStatus(Status.CONNECTED, Reason.CONNECTION_OK, null);
        scheduleTokenTimer(a);
        for (ConnectionListener listener : connectionListeners) {
          fx.add(() -> listener.connected(a));
        }
        for (Route<?> route : routes) {
          if (route.wanted) {
            subscribeRoute(route, a, fx);
          }
        }
        pump(a, fx);
        completeWaiters(connectWaiters, fx);
      }
    }
    run(fx);
  }

  private void onConnectFailed(Attempt a, Throwable error) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (attempt != a) {
        return;
      }
      attempt = null;
      if (!wanted || closed) {
        return;
      }
      // In a takeover every reconnect is accepted at once (the hub then closes the other client); a
      // failed attempt means the hub itself was unavailable (restart, outage, fault mode), not that
      // another client holds the identity.
      hubCloses = 0;
      if (error instanceof IotHubConnectionRefusedException) {
        LOG.warn("Hub refused the connection of {}: {}", s.identity(), error.getMessage());
        fatal(Reason.REFUSED, (IotHubException) error, fx);
      } else if (error instanceof IotHubException && !((IotHubException) error).isRetryable()) {
        fatal(Reason.REFUSED, (IotHubException) error, fx);
      } else {
        long now = now();
        if (failures == 0) {
          firstFailureMillis = now;
        }
        failures++;
        if (now - firstFailureMillis >= s.giveUpMillis) {
          IotHubConnectionException gaveUp = new IotHubConnectionException("Gave up connecting "
              + s.identity() + " after " + (now - firstFailureMillis) + " ms and " + failures
              + " attempts; last error: " + error.getMessage(), error);
          LOG.warn("{}", gaveUp.getMessage());
          fatal(Reason.RETRY_EXPIRED, gaveUp, fx);
        } else {
          LOG.warn("Connection attempt {} of {} failed: {}", failures, s.identity(),
              error.getMessage());
          setStatus(status, Reason.NETWORK_LOST, error);
          scheduleRetry(s.backoff.delayMillis(failures - 1));
        }
      }
    }
    run(fx);
  }

  private void onClosed(Attempt a, Throwable cause) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (connected != a) {
        return;
      }
      connected = null;
      attempt = null;
      cancelTimers();
      DrainGoal goal = drainGoal;
      drainGoal = null;
      boolean resendOutstanding = resendOutstanding();
      requeueInFlight();
      if (closed) {
        return;
      }
      if (!wanted || goal == DrainGoal.USER_DISCONNECT) {
        failAll(notConnected("the connection closed while disconnecting"), fx);
        setStatus(Status.DISCONNECTED, Reason.USER_DISCONNECT, null);
        completeWaiters(disconnectWaiters, fx);
      } else if (countHubClose(a, cause, resendOutstanding) >= TAKEOVER_CLOSES) {
        IotHubConnectionException error = new IotHubConnectionException("Another client connected "
            + "as " + s.identity() + ": the hub closed this client's connection " + hubCloses
            + " times in a row, each time soon after it reconnected (session takeover). It "
            + "stopped reconnecting so that the two do not take turns; stop the other client, or call "
            + "connect() to take the identity back", cause);
        LOG.warn("{}", error.getMessage());
        fatal(Reason.TAKEN_OVER, error, fx);
      } else {
        IotHubConnectionException error = new IotHubConnectionException(
            "Connection of " + s.identity() + " lost: " + cause.getMessage(), cause);
        LOG.warn("Connection of {} lost ({}); {} messages wait for the reconnection",
            s.identity(), cause.getMessage(), queue.size());
        setStatus(Status.RECONNECTING, Reason.NETWORK_LOST, error);
        failures = 0;
        scheduleRetry(s.backoff.delayMillis(0));
      }
    }
    run(fx);
  }

  /**
   * A takeover looks like this on MQTT 3.1.1, which has no server DISCONNECT: the hub closes the
   * connection (orderly), the client reconnects, which closes the other client's connection, the
   * other reconnects and the hub closes this one again, soon, and so on. The first close alone
   * cannot be told from any other close by the hub; see {@link #TAKEOVER_CLOSES}.
   */
  private int countHubClose(Attempt a, Throwable cause, boolean resendOutstanding) {
    if (s.takeoverWindowMillis <= 0 || !(cause instanceof MqttConnector.ClosedByHubException)) {
      hubCloses = 0;
    } else if (resendOutstanding) {
      // A message sent again after a close and still not acknowledged may be what the hub closes
      // the connection for (a "poison" message, or a fault request resent until its expiry): such a
      // close says nothing about another client, so it is not counted (nor does it reset the count).
      LOG.debug("{}: hub close with a resent message outstanding, not counted as a takeover",
          s.identity());
    } else if (a.afterHubClose && now() - a.connectedAtMillis < s.takeoverWindowMillis) {
      hubCloses++;
    } else {
      hubCloses = 1;
    }
    return hubCloses;
  }

  private void scheduleRetry(long delayMillis) {
    LOG.debug("Reconnecting {} in {} ms", s.identity(), delayMillis);
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

  private void fatal(Reason reason, IotHubException error, List<Runnable> fx) {
    wanted = false;
    cancelTimers();
    endConnection(fx, false);
    failAll(error, fx);
    failWaiters(connectWaiters, error, fx);
    completeWaiters(disconnectWaiters, fx);
    setStatus(Status.DISCONNECTED, reason, error);
  }

  // ---------------------------------------------------------------- token renewal and expiry

  private void scheduleTokenTimer(Attempt a) {
    long renewAt = s.credentials.renewAtMillis();
    long expiry = s.credentials.fixedExpiryMillis();
    if (renewAt >= 0) {
      tokenTimer = s.timeScheduler.scheduleDirect(() -> renew(a),
          Math.max(0, renewAt - now()), TimeUnit.MILLISECONDS);
    } else if (expiry >= 0) {
      tokenTimer = s.timeScheduler.scheduleDirect(() -> tokenExpired(a),
          Math.max(0, expiry - now()), TimeUnit.MILLISECONDS);
    }
  }

  private void renew(Attempt a) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (connected != a || drainGoal != null || !wanted) {
        return;
      }
      LOG.info("Renewing the SAS token of {} by a clean reconnect", s.identity());
      beginDrain(DrainGoal.RENEW, a, fx);
    }
    run(fx);
  }

  private void tokenExpired(Attempt a) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (connected != a) {
        return;
      }
      IotHubTokenExpiredException error = s.credentials.expired();
      LOG.warn("{}", error.getMessage());
      fatal(Reason.TOKEN_EXPIRED, error, fx);
    }
    run(fx);
  }

  private void beginDrain(DrainGoal goal, Attempt a, List<Runnable> fx) {
    drainGoal = goal;
    if (inFlight.isEmpty()) {
      finishDrain(a, fx);
    } else {
      drainTimer = s.timeScheduler.scheduleDirect(() -> drainTimedOut(a),
          s.drainTimeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void drainTimedOut(Attempt a) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (connected == a && drainGoal != null) {
        LOG.warn("{} messages of {} still wait for PUBACK after {} ms; disconnecting anyway",
            inFlight.size(), s.identity(), s.drainTimeoutMillis);
        finishDrain(a, fx);
      }
    }
    run(fx);
  }

  private void finishDrain(Attempt a, List<Runnable> fx) {
    DrainGoal goal = drainGoal;
    drainGoal = null;
    if (drainTimer != null) {
      drainTimer.dispose();
      drainTimer = null;
    }
    if (tokenTimer != null) {
      tokenTimer.dispose();
      tokenTimer = null;
    }
    MqttConnection connection = a.connection();
    connected = null;
    attempt = null;
    if (goal == DrainGoal.RENEW) {
      requeueInFlight();
      setStatus(Status.RECONNECTING, Reason.TOKEN_RENEWAL, null);
      fx.add(() -> connection.disconnect(this::afterRenewalDisconnect));
    } else {
      failInFlight(notConnected("disconnect() did not wait longer for the PUBACK; the message may "
          + "or may not have reached the hub"), fx);
      setStatus(Status.DISCONNECTED, Reason.USER_DISCONNECT, null);
      List<CompletableEmitter> waiters = new ArrayList<>(disconnectWaiters);
      disconnectWaiters.clear();
      fx.add(() -> connection.disconnect(() -> {
        for (CompletableEmitter w : waiters) {
          w.onComplete();
        }
      }));
    }
  }

  private void afterRenewalDisconnect() {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      if (wanted && !closed && attempt == null && connected == null) {
        startAttempt(fx);
      }
    }
    run(fx);
  }

  // ---------------------------------------------------------------- sending

  private void submit(PendingSend p) {
    submitAll(Collections.singletonList(p));
  }

  /**
   * Accepts sends in one go: one lock and one hand-over to MQTT for the batch (a stream's). The
   * sends of a stream are not refused for a full offline queue: the stream's window bounds them.
   */
  void submitAll(List<PendingSend> batch) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      boolean transmitted = false;
      for (int i = 0, n = batch.size(); i < n; i++) {
        transmitted |= accept(batch.get(i), fx);
      }
      if (transmitted) {
        fx.add(drainOutboundTask);
      }
    }
    run(fx);
  }

  /** Under the lock: queues or transmits {@code p}, or adds its failure to {@code fx}; true if transmitted. */
  private boolean accept(PendingSend p, List<Runnable> fx) {
    Attempt current = connected;
    if (p.disposed) {
      return false;
    } else if (closed) {
      fx.add(() -> p.fail(closedError()));
    } else if (!wanted && current == null) {
      fx.add(() -> p.fail(notConnected("connect() was not called, or disconnect() was")));
    } else if (!wanted) {
      fx.add(() -> p.fail(notConnected("disconnect() is in progress")));
    } else if (current != null && drainGoal == null && queue.isEmpty()
        && inFlight.size() < MAX_IN_FLIGHT) {
      armExpiry(p);
      transmit(p, current);
      return true;
    } else if (p.sink != null || queue.size() < s.queueCapacity) {
      armExpiry(p);
      queue.add(p);
    } else if (s.overflowPolicy == OverflowPolicy.DROP_OLDEST) {
      PendingSend oldest = queue.poll();
      armExpiry(p);
      queue.add(p);
      if (oldest != null) {
        LOG.warn("Offline queue of {} full ({} messages): dropped the oldest", s.identity(),
            s.queueCapacity);
        fx.add(() -> oldest.fail(new IotHubQueueFullException(s.queueCapacity, "Dropped: the "
            + "offline queue of " + s.identity() + " was full (" + s.queueCapacity
            + " messages, policy DROP_OLDEST) while reconnecting")));
      }
    } else {
      fx.add(() -> p.fail(new IotHubQueueFullException(s.queueCapacity, "Refused: the offline "
          + "queue of " + s.identity() + " is full (" + s.queueCapacity + " messages, policy "
          + "FAIL) while reconnecting; retry later or raise offlineQueueCapacity")));
    }
    return false;
  }

  /**
   * Forgets the sends of {@code sink} that wait in the queue, and stops those already handed to MQTT
   * from being sent again or reported (they cannot be recalled).
   */
  void cancelSends(SendSink sink) {
    synchronized (lock) {
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
  }

  private void cancelSend(PendingSend p) {
    synchronized (lock) {
      // A queued message is forgotten; one already handed to MQTT cannot be recalled (and is not
      // sent again: requeueInFlight skips disposed sends).
      queue.remove(p);
    }
  }

  /** Schedules the end of a message with an expiry: it is never sent, or sent again, after it. */
  private void armExpiry(PendingSend p) {
    Long expiry = p.expiry;
    if (expiry != null) {
      p.expiryTimer = s.timeScheduler.scheduleDirect(() -> expire(p), Math.max(0, expiry - now()),
          TimeUnit.MILLISECONDS);
    }
  }

  private void expire(PendingSend p) {
    List<Runnable> fx = new ArrayList<>();
    synchronized (lock) {
      boolean queued = queue.remove(p);
      boolean sent = !queued && inFlight.remove(p);
      if (!queued && !sent) {
        return;
      }
      p.attempt = null;
      IotHubTimeoutException error = queued ? expired(p) : new IotHubTimeoutException("Message of "
          + s.identity() + " expired at " + p.expiry + " (epoch ms) before its PUBACK arrived; it may "
          + "or may not have reached the hub, and it will not be sent again", null);
      fx.add(() -> p.fail(error));
      Attempt a = connected;
      if (sent && a != null) {
        if (drainGoal == null) {
          pump(a, fx);
        } else if (inFlight.isEmpty()) {
          finishDrain(a, fx);
        }
      }
    }
    run(fx);
  }

  /** Under the lock: hands {@code p} to {@code a}'s connection; the caller then runs drainOutbound. */
  private void transmit(PendingSend p, Attempt a) {
    inFlight.add(p);
    p.attempt = a;
    p.transmissions++;
    outbound.add(new Outbound(p, a));
  }

  /** A send handed to one connection, waiting for {@link #drainOutbound} to publish it there. */
  private final class Outbound implements MqttConnector.Callback {
    final PendingSend send;
    final Attempt attempt;
    final MqttConnection connection;

    Outbound(PendingSend send, Attempt attempt) {
      this.send = send;
      this.attempt = attempt;
      this.connection = attempt.connection();
    }

    @Override
    public void done(@Nullable Throwable error) {
      onPublishDone(send, attempt, error);
    }
  }

  /** Moves queued messages to the connection while the in-flight window has room. */
  private void pump(Attempt a, List<Runnable> fx) {
    long now = -1;
    boolean transmitted = false;
    while (!queue.isEmpty() && inFlight.size() < MAX_IN_FLIGHT) {
      PendingSend p = queue.poll();
      if (p.expiry != null) {
        now = now < 0 ? now() : now;
        if (p.isExpired(now)) {
          fx.add(() -> p.fail(expired(p)));
          continue;
        }
      }
      transmit(p, a);
      transmitted = true;
    }
    if (transmitted) {
      fx.add(drainOutboundTask);
    }
  }

  /**
   * Hands publishes to MQTT in the order they were transmitted, from one thread at a time, telling
   * the connection when more follow at once so that it can send them together.
   */
  private void drainOutbound() {
    if (outboundWip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    for (;;) {
      Outbound o;
      while ((o = outbound.poll()) != null) {
        Outbound next = outbound.peek();
        boolean more = next != null && next.connection == o.connection;
        PendingSend p = o.send;
        o.connection.publish(p.topic, p.payload, p.atMostOnce, more, o);
      }
      missed = outboundWip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private void onPublishDone(PendingSend p, Attempt a, @Nullable Throwable error) {
    List<Runnable> fx = null;
    synchronized (lock) {
      if (p.attempt != a || !inFlight.remove(p)) {
        return;
      }
      // The common case, once per PUBACK (acknowledged, nothing queued, no drain): no effect list.
      if (error != null || !queue.isEmpty() || connected == a && drainGoal != null) {
        fx = new ArrayList<>();
        if (error == null) {
          fx.add(p::complete);
        } else {
          fx.add(() -> p.fail(error instanceof IotHubException ? error
              : new IotHubConnectionException("Publish of " + s.identity() + " failed: "
                  + error.getMessage(), error)));
        }
        if (connected == a) {
          if (drainGoal == null) {
            pump(a, fx);
          } else if (inFlight.isEmpty()) {
            finishDrain(a, fx);
          }
        }
      }
    }
    if (fx == null) {
      p.complete();
    } else {
      run(fx);
    }
  }

  /** Whether a message sent more than once waits for its PUBACK. Call under {@code lock}. */
  private boolean resendOutstanding() {
    for (PendingSend p : inFlight) {
      if (p.transmissions > 1) {
        return true;
      }
    }
    return false;
  }

  private void requeueInFlight() {
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

  private void failAll(IotHubException error, List<Runnable> fx) {
    failInFlight(error, fx);
    failQueued(error, fx);
  }

  private void failInFlight(IotHubException error, List<Runnable> fx) {
    List<PendingSend> failed = new ArrayList<>(inFlight);
    inFlight.clear();
    fx.add(() -> {
      for (PendingSend p : failed) {
        p.fail(error);
      }
    });
  }

  private void failQueued(IotHubException error, List<Runnable> fx) {
    List<PendingSend> failed = new ArrayList<>(queue);
    queue.clear();
    fx.add(() -> {
      for (PendingSend p : failed) {
        p.fail(error);
      }
    });
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
        subscribeRoute(route, current, fx);
      }
    }
    run(fx);
  }

  boolean isCurrent(Object attemptToken) {
    synchronized (lock) {
      return connected == attemptToken;
    }
  }

  private void subscribeRoute(Route<?> route, Attempt a, List<Runnable> fx) {
    MqttConnection connection = a.connection();
    fx.add(() -> connection.subscribe(route.filter, error -> {
      if (error != null) {
        LOG.warn("Subscription of {} to '{}' failed: {}", s.identity(), route.filter,
            error.getMessage());
      } else {
        LOG.debug("{} subscribed to '{}'", s.identity(), route.filter);
        for (ConnectionListener listener : connectionListeners) {
          listener.subscribed(route.filter, a);
        }
      }
    }));
  }

  private void onPublish(Attempt a, InboundPublish publish) {
    Route<?> target = null;
    synchronized (lock) {
      for (Route<?> route : routes) {
        if (TopicFilter.matches(route.filter, publish.topic())) {
          target = route;
          break;
        }
      }
    }
    if (target == null) {
      LOG.warn("{} received a message on '{}', which no subscription expects; acknowledged and "
          + "dropped", s.identity(), publish.topic());
      publish.acknowledge();
      return;
    }
    target.offer(publish, a);
  }

  // ---------------------------------------------------------------- helpers

  private void setStatus(Status newStatus, Reason reason, @Nullable Throwable error) {
    status = newStatus;
    states.onNext(ConnectionState.of(newStatus, reason, error));
  }

  private void endConnection(List<Runnable> fx, boolean polite) {
    Attempt a = connected != null ? connected : attempt;
    connected = null;
    attempt = null;
    drainGoal = null;
    requeueInFlight();
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
    for (Disposable d : new Disposable[] {retryTimer, tokenTimer, drainTimer}) {
      if (d != null) {
        d.dispose();
      }
    }
    retryTimer = null;
    tokenTimer = null;
    drainTimer = null;
  }

  private static void failWaiters(List<CompletableEmitter> waiters, Throwable error,
      List<Runnable> fx) {
    List<CompletableEmitter> copy = new ArrayList<>(waiters);
    waiters.clear();
    fx.add(() -> {
      for (CompletableEmitter w : copy) {
        w.tryOnError(error);
      }
    });
  }

  private static void completeWaiters(List<CompletableEmitter> waiters, List<Runnable> fx) {
    List<CompletableEmitter> copy = new ArrayList<>(waiters);
    waiters.clear();
    fx.add(() -> {
      for (CompletableEmitter w : copy) {
        w.onComplete();
      }
    });
  }

  private IotHubClientStateException closedError() {
    return new IotHubClientStateException("Client of " + s.identity() + " is closed; build a new "
        + "client to continue", null);
  }

  private IotHubClientStateException notConnected(String why) {
    return new IotHubClientStateException(s.identity() + " is not connected (" + why + "); call "
        + "connect() first", null);
  }

  private IotHubTimeoutException expired(PendingSend p) {
    return new IotHubTimeoutException("Message of " + s.identity() + " expired at " + p.expiry
        + " (epoch ms) while waiting in the offline queue; it was not sent", null);
  }

  private long now() {
    return s.timeScheduler.now(TimeUnit.MILLISECONDS);
  }

  private static void run(List<Runnable> fx) {
    for (Runnable r : fx) {
      r.run();
    }
  }

  // ---------------------------------------------------------------- signals of sends

  /**
   * Queues the outcome of {@code p} for its observer. The queue is drained on the callback
   * scheduler by one task at a time, in order, at most {@link #SIGNAL_BATCH} signals per task
   * before it yields the thread to other clients.
   */
  private void signal(PendingSend p) {
    signals.offer(p);
    if (signalScheduled.compareAndSet(false, true)) {
      s.callbackScheduler.scheduleDirect(signalDrain);
    }
  }

  private void drainSignals() {
    for (int i = 0; i < SIGNAL_BATCH; i++) {
      PendingSend p = signals.poll();
      if (p == null) {
        signalScheduled.set(false);
        // A signal offered after the poll and before the reset found the flag set: take it here,
        // unless its producer already scheduled a new drain.
        if (signals.isEmpty() || !signalScheduled.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      p.deliver();
    }
    s.callbackScheduler.scheduleDirect(signalDrain);
  }

  /** Hears the outcomes of a stream's sends, one at a time, in order, on the callback scheduler. */
  interface SendSink {
    /** {@code p} was decided: {@link PendingSend#error()} is null if the hub acknowledged it. */
    void outcome(PendingSend p);
  }

  /** Returns a send of {@code message} whose outcome goes to {@code sink}; see {@link #submitAll}. */
  PendingSend newSend(Message message, String topic, byte[] payload, SendSink sink) {
    return new PendingSend(topic, payload, message.atMostOnce(),
        message.expiryEpochMillis(), null, sink, message);
  }

  /**
   * One accepted message, and the disposable its observer holds; also the result a send stream
   * emits for it.
   */
  final class PendingSend implements Disposable, SendResult {
    final String topic;
    final byte[] payload;
    final boolean atMostOnce;
    final @Nullable Long expiry;
    private final @Nullable CompletableObserver observer;
    /** Where the outcome goes instead of {@link #observer}, for the sends of a stream. */
    final @Nullable SendSink sink;
    private final @Nullable Message message;
    @Nullable Attempt attempt;
    /** Guarded by the core's lock: how many connections the message was handed to. */
    int transmissions;
    @Nullable Disposable expiryTimer;
    /** The observer disposed its subscription, or its outcome was delivered. */
    volatile boolean disposed;
    /** The outcome was decided (once): {@link #error} null means completed. */
    private final AtomicBoolean decided = new AtomicBoolean();
    private @Nullable Throwable error;

    PendingSend(String topic, byte[] payload, boolean atMostOnce, @Nullable Long expiry,
        @Nullable CompletableObserver observer, @Nullable SendSink sink,
        @Nullable Message message) {
      this.topic = topic;
      this.payload = payload;
      this.atMostOnce = atMostOnce;
      this.expiry = expiry;
      this.observer = observer;
      this.sink = sink;
      this.message = message;
    }

    @Override
    public Message message() {
      Message m = message;
      if (m == null) {
        throw new IllegalStateException("a single send has no message");
      }
      return m;
    }

    @Override
    public @Nullable Throwable error() {
      return error;
    }

    @Override
    public String toString() {
      Throwable e = error;
      return "SendResult{" + (e == null ? "ok" : "failed: " + e) + ", " + message + '}';
    }

    boolean isExpired(long nowMillis) {
      return expiry != null && nowMillis >= expiry;
    }

    void complete() {
      disarm();
      if (decided.compareAndSet(false, true)) {
        signal(this);
      }
    }

    void fail(Throwable failure) {
      disarm();
      if (decided.compareAndSet(false, true)) {
        error = failure;
        signal(this);
      }
    }

    /** On the callback scheduler: tells the observer, unless it no longer listens. */
    void deliver() {
      if (disposed) {
        return;
      }
      disposed = true;
      SendSink to = sink;
      if (to != null) {
        to.outcome(this);
        return;
      }
      CompletableObserver observer = this.observer;
      Throwable e = error;
      if (observer == null) {
        return;
      } else if (e == null) {
        observer.onComplete();
      } else {
        observer.onError(e);
      }
    }

    private void disarm() {
      Disposable timer = expiryTimer;
      if (timer != null) {
        timer.dispose();
      }
    }

    @Override
    public void dispose() {
      if (!disposed) {
        disposed = true;
        cancelSend(this);
      }
    }

    @Override
    public boolean isDisposed() {
      return disposed;
    }
  }

  /** One connection attempt and, once accepted, its connection; identity marks its events. */
  private final class Attempt implements MqttConnector.Listener, MqttConnector.ConnectCallback {
    private @Nullable Cancellation cancellation;
    private boolean cancelled;
    private @Nullable MqttConnection connection;
    /** Guarded by the core's lock: this connection followed one that the hub closed. */
    boolean afterHubClose;
    /** Guarded by the core's lock: when the hub accepted this connection. */
    long connectedAtMillis;

    MqttConnection connection() {
      MqttConnection c = connection;
      if (c == null) {
        throw new IllegalStateException("attempt of " + s.identity() + " has no connection yet");
      }
      return c;
    }

    void start(MqttConnector connector, MqttConnector.ConnectRequest request) {
      Cancellation c;
      try {
        c = connector.connect(request, this, this);
      } catch (RuntimeException e) {
        failed(new IotHubConnectionException("Could not start connecting " + s.identity() + ": "
            + e.getMessage(), e));
        return;
      }
      boolean cancelNow;
      synchronized (this) {
        cancellation = c;
        cancelNow = cancelled;
      }
      if (cancelNow) {
        c.cancel();
      }
    }

    void cancel() {
      Cancellation c;
      synchronized (this) {
        cancelled = true;
        c = cancellation;
      }
      if (c != null) {
        c.cancel();
      }
    }

    @Override
    public void connected(MqttConnection connection) {
      onConnected(this, connection);
    }

    @Override
    public void failed(Throwable error) {
      onConnectFailed(this, error);
    }

    @Override
    public void onPublish(InboundPublish publish) {
      ClientCore.this.onPublish(this, publish);
    }

    @Override
    public void onClosed(Throwable cause) {
      ClientCore.this.onClosed(this, cause);
    }
  }
}
