// The immutable device-to-cloud message value (payload, system properties, application properties).
package io.rxiothub.device;

import io.rxiothub.sas.IotHubIds;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A device-to-cloud (telemetry) message: payload bytes, the system properties IoT Hub knows and
 * ordered application properties of any Unicode text.
 *
 * <p>Immutable; build one with {@link #builder()}. On the wire every key and value is
 * percent-encoded (protocol.md §5). Send it with {@code DeviceClient.send(Message)}.
 */
public final class Message {

  private final byte[] payload;
  private final @Nullable String messageId;
  private final @Nullable String correlationId;
  private final @Nullable String userId;
  private final @Nullable String contentType;
  private final @Nullable String contentEncoding;
  private final @Nullable Long creationTimeEpochMillis;
  private final @Nullable String outputName;
  private final @Nullable String componentName;
  private final @Nullable Long expiryEpochMillis;
  private final boolean atMostOnce;
  private final Map<String, String> properties;

  private Message(Builder b) {
    this.payload = b.payload.clone();
    this.messageId = b.messageId;
    this.correlationId = b.correlationId;
    this.userId = b.userId;
    this.contentType = b.contentType;
    this.contentEncoding = b.contentEncoding;
    this.creationTimeEpochMillis = b.creationTimeEpochMillis;
    this.outputName = b.outputName;
    this.componentName = b.componentName;
    this.expiryEpochMillis = b.expiryEpochMillis;
    this.atMostOnce = b.atMostOnce;
    // Shared with the builder, which copies before its next change (sending builds a message each time).
    b.propertiesShared = true;
    this.properties = b.properties.isEmpty() ? Collections.<String, String>emptyMap()
        : Collections.unmodifiableMap(b.properties);
  }

  /** Returns a builder for a message with an empty payload and no properties. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a message with {@code payload} and nothing else. */
  public static Message of(byte[] payload) {
    return builder().payload(payload).build();
  }

  /** Returns a builder holding this message's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Returns a copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** Returns the payload itself, for the client that sends it; never modified. */
  byte[] payloadArray() {
    return payload;
  }

  /** Returns the payload size in bytes without copying it. */
  public int payloadSize() {
    return payload.length;
  }

  /** Returns the message id ({@code $.mid}). */
  public @Nullable String messageId() {
    return messageId;
  }

  /** Returns the correlation id ({@code $.cid}). */
  public @Nullable String correlationId() {
    return correlationId;
  }

  /** Returns the user id ({@code $.uid}). */
  public @Nullable String userId() {
    return userId;
  }

  /** Returns the content type ({@code $.ct}); routing on the body needs {@code application/json}. */
  public @Nullable String contentType() {
    return contentType;
  }

  /** Returns the content encoding ({@code $.ce}), for example {@code utf-8}. */
  public @Nullable String contentEncoding() {
    return contentEncoding;
  }

  /** Returns the creation time ({@code $.ctime}) in milliseconds since the epoch. */
  public @Nullable Long creationTimeEpochMillis() {
    return creationTimeEpochMillis;
  }

  /** Returns the output name ({@code $.on}) used by IoT Edge routing for module messages. */
  public @Nullable String outputName() {
    return outputName;
  }

  /** Returns the IoT Plug and Play component name ({@code $.sub}). */
  public @Nullable String componentName() {
    return componentName;
  }

  /**
   * Returns the client-side expiry in milliseconds since the epoch. At that time a message still
   * waiting in the offline queue is dropped unsent, and one sent but not acknowledged yet is never
   * sent again (it may or may not have reached the hub); either way its {@code send} fails with
   * {@link IotHubTimeoutException}. Give the official suites' fault requests, which the hub never
   * acknowledges, a short expiry. Not sent to the hub (protocol.md §5: D2C has no {@code $.exp}).
   */
  public @Nullable Long expiryEpochMillis() {
    return expiryEpochMillis;
  }

  /**
   * Returns whether the message is sent with QoS 0 (at most once, completes when written) instead of
   * the default QoS 1 (at least once, completes on PUBACK).
   */
  public boolean atMostOnce() {
    return atMostOnce;
  }

  /** Returns the application properties in insertion order (unmodifiable). */
  public Map<String, String> properties() {
    return properties;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Message)) {
      return false;
    }
    Message m = (Message) o;
    return atMostOnce == m.atMostOnce
        && Arrays.equals(payload, m.payload)
        && eq(messageId, m.messageId)
        && eq(correlationId, m.correlationId)
        && eq(userId, m.userId)
        && eq(contentType, m.contentType)
        && eq(contentEncoding, m.contentEncoding)
        && eq(creationTimeEpochMillis, m.creationTimeEpochMillis)
        && eq(outputName, m.outputName)
        && eq(componentName, m.componentName)
        && eq(expiryEpochMillis, m.expiryEpochMillis)
        && properties.equals(m.properties);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {Arrays.hashCode(payload), messageId, correlationId, userId,
        contentType, contentEncoding, creationTimeEpochMillis, outputName, componentName,
        expiryEpochMillis, atMostOnce, properties});
  }

  @Override
  public String toString() {
    return "Message{" + payload.length + " bytes"
        + (messageId == null ? "" : ", messageId=" + messageId)
        + (correlationId == null ? "" : ", correlationId=" + correlationId)
        + (contentType == null ? "" : ", contentType=" + contentType)
        + (atMostOnce ? ", QoS 0" : "")
        + (properties.isEmpty() ? "" : ", properties=" + properties)
        + '}';
  }

  private static boolean eq(@Nullable Object a, @Nullable Object b) {
    return a == null ? b == null : a.equals(b);
  }

  /** Builds a {@link Message}; every setter validates at once. */
  public static final class Builder {

    private byte[] payload = new byte[0];
    private @Nullable String messageId;
    private @Nullable String correlationId;
    private @Nullable String userId;
    private @Nullable String contentType;
    private @Nullable String contentEncoding;
    private @Nullable Long creationTimeEpochMillis;
    private @Nullable String outputName;
    private @Nullable String componentName;
    private @Nullable Long expiryEpochMillis;
    private boolean atMostOnce;
    private Map<String, String> properties = new LinkedHashMap<>();
    /** {@link #properties} is held by a built message too: copy it before changing it. */
    private boolean propertiesShared;

    private Builder() {}

    private Builder(Message m) {
      payload = m.payload;
      messageId = m.messageId;
      correlationId = m.correlationId;
      userId = m.userId;
      contentType = m.contentType;
      contentEncoding = m.contentEncoding;
      creationTimeEpochMillis = m.creationTimeEpochMillis;
      outputName = m.outputName;
      componentName = m.componentName;
      expiryEpochMillis = m.expiryEpochMillis;
      atMostOnce = m.atMostOnce;
      properties = m.properties;
      propertiesShared = true;
    }

    private Map<String, String> ownProperties() {
      if (propertiesShared) {
        properties = new LinkedHashMap<>(properties);
        propertiesShared = false;
      }
      return properties;
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
     * Sets the message id.
     *
     * @throws IllegalArgumentException if it is not 1 to 128 ASCII letters, digits or
     *     {@code - : . + % _ # * ? ! ( ) , = @ ; $ '}
     */
    public Builder messageId(@Nullable String messageId) {
      if (messageId != null && !IotHubIds.isValid(messageId)) {
        throw new IllegalArgumentException("messageId must be 1 to 128 ASCII letters, digits or "
            + "- : . + % _ # * ? ! ( ) , = @ ; $ ' (IoT Hub message id rule)");
      }
      this.messageId = messageId;
      return this;
    }

    /** Sets the correlation id. */
    public Builder correlationId(@Nullable String correlationId) {
      this.correlationId = text("correlationId", correlationId);
      return this;
    }

    /** Sets the user id. */
    public Builder userId(@Nullable String userId) {
      this.userId = text("userId", userId);
      return this;
    }

    /** Sets the content type, for example {@code application/json}. */
    public Builder contentType(@Nullable String contentType) {
      this.contentType = text("contentType", contentType);
      return this;
    }

    /** Sets the content encoding, for example {@code utf-8}. */
    public Builder contentEncoding(@Nullable String contentEncoding) {
      this.contentEncoding = text("contentEncoding", contentEncoding);
      return this;
    }

    /**
     * Sets the creation time, sent as {@code $.ctime} in ISO 8601 UTC with milliseconds.
     *
     * @throws IllegalArgumentException if it is negative
     */
    public Builder creationTimeEpochMillis(@Nullable Long creationTimeEpochMillis) {
      if (creationTimeEpochMillis != null && creationTimeEpochMillis < 0) {
        throw new IllegalArgumentException("creationTimeEpochMillis must not be negative");
      }
      this.creationTimeEpochMillis = creationTimeEpochMillis;
      return this;
    }

    /** Sets the output name for IoT Edge routing (modules). */
    public Builder outputName(@Nullable String outputName) {
      this.outputName = text("outputName", outputName);
      return this;
    }

    /** Sets the IoT Plug and Play component name. */
    public Builder componentName(@Nullable String componentName) {
      this.componentName = text("componentName", componentName);
      return this;
    }

    /**
     * Sets the client-side expiry (see {@link Message#expiryEpochMillis()}).
     *
     * @throws IllegalArgumentException if it is negative
     */
    public Builder expiryEpochMillis(@Nullable Long expiryEpochMillis) {
      if (expiryEpochMillis != null && expiryEpochMillis < 0) {
        throw new IllegalArgumentException("expiryEpochMillis must not be negative");
      }
      this.expiryEpochMillis = expiryEpochMillis;
      return this;
    }

    /** Sends with QoS 0 instead of QoS 1 when {@code true} (see {@link Message#atMostOnce()}). */
    public Builder atMostOnce(boolean atMostOnce) {
      this.atMostOnce = atMostOnce;
      return this;
    }

    /**
     * Adds or replaces an application property; insertion order is kept.
     *
     * @throws IllegalArgumentException if the name is null or empty, starts with {@code $.} or
     *     {@code iothub-} (reserved for system properties), or the name or value is null or holds a
     *     lone surrogate character
     */
    public Builder property(String name, String value) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("property name must not be null or empty");
      }
      if (name.startsWith("$.") || name.startsWith("iothub-")) {
        throw new IllegalArgumentException("property name '" + name
            + "' is reserved: names starting with '$.' or 'iothub-' belong to system properties");
      }
      if (value == null) {
        throw new IllegalArgumentException("value of property '" + name + "' must not be null");
      }
      // Labels are built only on failure: property() is on the path of every message sent.
      if (hasLoneSurrogate(name)) {
        text("name of property '" + name + "'", name);
      }
      if (hasLoneSurrogate(value)) {
        text("value of property '" + name + "'", value);
      }
      ownProperties().put(name, value);
      return this;
    }

    /**
     * Adds every entry of {@code properties} in its iteration order, as {@link #property} does.
     *
     * @throws IllegalArgumentException as {@link #property} does
     */
    public Builder properties(Map<String, String> properties) {
      if (properties == null) {
        throw new IllegalArgumentException("properties must not be null");
      }
      for (Map.Entry<String, String> e : properties.entrySet()) {
        property(e.getKey(), e.getValue());
      }
      return this;
    }

    /** Removes every application property. */
    public Builder clearProperties() {
      ownProperties().clear();
      return this;
    }

    /** Returns the message. */
    public Message build() {
      return new Message(this);
    }

    private static @Nullable String text(String field, @Nullable String value) {
      // The wire form percent-encodes UTF-8; a lone surrogate has no UTF-8 form.
      if (value != null && hasLoneSurrogate(value)) {
        throw new IllegalArgumentException(field + " must be valid Unicode text: it holds a lone "
            + "surrogate character");
      }
      return value;
    }

    /** Whether {@code s} holds a surrogate that is not part of a pair (checked without allocating). */
    private static boolean hasLoneSurrogate(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          return true;
        }
      }
      return false;
    }
  }
}
