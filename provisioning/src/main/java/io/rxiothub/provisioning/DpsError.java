// The error body of a DPS response: {"errorCode":401002,"trackingId":"…","message":"…"} (§15.2).
package io.rxiothub.provisioning;

import io.rxiothub.provisioning.internal.DpsJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** An error response body. Immutable. */
public final class DpsError {

  private final int errorCode;
  private final String trackingId;
  private final String message;

  private DpsError(int errorCode, String trackingId, String message) {
    this.errorCode = errorCode;
    this.trackingId = trackingId;
    this.message = message;
  }

  /** Returns an error body. @throws IllegalArgumentException if a text argument is null */
  public static DpsError of(int errorCode, String trackingId, String message) {
    if (trackingId == null) {
      throw new IllegalArgumentException("trackingId must not be null (use an empty string)");
    }
    if (message == null) {
      throw new IllegalArgumentException("message must not be null (use an empty string)");
    }
    return new DpsError(errorCode, trackingId, message);
  }

  /**
   * Parses an error body; members other than {@code errorCode}, {@code trackingId} and {@code message} are ignored,
   * missing ones read as 0 and empty text.
   *
   * @throws IllegalArgumentException if the body is not a JSON object or a member has the wrong type
   */
  public static DpsError parse(byte[] body) {
    if (body == null) {
      throw new IllegalArgumentException("error body is missing");
    }
    String what = "error body";
    Map<String, @Nullable Object> json = DpsJson.parseObject(body, what);
    Integer code = DpsJson.integer(json, "errorCode", what);
    String trackingId = DpsJson.string(json, "trackingId", what);
    String message = DpsJson.string(json, "message", what);
    return new DpsError(code == null ? 0 : code, trackingId == null ? "" : trackingId,
        message == null ? "" : message);
  }

  /** This body as compact JSON. */
  public String toJson() {
    Map<String, @Nullable Object> json = new LinkedHashMap<>();
    json.put("errorCode", errorCode);
    json.put("trackingId", trackingId);
    json.put("message", message);
    return DpsJson.write(json);
  }

  /** The error code, such as 401002, or 0 when the body had none. */
  public int errorCode() {
    return errorCode;
  }

  /** The tracking id, or empty. */
  public String trackingId() {
    return trackingId;
  }

  /** The message, or empty. */
  public String message() {
    return message;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DpsError)) {
      return false;
    }
    DpsError other = (DpsError) o;
    return errorCode == other.errorCode && trackingId.equals(other.trackingId) && message.equals(other.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(errorCode, trackingId, message);
  }

  @Override
  public String toString() {
    return "DpsError{errorCode=" + errorCode + ", trackingId=" + trackingId + ", message=" + message + "}";
  }
}
