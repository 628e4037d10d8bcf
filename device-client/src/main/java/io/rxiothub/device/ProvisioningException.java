// A Device Provisioning Service registration that ended without an assignment.
package io.rxiothub.device;

import io.rxiothub.provisioning.ProvisioningFailure;
import org.jspecify.annotations.Nullable;

/**
 * DPS refused, failed, disabled, throttled or did not finish a registration; {@link #failure()} has the reason,
 * status and DPS error code. Retryable only when throttled or timed out. A time-out whose connection attempts
 * failed (an unreachable host, a TLS error, a refused CONNECT) carries the last one's error as its cause and in its
 * message.
 */
public class ProvisioningException extends IotHubException {

  private static final long serialVersionUID = 1L;

  private final transient ProvisioningFailure failure;

  /** Creates the exception of {@code failure}; its message is the failure's. */
  public ProvisioningException(ProvisioningFailure failure) {
    this(failure, null);
  }

  /**
   * Creates the exception of {@code failure} with {@code cause}: for a time-out, the error of the last connection
   * attempt, if one failed (its message is also in the failure's).
   */
  public ProvisioningException(ProvisioningFailure failure, @Nullable Throwable cause) {
    super(checked(failure).message(), cause);
    this.failure = failure;
  }

  private static ProvisioningFailure checked(ProvisioningFailure failure) {
    if (failure == null) {
      throw new IllegalArgumentException("failure must not be null");
    }
    return failure;
  }

  /** Why the registration failed: reason, status, DPS error code and message. */
  public ProvisioningFailure failure() {
    return failure;
  }

  @Override
  public boolean isRetryable() {
    return failure.isRetryable();
  }
}
