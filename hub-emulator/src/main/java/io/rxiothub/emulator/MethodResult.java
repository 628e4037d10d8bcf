// The outcome of a direct method invoked through the emulator: the device's status and JSON payload.
package io.rxiothub.emulator;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A direct method's result as the service sees it: the status the device replied with (or 404 when the device
 * was not connected or not subscribed to methods, 504 when it did not answer in time) and the body as text
 * (JSON, or empty).
 */
public final class MethodResult {

  private final int status;
  private final String payload;

  private MethodResult(int status, String payload) {
    this.status = status;
    this.payload = payload;
  }

  /**
   * Creates a result.
   *
   * @throws IllegalArgumentException if payload is null
   */
  public static MethodResult of(int status, String payload) {
    if (payload == null) {
      throw new IllegalArgumentException("payload must not be null (use \"\" for an empty body)");
    }
    return new MethodResult(status, payload);
  }

  /** The status: the device's, or 404 (device not online / not subscribed), or 504 (timeout). */
  public int status() {
    return status;
  }

  /** The body: the device's reply, or a JSON error object for 404 and 504. */
  public String payload() {
    return payload;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MethodResult)) {
      return false;
    }
    MethodResult that = (MethodResult) o;
    return status == that.status && payload.equals(that.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, payload);
  }

  @Override
  public String toString() {
    return "MethodResult{status=" + status + ", payload=" + payload + "}";
  }
}
