// The connection state machine of one client as pure code: events in, typed effects out, time passed in.
package io.rxiothub.transport.internal;

import io.rxiothub.transport.TransportState.Reason;
import io.rxiothub.transport.TransportState.Status;
import io.rxiothub.transport.internal.Effects.Timer;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection state, reconnection, credential renewal, the drain before a clean DISCONNECT, and the
 * send path ({@link Outbox}) of one client. Each event is a method that takes the time and an
 * {@link Effects} and changes the state; all it wants done (open or end a connection, publish,
 * arm a timer, signal a send or a waiter, publish a state) is an effect. No lock, thread, clock or Rx
 * inside, and not thread-safe: its driver ({@link ConnectionMachine}) calls it under one lock. The
 * reconnect rules are {@link ReconnectPolicy}'s. After {@link #close} no event has an effect.
 *
 * @param <M> the driver's message type
 */
final class ConnectionStateMachine<M extends Outgoing> {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionStateMachine.class);

  /** No connection, attempt or timer. */
  static final long NONE = 0;

  private enum Drain { RENEW, USER_DISCONNECT }

  private final CoreSettings s;
  private final ReconnectPolicy reconnect;
  final Outbox<M> outbox;

  private Status status = Status.DISCONNECTED;
  private boolean wanted;
  private boolean closed;
  /** The last id given to an attempt; the attempt under way or connected; the accepted connection. */
  private long lastId;
  private long attempt;
  private long connected;
  /** Of {@link #connected}: it followed a connection the server closed; when it was accepted. */
  private boolean afterServerClose;
  private long connectedAtMillis;
  /** The pending connect() and disconnect() calls; null while there is none (most of a client's life). */
  private @Nullable List<Object> connectWaiters;
  private @Nullable List<Object> disconnectWaiters;
  private final Timers timers = new Timers();
  /** Whether the TOKEN timer renews the credentials (or ends the connection when they expire). */
  private boolean tokenRenews;
  private @Nullable Drain drain;
  /** The connection whose DISCONNECT was sent by a drain, its goal and (for a disconnect()) waiters. */
  private long closing;
  private @Nullable Drain closingGoal;
  private @Nullable List<Object> closingWaiters;

  ConnectionStateMachine(CoreSettings s) {
    this.s = s;
    this.reconnect = new ReconnectPolicy(s);
    this.outbox = new Outbox<>(s);
  }

  /** Returns the accepted connection, or NONE. */
  long connected() {
    return connected;
  }

  // ---------------------------------------------------------------- asked by the user

  /** connect() with {@code waiter}, which completes once connected (or fails). */
  void connectAsked(Object waiter, long now, Effects<M> fx) {
    if (closed) {
      fx.failWaiter(waiter, closedError());
    } else if (drain == Drain.USER_DISCONNECT) {
      fx.failWaiter(waiter, s.failures.clientState("disconnect() of " + s.identity
          + " is still in progress; call connect() after it completed"));
    } else if (status == Status.CONNECTED) {
      fx.completeWaiter(waiter);
    } else {
      connectWaiters = Waiters.added(connectWaiters, waiter);
      if (!wanted) {
        wanted = true;
        reconnect.connectAsked();
        setStatus(Status.CONNECTING, Reason.USER_CONNECT, null, fx);
        startAttempt(now, fx);
      }
    }
  }

  /** The connect() {@code waiter} was disposed; the only one aborts the first attempt. */
  void connectCancelled(Object waiter, Effects<M> fx) {
    List<Object> waiters = connectWaiters;
    if (waiters == null || !waiters.remove(waiter) || !waiters.isEmpty()) {
      return;
    }
    connectWaiters = null;
    if (status != Status.CONNECTING || !wanted) {
      return;
    }
    wanted = false;
    timers.cancelAll(fx);
    endConnection(false, fx);
    outbox.failQueued(notConnected("the pending connect() was disposed"), fx);
    setStatus(Status.DISCONNECTED, Reason.USER_DISCONNECT, null, fx);
  }

  /** disconnect() with {@code waiter}: drains and disconnects a connection, stops reconnecting. */
  void disconnectAsked(Object waiter, long now, Effects<M> fx) {
    if (closed || (!wanted && connected == NONE && drain == null)) {
      fx.completeWaiter(waiter);
      return;
    }
    wanted = false;
    timers.cancel(Timer.RETRY, fx);
    timers.cancel(Timer.TOKEN, fx);
    failWaiters(notConnected("disconnect() was called first"), fx);
    if (connected != NONE) {
      disconnectWaiters = Waiters.added(disconnectWaiters, waiter);
      if (drain == null) {
        outbox.flush(connected, fx);
        beginDrain(Drain.USER_DISCONNECT, now, fx);
      } else {
        drain = Drain.USER_DISCONNECT;
      }
    } else {
      endConnection(false, fx);
      outbox.failQueued(notConnected("disconnect() was called before it could be sent"), fx);
      setStatus(Status.DISCONNECTED, Reason.USER_DISCONNECT, null, fx);
      fx.completeWaiter(waiter);
    }
  }

  /** close(): fails pending work, sends DISCONNECT. Returns true the first time, then ignores it. */
  boolean close(Effects<M> fx) {
    if (closed) {
      return false;
    }
    closed = true;
    wanted = false;
    timers.cancelAll(fx);
    RuntimeException error = s.failures.clientState(
        "Client of " + s.identity + " was closed; build a new client to continue");
    outbox.failAll(error, fx);
    failWaiters(error, fx);
    completeDisconnectWaiters(fx);
    endConnection(true, fx);
    completeClosing(fx);
    setStatus(Status.CLOSED, Reason.USER_CLOSE, null, fx);
    return true;
  }

  // ---------------------------------------------------------------- sends

  /** A send was accepted (one of a batch); the machine queues, publishes or refuses it. */
  void submit(M p, long now, Effects<M> fx) {
    if (p.disposed) {
      return;
    } else if (closed) {
      fx.fail(p, closedError());
    } else if (!wanted && connected == NONE) {
      fx.fail(p, notConnected("connect() was not called, or disconnect() was"));
    } else if (!wanted) {
      fx.fail(p, notConnected("disconnect() is in progress"));
    } else {
      outbox.accept(p, drain == null ? connected : NONE, now, fx);
    }
  }

  /**
   * The common PUBACK (current connection, nothing queued, no drain): true if so, then {@code p} left
   * flight and its completion is the one effect, for the caller; false changes nothing: see published.
   */
  boolean acknowledgedAlone(M p, long connection) {
    return connection == connected && connection != NONE && drain == null
        && outbox.queued() == 0 && outbox.acknowledged(p, connection);
  }

  /** The PUBACK of {@code p} on {@code connection} arrived ({@code error} null), or its publish failed. */
  void published(M p, long connection, @Nullable Throwable error, long now, Effects<M> fx) {
    if (!outbox.acknowledged(p, connection)) {
      return;
    }
    if (error == null) {
      fx.complete(p);
    } else {
      fx.fail(p, s.failures.isOwn(error) ? error : s.failures.connection("Publish of "
          + s.identity + " failed: " + error.getMessage(), error));
    }
    if (connected == connection) {
      roomInFlight(now, fx);
    }
  }

  /** The expiry of {@code p} (see {@link Effects#expireAt}) came. */
  void expired(M p, long now, Effects<M> fx) {
    if (outbox.expire(p, fx) && connected != NONE) {
      roomInFlight(now, fx);
    }
  }

  /** A message left flight on the current connection. */
  private void roomInFlight(long now, Effects<M> fx) {
    if (drain == null) {
      outbox.pump(connected, now, fx);
    } else if (outbox.inFlight() == 0) {
      finishDrain(fx);
    }
  }

  // ---------------------------------------------------------------- attempts and their events

  private void startAttempt(long now, Effects<M> fx) {
    byte[] password;
    try {
      password = s.credentials.password(now);
    } catch (RuntimeException e) {
      boolean expired = s.failures.isCredentialsExpired(e);
      RuntimeException error = expired ? e : s.failures.connection("Could not make the credentials of "
          + s.identity + ": " + e.getMessage(), e);
      if (expired || !retryRefusal(error, now, fx)) {
        fatal(expired ? Reason.TOKEN_EXPIRED : Reason.REFUSED, error, fx);
      }
      return;
    }
    attempt = ++lastId;
    LOG.debug("Connecting {}", s.identity);
    fx.open(attempt, new MqttConnector.ConnectRequest(s.credentials.clientId(),
        s.credentials.username(), password, s.keepAliveSeconds, s.cleanSession, s.will));
  }

  /** The server accepted the attempt {@code id} (CONNACK). */
  void connectSucceeded(long id, long now, Effects<M> fx) {
    if (attempt != id || !wanted || closed) {
      fx.abort(id);
      return;
    }
    connected = id;
    afterServerClose = reconnect.accepted();
    connectedAtMillis = now;
    LOG.info("Connected {}", s.identity);
    setStatus(Status.CONNECTED, Reason.CONNECTION_OK, null, fx);
    scheduleTokenTimer(now, fx);
    fx.connected(id);
    outbox.pump(id, now, fx);
    List<Object> waiters = connectWaiters;
    connectWaiters = null;
    Waiters.completeAll(waiters, fx);
  }

  /** The attempt {@code id} failed with {@code error}. */
  void connectFailed(long id, Throwable error, long now, Effects<M> fx) {
    if (attempt != id) {
      return;
    }
    attempt = NONE;
    if (!wanted || closed) {
      return;
    }
    boolean refused = s.failures.isRefused(error);
    if (refused && retryRefusal(error, now, fx)) {
      return;
    } else if (refused || s.failures.isFatal(error)) {
      if (refused) {
        LOG.warn("Hub refused the connection of {}: {}", s.identity, error.getMessage());
      }
      reconnect.attemptRefused();
      fatal(Reason.REFUSED, error, fx);
      return;
    }
    long delay = reconnect.attemptFailed(now);
    if (delay == ReconnectPolicy.STOP) {
      RuntimeException gaveUp = reconnect.gaveUp(error, now);
      LOG.warn("{}", gaveUp.getMessage());
      fatal(Reason.RETRY_EXPIRED, gaveUp, fx);
    } else {
      LOG.warn("Connection attempt {} of {} failed: {}", reconnect.failures(), s.identity, error.getMessage());
      setStatus(status, Reason.NETWORK_LOST, error, fx);
      scheduleRetry(now, delay, fx);
    }
  }

  /** While reconnecting, retries a refusal if the credentials allow (refusalsRetried); says whether it did. */
  private boolean retryRefusal(Throwable error, long now, Effects<M> fx) {
    long delay = status == Status.RECONNECTING ? reconnect.reconnectRefused(now) : ReconnectPolicy.STOP;
    if (delay == ReconnectPolicy.STOP) {
      return false;
    }
    LOG.warn("Reconnection of {} refused: {}; asking the credentials again", s.identity, error.getMessage());
    setStatus(status, Reason.REFUSED, error, fx);
    scheduleRetry(now, delay, fx);
    return true;
  }

  /** The accepted connection {@code id} closed, by either side, with {@code cause}. */
  void connectionLost(long id, Throwable cause, long now, Effects<M> fx) {
    if (connected != id || id == NONE) {
      return;
    }
    connected = NONE;
    attempt = NONE;
    timers.cancelAll(fx);
    boolean userDisconnect = drain == Drain.USER_DISCONNECT;
    drain = null;
    boolean resendOutstanding = outbox.resendOutstanding();
    outbox.requeueInFlight();
    if (closed) {
      return;
    }
    if (!wanted || userDisconnect) {
      outbox.failAll(notConnected("the connection closed while disconnecting"), fx);
      setStatus(Status.DISCONNECTED, Reason.USER_DISCONNECT, null, fx);
      completeDisconnectWaiters(fx);
      return;
    }
    long delay = reconnect.connectionLost(afterServerClose, connectedAtMillis, cause, resendOutstanding, now);
    if (delay == ReconnectPolicy.STOP) {
      RuntimeException error = reconnect.takenOver(cause);
      LOG.warn("{}", error.getMessage());
      fatal(Reason.TAKEN_OVER, error, fx);
    } else {
      RuntimeException error = s.failures.connection(
          "Connection of " + s.identity + " lost: " + cause.getMessage(), cause);
      LOG.warn("Connection of {} lost ({}); {} messages wait for the reconnection", s.identity,
          cause.getMessage(), outbox.queued());
      setStatus(Status.RECONNECTING, Reason.NETWORK_LOST, error, fx);
      scheduleRetry(now, delay, fx);
    }
  }

  /** The DISCONNECT that {@link Effects#disconnect} sent on {@code id} is done. */
  void disconnected(long id, long now, Effects<M> fx) {
    if (closing != id || closed) {
      return;
    }
    Drain goal = closingGoal;
    closing = NONE;
    closingGoal = null;
    completeClosing(fx);
    if (goal == Drain.RENEW && wanted && attempt == NONE && connected == NONE) {
      startAttempt(now, fx);
    }
  }

  /** The timer {@code timer} scheduled with {@code id} fired. */
  void timerFired(Timer timer, long id, long now, Effects<M> fx) {
    if (closed || !timers.fired(timer, id)) {
      return;
    }
    if (timer == Timer.RETRY) {
      if (wanted && attempt == NONE) {
        startAttempt(now, fx);
      }
    } else if (timer == Timer.TOKEN) {
      tokenDue(now, fx);
    } else if (connected != NONE && drain != null) {
      LOG.warn("{} messages of {} still wait for PUBACK after {} ms; disconnecting anyway",
          outbox.inFlight(), s.identity, s.drainTimeoutMillis);
      finishDrain(fx);
    }
  }

  // ---------------------------------------------------------------- renewal and the drain

  /** Arms the renewal, or the expiry of a password that cannot be renewed, of the new connection. */
  private void scheduleTokenTimer(long now, Effects<M> fx) {
    long renewAt = s.credentials.renewAtMillis();
    long expiry = s.credentials.expiresAtMillis();
    if (renewAt >= 0) {
      tokenRenews = true;
      timers.schedule(Timer.TOKEN, Math.max(now, renewAt), fx);
    } else if (expiry >= 0) {
      tokenRenews = false;
      timers.schedule(Timer.TOKEN, Math.max(now, expiry), fx);
    }
  }

  private void tokenDue(long now, Effects<M> fx) {
    if (connected == NONE) {
      return;
    }
    if (!tokenRenews) {
      RuntimeException error = s.credentials.expired();
      LOG.warn("{}", error.getMessage());
      fatal(Reason.TOKEN_EXPIRED, error, fx);
    } else if (drain == null && wanted) {
      LOG.info("Renewing the credentials of {} by a clean reconnect", s.identity);
      beginDrain(Drain.RENEW, now, fx);
    }
  }

  private void beginDrain(Drain goal, long now, Effects<M> fx) {
    drain = goal;
    if (outbox.inFlight() == 0) {
      finishDrain(fx);
    } else {
      timers.schedule(Timer.DRAIN, now + s.drainTimeoutMillis, fx);
    }
  }

  /** The drain of the connection is over (nothing in flight, or its time ran out): DISCONNECT. */
  private void finishDrain(Effects<M> fx) {
    Drain goal = drain;
    drain = null;
    timers.cancel(Timer.DRAIN, fx);
    timers.cancel(Timer.TOKEN, fx);
    long id = connected;
    connected = NONE;
    attempt = NONE;
    if (goal == Drain.RENEW) {
      outbox.requeueInFlight();
      setStatus(Status.RECONNECTING, Reason.TOKEN_RENEWAL, null, fx);
      disconnect(id, goal, null, fx);
    } else {
      outbox.failInFlight(notConnected("disconnect() did not wait longer for the PUBACK; the "
          + "message may or may not have reached the hub"), fx);
      setStatus(Status.DISCONNECTED, Reason.USER_DISCONNECT, null, fx);
      List<Object> waiters = disconnectWaiters;
      disconnectWaiters = null;
      disconnect(id, goal, waiters, fx);
    }
  }

  /** DISCONNECT on {@code id}; when done, {@code waiters} complete (those of an earlier one now). */
  private void disconnect(long id, @Nullable Drain goal, @Nullable List<Object> waiters,
      Effects<M> fx) {
    completeClosing(fx);
    closing = id;
    closingGoal = goal;
    closingWaiters = waiters;
    fx.disconnect(id);
  }

  // ---------------------------------------------------------------- helpers

  /** Ends the client's wish to connect with {@code error}; connect() starts afresh. */
  private void fatal(Reason reason, Throwable error, Effects<M> fx) {
    wanted = false;
    timers.cancelAll(fx);
    endConnection(false, fx);
    outbox.failAll(error, fx);
    failWaiters(error, fx);
    completeDisconnectWaiters(fx);
    setStatus(Status.DISCONNECTED, reason, error, fx);
  }

  /** Forgets the connection or attempt and ends it, politely (DISCONNECT) or not. */
  private void endConnection(boolean polite, Effects<M> fx) {
    long id = attempt != NONE ? attempt : connected;
    boolean accepted = connected != NONE;
    connected = NONE;
    attempt = NONE;
    drain = null;
    outbox.requeueInFlight();
    if (id == NONE) {
      return;
    }
    if (accepted && polite) {
      disconnect(id, null, null, fx);
    } else {
      fx.cancelAttempt(id);
    }
  }

  private void scheduleRetry(long now, long delayMillis, Effects<M> fx) {
    LOG.debug("Reconnecting {} in {} ms", s.identity, delayMillis);
    timers.schedule(Timer.RETRY, now + delayMillis, fx);
  }

  private void completeClosing(Effects<M> fx) {
    List<Object> waiters = closingWaiters;
    closingWaiters = null;
    Waiters.completeAll(waiters, fx);
  }

  private void setStatus(Status newStatus, Reason reason, @Nullable Throwable error,
      Effects<M> fx) {
    status = newStatus;
    fx.state(newStatus, reason, error);
  }

  private void failWaiters(Throwable error, Effects<M> fx) {
    List<Object> waiters = connectWaiters;
    connectWaiters = null;
    Waiters.failAll(waiters, error, fx);
  }

  private void completeDisconnectWaiters(Effects<M> fx) {
    List<Object> waiters = disconnectWaiters;
    disconnectWaiters = null;
    Waiters.completeAll(waiters, fx);
  }

  private RuntimeException closedError() {
    return s.failures.clientState("Client of " + s.identity + " is closed; build a new client to continue");
  }

  private RuntimeException notConnected(String why) {
    return s.failures.clientState(s.identity + " is not connected (" + why + "); call connect() first");
  }
}
