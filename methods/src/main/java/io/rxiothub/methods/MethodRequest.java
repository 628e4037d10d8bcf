// A direct-method invocation received from the hub: name, opaque $rid, payload bytes.
package io.rxiothub.methods;

import io.rxiothub.methods.internal.Utf8;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A direct-method request (protocol.md §7): the method name and {@code $rid} exactly as they appeared in
 * the topic (opaque, echoed byte for byte in the reply) and the payload bytes (valid JSON or empty per the
 * hub; not enforced, so a malformed payload still reaches its handler).
 */
public final class MethodRequest {

  private final String methodName;
  private final String rid;
  private final byte[] payload;

  private MethodRequest(String methodName, String rid, byte[] payload) {
    this.methodName = methodName;
    this.rid = rid;
    this.payload = payload;
  }

  /** Returns a new builder; method name and {@code $rid} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a request from a message received on {@link MethodTopic#REQUEST_FILTER}; {@code payload} is
   * copied.
   *
   * @throws IllegalArgumentException if {@code topic} is not a method request topic (see
   *     {@link MethodTopic#parse}) or {@code payload} is null
   */
  public static MethodRequest fromPublish(String topic, byte[] payload) {
    MethodTopic parsed = MethodTopic.parse(topic);
    if (parsed.kind() != MethodTopic.Kind.REQUEST) {
      throw new IllegalArgumentException("'" + topic + "' is a method response topic, not a request");
    }
    if (payload == null) {
      throw new IllegalArgumentException("payload must not be null (use an empty array)");
    }
    String name = parsed.methodName();
    return new MethodRequest(name == null ? "" : name, parsed.rid(), payload.clone());
  }

  /** Returns a builder holding this request's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.methodName = methodName;
    b.rid = rid;
    b.payload = payload;
    return b;
  }

  /** Returns the method name, raw as in the topic. */
  public String methodName() {
    return methodName;
  }

  /** Returns the {@code $rid}, raw as in the topic. */
  public String rid() {
    return rid;
  }

  /** Returns a copy of the payload (empty when the hub sent none). */
  public byte[] payload() {
    return payload.clone();
  }

  /** Returns whether the payload is empty. */
  public boolean hasPayload() {
    return payload.length > 0;
  }

  /** Returns the payload decoded as UTF-8 (malformed bytes become U+FFFD). */
  public String payloadAsString() {
    return new String(payload, Utf8.UTF_8);
  }

  /** Returns whether the payload is exactly one well-formed JSON value in UTF-8. */
  public boolean isJsonPayload() {
    return Utf8.isJson(payload);
  }

  /**
   * Returns the payload as JSON text, or null when it is empty.
   *
   * @throws IllegalStateException if the payload is neither empty nor one well-formed JSON value in UTF-8
   */
  public @Nullable String payloadAsJson() {
    if (payload.length == 0) {
      return null;
    }
    String text = Utf8.decodeStrict(payload);
    if (text == null || !io.rxiothub.methods.internal.Json.isValid(text)) {
      throw new IllegalStateException("payload of method '" + methodName + "' ($rid=" + rid
          + ") is not valid JSON in UTF-8; read payload() instead");
    }
    return text;
  }

  /** Returns the topic of the reply to this request with {@code status}. */
  public String responseTopic(int status) {
    return MethodTopic.response(status, rid).format();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof MethodRequest)) {
      return false;
    }
    MethodRequest other = (MethodRequest) o;
    return methodName.equals(other.methodName) && rid.equals(other.rid) && Arrays.equals(payload, other.payload);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * methodName.hashCode() + rid.hashCode()) + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "MethodRequest{" + methodName + ", $rid=" + rid + ", payload=" + payload.length + " bytes}";
  }

  /** Builds a {@link MethodRequest}. */
  public static final class Builder {

    private @Nullable String methodName;
    private @Nullable String rid;
    private byte[] payload = new byte[0];

    private Builder() {}

    /**
     * Sets the method name.
     *
     * @throws IllegalArgumentException if it is empty or contains '/', '+', '#' or U+0000
     */
    public Builder methodName(String methodName) {
      this.methodName = MethodTopic.checkName(methodName);
      return this;
    }

    /**
     * Sets the {@code $rid}.
     *
     * @throws IllegalArgumentException if it is empty or contains '&amp;', '+', '#' or U+0000
     */
    public Builder rid(String rid) {
      this.rid = MethodTopic.checkRid(rid);
      return this;
    }

    /**
     * Sets the payload bytes (copied).
     *
     * @throws IllegalArgumentException if {@code payload} is null
     */
    public Builder payload(byte[] payload) {
      if (payload == null) {
        throw new IllegalArgumentException("payload must not be null (use an empty array)");
      }
      this.payload = payload.clone();
      return this;
    }

    /**
     * Sets the payload to {@code json} in UTF-8.
     *
     * @throws IllegalArgumentException if {@code json} is null or not one well-formed JSON value
     */
    public Builder jsonPayload(String json) {
      this.payload = MethodResponse.checkJson(json, "method request").getBytes(Utf8.UTF_8);
      return this;
    }

    /**
     * Returns the request.
     *
     * @throws IllegalStateException if the method name or {@code $rid} is missing
     */
    public MethodRequest build() {
      if (methodName == null || rid == null) {
        throw new IllegalStateException("a method request needs methodName and rid");
      }
      return new MethodRequest(methodName, rid, payload);
    }
  }
}
