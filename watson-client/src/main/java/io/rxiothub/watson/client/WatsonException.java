// The one error type of the Watson client: what failed (kind), whether retrying can help, the CONNACK code.
package io.rxiothub.watson.client;

import org.jspecify.annotations.Nullable;

/**
 * Every error the gateway client reports through {@code onError}. {@link #kind()} says what failed and
 * {@link #isRetryable()} whether the same operation may succeed later unchanged. Messages never hold a token.
 */
public final class WatsonException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What failed. */
  public enum Kind {
    /** The client is closed, not connected or disconnecting. */
    CLIENT_STATE(false),
    /** A connection failed or was lost. */
    CONNECTION(true),
    /**
     * The platform refused the CONNECT ({@link #returnCode()}): not retryable but for code 3, server unavailable,
     * which the client retries like a failed attempt.
     */
    REFUSED(false),
    /** The offline queue was full. */
    QUEUE_FULL(true),
    /** A message expired. */
    TIMEOUT(true);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }
  }

  private final Kind kind;
  private final int returnCode;

  /** Creates the error; {@code returnCode} is the CONNACK code of a refusal, else 0. */
  public WatsonException(Kind kind, int returnCode, String message, @Nullable Throwable cause) {
    super(message, cause);
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    this.kind = kind;
    this.returnCode = returnCode;
  }

  /** Returns what failed. */
  public Kind kind() {
    return kind;
  }

  /** Returns the CONNACK return code of a refusal, else 0. */
  public int returnCode() {
    return returnCode;
  }

  /**
   * Returns whether the same operation may succeed later, unchanged: true for a lost connection, a full queue, an
   * expired message and a CONNECT refused with code 3 (server unavailable: a busy or restarting server), false for
   * the other refusals (identifier, credentials, authorisation) and the client's state.
   */
  public boolean isRetryable() {
    return kind.retryable || (kind == Kind.REFUSED && returnCode == 3);
  }
}
