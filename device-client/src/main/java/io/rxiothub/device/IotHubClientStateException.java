// An operation is not possible in the client's current state (not connected, closed, disconnected).
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/**
 * The operation is not possible in the client's current state: the client is closed, or not meant to
 * be connected (never connected, or {@code disconnect()} was called), or a message was still waiting
 * for its acknowledgement when the user disconnected. Not retryable as such: connect first.
 */
public class IotHubClientStateException extends IotHubException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that says what to do. */
  public IotHubClientStateException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
