// The connection state of a transport with the reason it was entered.
package io.rxiothub.transport;

import org.jspecify.annotations.Nullable;

/** One state of the connection, as the transport reports it; a dialect maps it to its own type. */
public final class TransportState {

  /** Where the connection is. */
  public enum Status {
    /** Not connected and not trying to. */
    DISCONNECTED,
    /** The first attempt after {@code connect()}. */
    CONNECTING,
    /** Connected. */
    CONNECTED,
    /** Lost or renewing; attempts continue. */
    RECONNECTING,
    /** Closed for good. */
    CLOSED
  }

  /** Why the state was entered. */
  public enum Reason {
    /** The client was just built. */
    CREATED,
    /** {@code connect()} was called. */
    USER_CONNECT,
    /** The server accepted the connection. */
    CONNECTION_OK,
    /** A clean reconnect to renew the credentials. */
    TOKEN_RENEWAL,
    /** The connection was lost or an attempt failed. */
    NETWORK_LOST,
    /** The server refused the credentials (or another fatal error). */
    REFUSED,
    /** Credentials that cannot be renewed expired. */
    TOKEN_EXPIRED,
    /** Reconnecting gave up. */
    RETRY_EXPIRED,
    /** Another client took the identity over. */
    TAKEN_OVER,
    /** {@code disconnect()} was called. */
    USER_DISCONNECT,
    /** {@code close()} was called. */
    USER_CLOSE
  }

  /** The states without an error, one of each (a client keeps its current state: no copy each). */
  private static final TransportState[][] PLAIN = plain();

  private final Status status;
  private final Reason reason;
  private final @Nullable Throwable error;

  private TransportState(Status status, Reason reason, @Nullable Throwable error) {
    this.status = status;
    this.reason = reason;
    this.error = error;
  }

  /**
   * Returns the state; {@code error} is the failure behind it, if any.
   *
   * @throws IllegalArgumentException if {@code status} or {@code reason} is null
   */
  public static TransportState of(Status status, Reason reason, @Nullable Throwable error) {
    if (status == null || reason == null) {
      throw new IllegalArgumentException("status and reason of a TransportState must not be null");
    }
    return error == null ? PLAIN[status.ordinal()][reason.ordinal()]
        : new TransportState(status, reason, error);
  }

  private static TransportState[][] plain() {
    Status[] statuses = Status.values();
    Reason[] reasons = Reason.values();
    TransportState[][] all = new TransportState[statuses.length][reasons.length];
    for (Status s : statuses) {
      for (Reason r : reasons) {
        all[s.ordinal()][r.ordinal()] = new TransportState(s, r, null);
      }
    }
    return all;
  }

  /** Returns the status. */
  public Status status() {
    return status;
  }

  /** Returns the reason. */
  public Reason reason() {
    return reason;
  }

  /** Returns the failure behind the state, or null. */
  public @Nullable Throwable error() {
    return error;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TransportState)) {
      return false;
    }
    TransportState that = (TransportState) o;
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
    return "TransportState{" + status + ", " + reason + (error == null ? "" : ", " + error) + '}';
  }
}
