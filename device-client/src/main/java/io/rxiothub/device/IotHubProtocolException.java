// The hub sent something the SDK cannot understand (malformed topic or property bag).
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/**
 * The hub sent data that does not follow the protocol: an unknown topic, a malformed property bag, a
 * bad status. The offending message is logged and skipped; streams keep running. Not retryable.
 */
public class IotHubProtocolException extends IotHubException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the malformed part. */
  public IotHubProtocolException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
