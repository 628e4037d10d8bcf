// The typed effects of the pure connection machine: what its driver does for it, outside the machine.
package io.rxiothub.transport.internal;

import io.rxiothub.transport.TransportState.Reason;
import io.rxiothub.transport.TransportState.Status;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ConnectionStateMachine} asks for, one method per kind of effect. The machine calls them
 * while it handles an event and runs nothing itself; the driver ({@link ConnectionMachine}) records
 * them and runs them, the state, timer and expiry effects at once under its lock and the others (MQTT
 * calls, user signals) after it; a test records them to check the machine. Connections are named by
 * the machine's ids (never {@link ConnectionStateMachine#NONE}), timers by kind and id.
 *
 * @param <M> the driver's message type
 */
interface Effects<M extends Outgoing> {

  /** The timers of one client: at most one of each kind runs at a time. */
  enum Timer {
    /** The next connection attempt after a failed one or a lost connection. */
    RETRY,
    /** The credentials' renewal, or the expiry of a password that cannot be renewed. */
    TOKEN,
    /** The end of the wait for PUBACKs before a renewal's or disconnect()'s DISCONNECT. */
    DRAIN
  }

  /** The state changed (the driver publishes it in order). */
  void state(Status status, Reason reason, @Nullable Throwable error);

  /** Start the connection attempt {@code connection} with {@code request}. */
  void open(long connection, MqttConnector.ConnectRequest request);

  /** End the attempt or connection {@code connection} at once, without DISCONNECT. */
  void cancelAttempt(long connection);

  /** Close the accepted connection {@code connection}, which the machine did not want (stale CONNACK). */
  void abort(long connection);

  /** Send DISCONNECT on {@code connection}; the driver reports the end with {@code disconnected}. */
  void disconnect(long connection);

  /** The connection {@code connection} is up: tell the listeners and subscribe the wanted filters. */
  void connected(long connection);

  /** Publish {@code message} on {@code connection}; publishes of one event form one batch. */
  void publish(M message, long connection);

  /** Fire {@code timer} with {@code id} at {@code atMillis}, replacing the one of its kind. */
  void schedule(Timer timer, long id, long atMillis);

  /** Stop the running {@code timer}. */
  void cancelTimer(Timer timer);

  /** Report the expiry of {@code message} at {@code atMillis} (epoch ms), unless it is decided first. */
  void expireAt(M message, long atMillis);

  /** The message was acknowledged: signal success to its observer. */
  void complete(M message);

  /** The message failed with {@code error}: signal it to its observer. */
  void fail(M message, Throwable error);

  /** Complete the connect() or disconnect() {@code waiter}. */
  void completeWaiter(Object waiter);

  /** Fail the connect() {@code waiter} with {@code error}. */
  void failWaiter(Object waiter, Throwable error);
}
