// The hub's answer to one twin request, matched by the correlator.
package io.rxiothub.twin;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The hub's response to a {@link TwinRequest}: status, optional {@code $version} (the new reported
 * version after a PATCH) and body (the twin JSON after a GET, empty after a PATCH).
 */
public final class TwinResponse {

  private final TwinRequest.Operation operation;
  private final String rid;
  private final int status;
  private final @Nullable Long version;
  private final byte[] body;

  private TwinResponse(
      TwinRequest.Operation operation, String rid, int status, @Nullable Long version, byte[] body) {
    this.operation = operation;
    this.rid = rid;
    this.status = status;
    this.version = version;
    this.body = body;
  }

  /**
   * Returns a response value; {@code body} is copied.
   *
   * @throws IllegalArgumentException if an argument is null (except {@code version}) or {@code rid} is empty
   */
  public static TwinResponse of(
      TwinRequest.Operation operation, String rid, int status, @Nullable Long version, byte[] body) {
    if (operation == null) {
      throw new IllegalArgumentException("operation must not be null");
    }
    if (rid == null || rid.isEmpty()) {
      throw new IllegalArgumentException("rid must be a non-empty $rid");
    }
    if (body == null) {
      throw new IllegalArgumentException("body must not be null");
    }
    return new TwinResponse(operation, rid, status, version, body.clone());
  }

  /** Returns the operation this responds to. */
  public TwinRequest.Operation operation() {
    return operation;
  }

  /** Returns the request's {@code $rid}. */
  public String rid() {
    return rid;
  }

  /** Returns the status (GET: 200 on success; PATCH: 204). */
  public int status() {
    return status;
  }

  /** Returns the {@code $version} of the response topic, or null when it had none. */
  public @Nullable Long version() {
    return version;
  }

  /** Returns a copy of the body. */
  public byte[] body() {
    return body.clone();
  }

  /** Returns whether the status is 2xx (ours: any 2xx is success, protocol.md §6). */
  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  /** Returns whether the request may be retried: status 429 or 5xx (protocol.md §6). */
  public boolean isRetryable() {
    return status == 429 || status >= 500 && status < 600;
  }

  /**
   * Returns the twin of a successful GET response.
   *
   * @throws IllegalStateException if this is not a successful GET response
   * @throws IllegalArgumentException if the body is not a valid twin document
   */
  public Twin twin() {
    if (operation != TwinRequest.Operation.GET || !isSuccess()) {
      throw new IllegalStateException("only a successful GET response holds a twin; this is " + this);
    }
    return Twin.parse(body);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof TwinResponse)) {
      return false;
    }
    TwinResponse other = (TwinResponse) o;
    return operation == other.operation && rid.equals(other.rid) && status == other.status
        && Objects.equals(version, other.version) && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(operation, rid, status, version) + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "TwinResponse{" + operation + ", $rid=" + rid + ", status=" + status
        + (version == null ? "" : ", $version=" + version) + ", body=" + body.length + " bytes}";
  }
}
