// Why a registration ended without an assignment: the reason, the status and DPS's error code and message.
package io.rxiothub.provisioning;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A failed registration. Immutable. Its message never holds a key or token (DPS does not send them). */
public final class ProvisioningFailure {

  /** What went wrong. */
  public enum Reason {
    /** 401: wrong key, wrong ID scope, unknown registration (DPS does not say which). */
    UNAUTHORIZED,
    /** 404: unknown operation or resource. */
    NOT_FOUND,
    /** 400 or another 4xx below 429: the request was refused as malformed. */
    BAD_REQUEST,
    /** The enrollment is disabled (status {@code disabled}). */
    DISABLED,
    /** The operation ended with status {@code failed}. */
    FAILED,
    /** 429 or 5xx until the time-out: DPS kept asking to retry later. */
    THROTTLED,
    /** No final answer within the time-out. */
    TIMEOUT,
    /** A response that is not DPS's grammar (bad JSON, missing members). */
    PROTOCOL
  }

  private final Reason reason;
  private final int status;
  private final int errorCode;
  private final String message;

  private ProvisioningFailure(Reason reason, int status, int errorCode, String message) {
    this.reason = reason;
    this.status = status;
    this.errorCode = errorCode;
    this.message = message;
  }

  /**
   * Returns a failure.
   *
   * @param status the response status, or 0 when there was none (time-out)
   * @param errorCode DPS's error code, or 0 when none was sent
   * @throws IllegalArgumentException if {@code reason} or {@code message} is null
   */
  public static ProvisioningFailure of(Reason reason, int status, int errorCode, String message) {
    if (reason == null) {
      throw new IllegalArgumentException("reason must not be null");
    }
    if (message == null) {
      throw new IllegalArgumentException("message must not be null");
    }
    return new ProvisioningFailure(reason, status, errorCode, message);
  }

  /** The reason. */
  public Reason reason() {
    return reason;
  }

  /** The response status, or 0 when there was none. */
  public int status() {
    return status;
  }

  /** DPS's error code (such as 401002), or 0 when none was sent. */
  public int errorCode() {
    return errorCode;
  }

  /** What happened and what to do. */
  public String message() {
    return message;
  }

  /** Whether trying again later may succeed (throttled, time-out). */
  public boolean isRetryable() {
    return reason == Reason.THROTTLED || reason == Reason.TIMEOUT;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ProvisioningFailure)) {
      return false;
    }
    ProvisioningFailure other = (ProvisioningFailure) o;
    return reason == other.reason && status == other.status && errorCode == other.errorCode
        && message.equals(other.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(reason, status, errorCode, message);
  }

  @Override
  public String toString() {
    return "ProvisioningFailure{reason=" + reason + ", status=" + status + ", errorCode=" + errorCode
        + ", message=" + message + "}";
  }
}
