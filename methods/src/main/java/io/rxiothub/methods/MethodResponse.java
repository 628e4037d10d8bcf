// The device's reply to a direct method: a status and a payload (JSON or empty).
package io.rxiothub.methods;

import io.rxiothub.methods.internal.Json;
import io.rxiothub.methods.internal.Utf8;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The reply to a {@link MethodRequest} (protocol.md §7): an integer status (HTTP-like by convention: 200
 * success, 400 bad request, 500 handler failure, 501 unknown method) and a payload, which IoT Hub requires
 * to be valid JSON or empty and at most {@link #MAX_PAYLOAD_BYTES} bytes. The JSON rule is enforced by
 * {@link #ofJson} and {@link Builder#jsonPayload}; {@link Builder#payload(byte[])} takes bytes as given.
 */
public final class MethodResponse {

  /** IoT Hub's limit on a method response payload: 128 KB. */
  public static final int MAX_PAYLOAD_BYTES = 128 * 1024;

  private final int status;
  private final byte[] payload;

  private MethodResponse(int status, byte[] payload) {
    this.status = status;
    this.payload = payload;
  }

  /** Returns a new builder (status 200, empty payload by default). */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a response with {@code status} and an empty payload. */
  public static MethodResponse of(int status) {
    return new MethodResponse(status, new byte[0]);
  }

  /**
   * Returns a response with {@code status} and {@code json} as UTF-8 payload.
   *
   * @throws IllegalArgumentException if {@code json} is null, not one well-formed JSON value, or longer
   *     than {@link #MAX_PAYLOAD_BYTES} in UTF-8
   */
  public static MethodResponse ofJson(int status, String json) {
    return builder().status(status).jsonPayload(json).build();
  }

  /** Returns a builder holding this response's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.status = status;
    b.payload = payload;
    return b;
  }

  /** Returns the status. */
  public int status() {
    return status;
  }

  /** Returns a copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** Returns the payload decoded as UTF-8 (malformed bytes become U+FFFD). */
  public String payloadAsString() {
    return new String(payload, Utf8.UTF_8);
  }

  /** Returns whether the status is 2xx. */
  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  /**
   * Returns the topic to publish this response on for the request with {@code rid}.
   *
   * @throws IllegalArgumentException if {@code rid} is not a valid method {@code $rid}
   */
  public String topic(String rid) {
    return MethodTopic.response(status, rid).format();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof MethodResponse && status == ((MethodResponse) o).status
        && Arrays.equals(payload, ((MethodResponse) o).payload);
  }

  @Override
  public int hashCode() {
    return 31 * status + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "MethodResponse{status=" + status + ", payload=" + payload.length + " bytes}";
  }

  static String checkJson(@Nullable String json, String what) {
    if (json == null) {
      throw new IllegalArgumentException("json (the " + what + " payload) must not be null");
    }
    if (!Json.isValid(json)) {
      throw new IllegalArgumentException(what + " payload must be one well-formed JSON value (RFC 8259)");
    }
    return json;
  }

  /** Builds a {@link MethodResponse}. */
  public static final class Builder {

    private int status = 200;
    private byte[] payload = new byte[0];

    private Builder() {}

    /** Sets the status (any int; IoT Hub only requires an integer). */
    public Builder status(int status) {
      this.status = status;
      return this;
    }

    /**
     * Sets the payload bytes (copied), which should be JSON in UTF-8 or empty.
     *
     * @throws IllegalArgumentException if {@code payload} is null or longer than {@link #MAX_PAYLOAD_BYTES}
     */
    public Builder payload(byte[] payload) {
      if (payload == null) {
        throw new IllegalArgumentException("payload must not be null (use an empty array)");
      }
      this.payload = checkSize(payload.clone());
      return this;
    }

    /**
     * Sets the payload to {@code json} in UTF-8.
     *
     * @throws IllegalArgumentException if {@code json} is null, not one well-formed JSON value, or longer
     *     than {@link #MAX_PAYLOAD_BYTES} in UTF-8
     */
    public Builder jsonPayload(String json) {
      this.payload = checkSize(checkJson(json, "method response").getBytes(Utf8.UTF_8));
      return this;
    }

    /** Returns the response. */
    public MethodResponse build() {
      return new MethodResponse(status, payload);
    }

    private static byte[] checkSize(byte[] bytes) {
      if (bytes.length > MAX_PAYLOAD_BYTES) {
        throw new IllegalArgumentException("method response payload is " + bytes.length
            + " bytes; IoT Hub allows at most " + MAX_PAYLOAD_BYTES);
      }
      return bytes;
    }
  }
}
