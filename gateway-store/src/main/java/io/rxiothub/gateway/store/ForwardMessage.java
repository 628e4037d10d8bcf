// What a gateway hands the store for one device: the message id, the properties and the payload (protocol.md §19).
package io.rxiothub.gateway.store;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One message to keep until the cloud acknowledged it: its message id (kept so that a message sent again after a
 * crash can be recognised upstream), its properties in the order given (the gateway decides what they hold, e.g. an
 * IoT Hub property bag or a Watson event id and format) and its payload. Immutable; the payload is copied in and out.
 */
public final class ForwardMessage {

  private final String messageId;
  private final Map<String, String> properties;
  private final byte[] payload;

  private ForwardMessage(Builder b) {
    this.messageId = b.messageId;
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
    this.payload = b.payload;
  }

  /** Returns a new builder; the message id is required, properties and payload default to empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this message's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.messageId = messageId;
    b.properties.putAll(properties);
    b.payload = payload;
    return b;
  }

  /** Returns the message id. */
  public String messageId() {
    return messageId;
  }

  /** Returns the properties, unmodifiable, in the order they were given. */
  public Map<String, String> properties() {
    return properties;
  }

  /** Returns a copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** Returns the payload's length in bytes. */
  public int payloadLength() {
    return payload.length;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ForwardMessage)) {
      return false;
    }
    ForwardMessage m = (ForwardMessage) o;
    return messageId.equals(m.messageId) && properties.equals(m.properties) && Arrays.equals(payload, m.payload);
  }

  @Override
  public int hashCode() {
    int h = messageId.hashCode();
    h = 31 * h + properties.hashCode();
    return 31 * h + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "ForwardMessage{id " + messageId + ", " + properties.size() + " properties, " + payload.length
        + " bytes}";
  }

  /** Builds a {@link ForwardMessage}. */
  public static final class Builder {
    private String messageId = "";
    private final Map<String, String> properties = new LinkedHashMap<>();
    private byte[] payload = new byte[0];

    private Builder() {}

    /**
     * Sets the message id.
     *
     * @throws IllegalArgumentException if null or empty
     */
    public Builder messageId(String messageId) {
      if (messageId == null || messageId.isEmpty()) {
        throw new IllegalArgumentException("messageId must not be null or empty");
      }
      this.messageId = messageId;
      return this;
    }

    /**
     * Adds one property (a key given twice keeps its first position and the last value).
     *
     * @throws IllegalArgumentException if the name is null or empty, or the value null
     */
    public Builder property(String name, String value) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("name must not be null or empty");
      }
      if (value == null) {
        throw new IllegalArgumentException("value must not be null (property " + name + ")");
      }
      properties.put(name, value);
      return this;
    }

    /**
     * Replaces the properties with these, in the map's iteration order.
     *
     * @throws IllegalArgumentException if the map, a name or a value is null, or a name empty
     */
    public Builder properties(Map<String, String> properties) {
      if (properties == null) {
        throw new IllegalArgumentException("properties must not be null (use an empty map)");
      }
      Map<String, String> copy = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : properties.entrySet()) {
        if (e.getKey() == null || e.getKey().isEmpty()) {
          throw new IllegalArgumentException("properties must not hold a null or empty name");
        }
        if (e.getValue() == null) {
          throw new IllegalArgumentException("properties must not hold a null value (property " + e.getKey() + ")");
        }
        copy.put(e.getKey(), e.getValue());
      }
      this.properties.clear();
      this.properties.putAll(copy);
      return this;
    }

    /**
     * Sets the payload (copied).
     *
     * @throws IllegalArgumentException if null
     */
    public Builder payload(byte[] payload) {
      if (payload == null) {
        throw new IllegalArgumentException("payload must not be null (use an empty array)");
      }
      this.payload = payload.clone();
      return this;
    }

    /**
     * Returns the message.
     *
     * @throws IllegalStateException if no message id was set
     */
    public ForwardMessage build() {
      if (messageId.isEmpty()) {
        throw new IllegalStateException("messageId is required");
      }
      return new ForwardMessage(this);
    }
  }
}
