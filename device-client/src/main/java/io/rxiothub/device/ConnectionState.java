// The client's connection state with the reason it was entered, as emitted by connectionStates().
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/**
 * One state of a client's connection and why the client entered it, with the error that caused it
 * when there was one.
 */
public final class ConnectionState {

  /** Where the connection stands. */
  public enum Status {
    /** Not connected and not trying: before the first {@code connect()}, or after a final failure. */
    DISCONNECTED,
    /** The first connection attempt after {@code connect()} is under way. */
    CONNECTING,
    /** Connected: messages flow. */
    CONNECTED,
    /** The connection was lost or is being renewed; the client reconnects on its own. */
    RECONNECTING,
    /** {@code close()} was called: final. */
    CLOSED
  }

  /** Why the client entered the state. */
  public enum Reason {
    /** The client was just built. */
    CREATED,
    /** The user called {@code connect()}. */
    USER_CONNECT,
    /** The hub accepted the connection. */
    CONNECTION_OK,
    /** The SAS token is being renewed by a clean reconnect. */
    TOKEN_RENEWAL,
    /** The network connection broke or the hub closed it; see {@link #error()}. */
    NETWORK_LOST,
    /**
     * The hub refused the credentials or the identity; see {@link #error()}. Not retried (status
     * {@code DISCONNECTED}), except while reconnecting with a {@link SasTokenSource}, which is asked again after the
     * backoff (status {@code RECONNECTING}).
     */
    REFUSED,
    /** A user-supplied SAS token expired; see {@link #error()}. */
    TOKEN_EXPIRED,
    /** Reconnection gave up after the configured time; see {@link #error()}. */
    RETRY_EXPIRED,
    /**
     * Another client connected with the same identity and the hub closed this one's connection: the
     * hub closed it twice more, each time right after the client reconnected, so the client stopped
     * instead of taking turns with the other one (builder option {@code takeoverWindowMillis}); see
     * {@link #error()}.
     * Calling {@code connect()} takes the identity back.
     */
    TAKEN_OVER,
    /** The user called {@code disconnect()}. */
    USER_DISCONNECT,
    /** The user called {@code close()}. */
    USER_CLOSE
  }

  private final Status status;
  private final Reason reason;
  private final @Nullable Throwable error;

  private ConnectionState(Status status, Reason reason, @Nullable Throwable error) {
    this.status = status;
    this.reason = reason;
    this.error = error;
  }

  /**
   * Returns a state.
   *
   * @throws IllegalArgumentException if {@code status} or {@code reason} is null
   */
  public static ConnectionState of(Status status, Reason reason, @Nullable Throwable error) {
    if (status == null) {
      throw new IllegalArgumentException("status must not be null");
    }
    if (reason == null) {
      throw new IllegalArgumentException("reason must not be null");
    }
    return new ConnectionState(status, reason, error);
  }

  /** Returns where the connection stands. */
  public Status status() {
    return status;
  }

  /** Returns why the client entered this state. */
  public Reason reason() {
    return reason;
  }

  /** Returns the error that caused this state, if any. */
  public @Nullable Throwable error() {
    return error;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ConnectionState)) {
      return false;
    }
    ConnectionState that = (ConnectionState) o;
    return status == that.status && reason == that.reason
        && (error == null ? that.error == null : error.equals(that.error));
  }

  @Override
  public int hashCode() {
    int h = status.hashCode();
    h = 31 * h + reason.hashCode();
    return 31 * h + (error == null ? 0 : error.hashCode());
  }

  @Override
  public String toString() {
    return "ConnectionState{" + status + ", " + reason + (error == null ? "" : ", " + error) + '}';
  }
}
