// The immutable IoT Edge input message value as received from the edgeHub: input name, payload, every property.
package io.rxiothub.device;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A message an edgeHub route delivered to an input of a module ({@code devices/{d}/modules/{m}/inputs/{input}/…},
 * protocol.md §17.4): the input's name, the payload and every property of the topic's property bag, decoded, in
 * wire order. A property sent as a bare key has a {@code null} value.
 *
 * <p>System properties ({@code $.mid}, {@code $.cid}, {@code $.ct}, {@code $.ce}, and {@code $.cdid} / {@code $.cmid},
 * the device and module that sent it) have typed accessors; {@link #properties()} holds all of them,
 * {@link #applicationProperties()} the others.
 */
public final class InputMessage {

  private final String inputName;
  private final byte[] payload;
  private final Map<String, @Nullable String> properties;

  private InputMessage(String inputName, byte[] payload, Map<String, @Nullable String> properties) {
    this.inputName = inputName;
    this.payload = payload.clone();
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /** Returns a builder for a message on input {@code inputName} with an empty payload and no properties. */
  public static Builder builder(String inputName) {
    return new Builder(inputName);
  }

  /** Returns a builder holding this message's values. */
  public Builder toBuilder() {
    Builder b = new Builder(inputName).payload(payload);
    b.properties.putAll(properties);
    return b;
  }

  /** Returns the name of the input the message arrived on. */
  public String inputName() {
    return inputName;
  }

  /** Returns a copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** Returns every property in wire order, system ones included (unmodifiable). */
  public Map<String, @Nullable String> properties() {
    return properties;
  }

  /** Returns the properties without a {@code $.} prefix, in wire order (unmodifiable copy). */
  public Map<String, @Nullable String> applicationProperties() {
    Map<String, @Nullable String> out = new LinkedHashMap<>();
    for (Map.Entry<String, @Nullable String> e : properties.entrySet()) {
      if (!e.getKey().startsWith("$.")) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Returns the message id ({@code $.mid}). */
  public @Nullable String messageId() {
    return properties.get("$.mid");
  }

  /** Returns the correlation id ({@code $.cid}). */
  public @Nullable String correlationId() {
    return properties.get("$.cid");
  }

  /** Returns the content type ({@code $.ct}). */
  public @Nullable String contentType() {
    return properties.get("$.ct");
  }

  /** Returns the content encoding ({@code $.ce}). */
  public @Nullable String contentEncoding() {
    return properties.get("$.ce");
  }

  /** Returns the id of the device that sent the message ({@code $.cdid}). */
  public @Nullable String connectionDeviceId() {
    return properties.get("$.cdid");
  }

  /** Returns the id of the module that sent the message ({@code $.cmid}). */
  public @Nullable String connectionModuleId() {
    return properties.get("$.cmid");
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof InputMessage)) {
      return false;
    }
    InputMessage that = (InputMessage) o;
    return inputName.equals(that.inputName) && Arrays.equals(payload, that.payload)
        && properties.equals(that.properties);
  }

  @Override
  public int hashCode() {
    return (31 * inputName.hashCode() + Arrays.hashCode(payload)) * 31 + properties.hashCode();
  }

  @Override
  public String toString() {
    return "InputMessage{input=" + inputName + ", " + payload.length + " bytes, properties=" + properties + '}';
  }

  /** Builds an {@link InputMessage} (useful in tests of code that consumes them). */
  public static final class Builder {

    private final String inputName;
    private byte[] payload = new byte[0];
    private final Map<String, @Nullable String> properties = new LinkedHashMap<>();

    private Builder(String inputName) {
      if (inputName == null || inputName.isEmpty()) {
        throw new IllegalArgumentException("inputName must not be null or empty");
      }
      this.inputName = inputName;
    }

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
    public InputMessage build() {
      return new InputMessage(inputName, payload, properties);
    }
  }
}
