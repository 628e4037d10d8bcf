// The hub answered CONNECT with a non-zero CONNACK return code.
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/**
 * The hub refused the MQTT CONNECT with a non-zero CONNACK return code (protocol.md §9).
 *
 * <p>Codes 2 (identifier rejected), 4 (bad user name or password) and 5 (not authorized: wrong or
 * expired SAS token, unknown identity) mean the credentials must change, 1 that the protocol level is
 * wrong, and 3 that the identity is disabled: none of them is retryable, and the client does not
 * retry them on its own.
 */
public class IotHubConnectionRefusedException extends IotHubException {

  private static final long serialVersionUID = 1L;

  private final int returnCode;

  /** Creates the exception for CONNACK {@code returnCode}. */
  public IotHubConnectionRefusedException(int returnCode, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.returnCode = returnCode;
  }

  /** Returns the CONNACK return code (1 to 5). */
  public int returnCode() {
    return returnCode;
  }

  /** Returns whether the hub rejected the credentials (return codes 2, 4 and 5). */
  public boolean isBadCredentials() {
    return returnCode == 2 || returnCode == 4 || returnCode == 5;
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
