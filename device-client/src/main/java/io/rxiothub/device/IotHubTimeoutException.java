// An operation did not finish in the time allowed.
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/** An operation did not complete within its time limit. Retryable. */
public class IotHubTimeoutException extends IotHubException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the operation and the limit. */
  public IotHubTimeoutException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
