// The immutable cloud-to-device message value as received from the hub, every property kept.
package io.rxiothub.device;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A cloud-to-device message: payload and every property of the topic's property bag, decoded, in
 * wire order (protocol.md §5, §8). Nothing is dropped and nothing is invented: a property sent as a
 * bare key has a {@code null} value, {@code key=} an empty one.
 *
 * <p>System properties ({@code $.mid}, {@code $.cid}, {@code $.uid}, {@code $.ct}, {@code $.ce},
 * {@code $.exp}, {@code $.to}) and {@code iothub-ack} have typed accessors; {@link #properties()}
 * holds all of them, {@link #applicationProperties()} the others.
 */
public final class CloudMessage {

  private final byte[] payload;
  private final Map<String, @Nullable String> properties;

  private CloudMessage(byte[] payload, Map<String, @Nullable String> properties) {
    this.payload = payload.clone();
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /** Returns a builder for a message with an empty payload and no properties. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this message's values. */
  public Builder toBuilder() {
    Builder b = new Builder().payload(payload);
    b.properties.putAll(properties);
    return b;
  }

  /** Returns a copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** Returns every property in wire order, system ones included (unmodifiable). */
  public Map<String, @Nullable String> properties() {
    return properties;
  }

  /**
   * Returns the application properties: every property except {@code $.}-prefixed system properties
   * and {@code iothub-ack}, in wire order (unmodifiable copy).
   */
  public Map<String, @Nullable String> applicationProperties() {
    Map<String, @Nullable String> out = new LinkedHashMap<>();
    for (Map.Entry<String, @Nullable String> e : properties.entrySet()) {
      if (!isSystem(e.getKey())) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Returns whether {@code name} is a system property name ({@code $.} prefix or {@code iothub-ack}). */
  static boolean isSystem(String name) {
    return name.startsWith("$.") || name.equals("iothub-ack");
  }

  /** Returns the message id ({@code $.mid}). */
  public @Nullable String messageId() {
    return properties.get("$.mid");
  }

  /** Returns the correlation id ({@code $.cid}). */
  public @Nullable String correlationId() {
    return properties.get("$.cid");
  }

  /** Returns the user id ({@code $.uid}). */
  public @Nullable String userId() {
    return properties.get("$.uid");
  }

  /** Returns the content type ({@code $.ct}). */
  public @Nullable String contentType() {
    return properties.get("$.ct");
  }

  /** Returns the content encoding ({@code $.ce}). */
  public @Nullable String contentEncoding() {
    return properties.get("$.ce");
  }

  /** Returns the absolute expiry time ({@code $.exp}) as the hub sent it. */
  public @Nullable String expiryTime() {
    return properties.get("$.exp");
  }

  /** Returns the destination ({@code $.to}), e.g. {@code /devices/dev1/messages/devicebound}. */
  public @Nullable String to() {
    return properties.get("$.to");
  }

  /** Returns the feedback the back end asked for ({@code iothub-ack}: none, positive, negative, full). */
  public @Nullable String ack() {
    return properties.get("iothub-ack");
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CloudMessage)) {
      return false;
    }
    CloudMessage that = (CloudMessage) o;
    return Arrays.equals(payload, that.payload) && properties.equals(that.properties);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(payload) + properties.hashCode();
  }

  @Override
  public String toString() {
    return "CloudMessage{" + payload.length + " bytes, properties=" + properties + '}';
  }

  /** Builds a {@link CloudMessage} (useful in tests of code that consumes them). */
  public static final class Builder {

    private byte[] payload = new byte[0];
    private final Map<String, @Nullable String> properties = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets the payload (copied when the message is built).
     *
     * @throws IllegalArgumentException if {@code payload} is null
     */
    public Builder payload(byte[] payload) {
      if (payload == null) {
        throw new IllegalArgumentException("payload must not be null (use an empty array)");
      }
      this.payload = payload;
      return this;
    }

    /**
     * Adds or replaces a property (system or application); a {@code null} value stands for a bare key.
     *
     * @throws IllegalArgumentException if {@code name} is null or empty
     */
    public Builder property(String name, @Nullable String value) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("property name must not be null or empty");
      }
      properties.put(name, value);
      return this;
    }

    /** Returns the message. */
    public CloudMessage build() {
      return new CloudMessage(payload, properties);
    }
  }
}
