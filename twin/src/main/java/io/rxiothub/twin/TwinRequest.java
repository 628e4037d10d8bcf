// A twin request registered with the correlator: what to publish and when it times out.
package io.rxiothub.twin;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A pending twin request as {@link TwinRequestCorrelator#register} created it: the operation, the
 * {@code $rid} assigned to it and its deadline. Publish it on {@link #topic()} only after registering.
 */
public final class TwinRequest {

  /** The two requests a device makes. */
  public enum Operation {
    /** GET the full twin; body empty. */
    GET,
    /** PATCH the reported properties; body a {@link TwinPatch} JSON. */
    UPDATE_REPORTED
  }

  private final Operation operation;
  private final String rid;
  private final long deadlineMillis;

  private TwinRequest(Operation operation, String rid, long deadlineMillis) {
    this.operation = operation;
    this.rid = rid;
    this.deadlineMillis = deadlineMillis;
  }

  /**
   * Returns a request value (the correlator creates them; this factory serves tests and other callers).
   *
   * @throws IllegalArgumentException if {@code operation} is null or {@code rid} is null or empty
   */
  public static TwinRequest of(Operation operation, String rid, long deadlineMillis) {
    if (operation == null) {
      throw new IllegalArgumentException("operation must not be null");
    }
    if (rid == null || rid.isEmpty()) {
      throw new IllegalArgumentException("twin request $rid must be a non-empty string");
    }
    return new TwinRequest(operation, rid, deadlineMillis);
  }

  /** Returns the operation. */
  public Operation operation() {
    return operation;
  }

  /** Returns the assigned {@code $rid}. */
  public String rid() {
    return rid;
  }

  /** Returns the time, on the caller's clock, at or after which the request times out. */
  public long deadlineMillis() {
    return deadlineMillis;
  }

  /** Returns the topic to publish this request on. */
  public String topic() {
    return (operation == Operation.GET ? TwinTopic.get(rid) : TwinTopic.patchReported(rid)).format();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof TwinRequest)) {
      return false;
    }
    TwinRequest other = (TwinRequest) o;
    return operation == other.operation && rid.equals(other.rid) && deadlineMillis == other.deadlineMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(operation, rid, deadlineMillis);
  }

  @Override
  public String toString() {
    return "TwinRequest{" + operation + ", $rid=" + rid + ", deadline=" + deadlineMillis + "}";
  }
}
