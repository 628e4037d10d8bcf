// The connection to the hub was lost or could not be established for a transient reason.
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/**
 * The network connection to the hub failed or was lost (TCP, TLS, WebSocket or MQTT level). Always
 * retryable: the client reconnects on its own while it is meant to be connected.
 */
public class IotHubConnectionException extends IotHubException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that says what happened, and its cause. */
  public IotHubConnectionException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
