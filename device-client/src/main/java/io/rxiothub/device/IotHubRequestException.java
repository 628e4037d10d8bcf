// A request-response exchange with the hub (twin, methods) answered with a failure status.
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/**
 * The hub answered a request (a twin GET or PATCH, for example) with a non-success status.
 * Retryable for 429 (throttled) and 5xx, as protocol.md §6 prescribes.
 */
public class IotHubRequestException extends IotHubException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String requestId;

  /** Creates the exception for the answer {@code status} to the request {@code requestId}. */
  public IotHubRequestException(int status, String requestId, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.status = status;
    this.requestId = requestId;
  }

  /** Returns the status the hub answered with. */
  public int status() {
    return status;
  }

  /** Returns the request id ({@code $rid}) of the failed request. */
  public String requestId() {
    return requestId;
  }

  @Override
  public boolean isRetryable() {
    return status == 429 || (status >= 500 && status < 600);
  }
}
