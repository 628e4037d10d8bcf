// The hub answered CONNECT with a non-zero CONNACK return code.
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/**
 * The hub refused the MQTT CONNECT with a non-zero CONNACK return code (protocol.md §9).
 *
 * <p>Codes 2 (identifier rejected), 4 (bad user name or password) and 5 (not authorized: wrong or
 * expired SAS token, unknown identity) mean the credentials must change and 1 that the protocol level is
 * wrong: none of them is retryable, and the client does not retry them on its own (a {@code connect()}
 * fails with this exception at once). Code 3 (server unavailable) is retryable: the server may be busy,
 * restarting or still setting the identity up (a field gateway provisioning a leaf), or the identity is
 * disabled, which an operator may undo. The client retries it as it retries a failed network attempt, on
 * the first connection as on a reconnection, with the reconnect backoff until the give-up time
 * ({@code reconnectGiveUpMillis}); the connection states report each refusal with this exception, and a
 * {@code connect()} that gives up fails with an {@link IotHubConnectionException} caused by it.
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

  /** Returns whether the refusal may end by itself: return code 3, server unavailable. */
  @Override
  public boolean isRetryable() {
    return returnCode == 3;
  }
}
