// A device-to-cloud message as the emulator captured it: identity, body, decoded property bag, enqueued time.
package io.rxiothub.emulator;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One captured telemetry (D2C) message. System properties are the bag keys starting with {@code $.} (after
 * decoding, so {@code %24.mid} and {@code $.mid} are both {@code $.mid}) plus the ones the hub stamps
 * ({@code iothub-connection-device-id}, {@code iothub-connection-module-id}, {@code iothub-enqueuedtime});
 * application properties are all other keys, in wire order, decoded. A key sent without {@code =} maps to null.
 */
public final class TelemetryMessage {

  private final String deviceId;
  private final @Nullable String moduleId;
  private final byte[] payload;
  private final Map<String, @Nullable String> systemProperties;
  private final Map<String, @Nullable String> applicationProperties;
  private final Instant enqueuedTime;
  private final String topic;

  private TelemetryMessage(Builder b) {
    this.deviceId = Objects.requireNonNull(b.deviceId);
    this.moduleId = b.moduleId;
    this.payload = b.payload.clone();
    this.systemProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.systemProperties));
    this.applicationProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.applicationProperties));
    this.enqueuedTime = Objects.requireNonNull(b.enqueuedTime);
    this.topic = Objects.requireNonNull(b.topic);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this message's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.deviceId = deviceId;
    b.moduleId = moduleId;
    b.payload = payload;
    b.systemProperties.putAll(systemProperties);
    b.applicationProperties.putAll(applicationProperties);
    b.enqueuedTime = enqueuedTime;
    b.topic = topic;
    return b;
  }

  /** The sending device's id. */
  public String deviceId() {
    return deviceId;
  }

  /** The sending module's id, or null when a device sent it. */
  public @Nullable String moduleId() {
    return moduleId;
  }

  /** A copy of the body. */
  public byte[] payload() {
    return payload.clone();
  }

  /** The body decoded as UTF-8. */
  public String payloadAsString() {
    return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** System properties ({@code $.mid}, {@code $.cid}, …, and hub-stamped ones), unmodifiable, ordered. */
  public Map<String, @Nullable String> systemProperties() {
    return systemProperties;
  }

  /** Application properties in wire order, decoded, unmodifiable. */
  public Map<String, @Nullable String> applicationProperties() {
    return applicationProperties;
  }

  /** When the emulator accepted the message (its clock). */
  public Instant enqueuedTime() {
    return enqueuedTime;
  }

  /** The raw MQTT topic the device published on. */
  public String topic() {
    return topic;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TelemetryMessage)) {
      return false;
    }
    TelemetryMessage that = (TelemetryMessage) o;
    return deviceId.equals(that.deviceId)
        && Objects.equals(moduleId, that.moduleId)
        && Arrays.equals(payload, that.payload)
        && systemProperties.equals(that.systemProperties)
        && applicationProperties.equals(that.applicationProperties)
        && enqueuedTime.equals(that.enqueuedTime)
        && topic.equals(that.topic);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deviceId, moduleId, Arrays.hashCode(payload), systemProperties, applicationProperties,
        enqueuedTime, topic);
  }

  @Override
  public String toString() {
    return "TelemetryMessage{deviceId=" + deviceId + (moduleId == null ? "" : ", moduleId=" + moduleId)
        + ", payload=" + payload.length + " bytes, systemProperties=" + systemProperties
        + ", applicationProperties=" + applicationProperties + ", enqueuedTime=" + enqueuedTime + "}";
  }

  /** Builds a {@link TelemetryMessage}. */
  public static final class Builder {
    private @Nullable String deviceId;
    private @Nullable String moduleId;
    private byte[] payload = new byte[0];
    private final Map<String, @Nullable String> systemProperties = new LinkedHashMap<>();
    private final Map<String, @Nullable String> applicationProperties = new LinkedHashMap<>();
    private @Nullable Instant enqueuedTime;
    private @Nullable String topic;

    private Builder() {}

    /** Sets the device id (required). */
    public Builder deviceId(String deviceId) {
      if (deviceId == null) {
        throw new IllegalArgumentException("deviceId must not be null");
      }
      this.deviceId = deviceId;
      return this;
    }

    /** Sets the module id (null for a device). */
    public Builder moduleId(@Nullable String moduleId) {
      this.moduleId = moduleId;
      return this;
    }

    /** Sets the body (copied). */
    public Builder payload(byte[] payload) {
      if (payload == null) {
        throw new IllegalArgumentException("payload must not be null");
      }
      this.payload = payload.clone();
      return this;
    }

    /** Adds or replaces a system property. */
    public Builder systemProperty(String key, @Nullable String value) {
      if (key == null) {
        throw new IllegalArgumentException("key must not be null");
      }
      systemProperties.put(key, value);
      return this;
    }

    /** Adds or replaces an application property (order of first insertion is kept). */
    public Builder applicationProperty(String key, @Nullable String value) {
      if (key == null) {
        throw new IllegalArgumentException("key must not be null");
      }
      applicationProperties.put(key, value);
      return this;
    }

    /** Sets the enqueued time (required). */
    public Builder enqueuedTime(Instant enqueuedTime) {
      if (enqueuedTime == null) {
        throw new IllegalArgumentException("enqueuedTime must not be null");
      }
      this.enqueuedTime = enqueuedTime;
      return this;
    }

    /** Sets the raw topic (required). */
    public Builder topic(String topic) {
      if (topic == null) {
        throw new IllegalArgumentException("topic must not be null");
      }
      this.topic = topic;
      return this;
    }

    /**
     * Builds the message.
     *
     * @throws IllegalStateException if device id, enqueued time or topic is missing
     */
    public TelemetryMessage build() {
      if (deviceId == null || enqueuedTime == null || topic == null) {
        throw new IllegalStateException("TelemetryMessage needs deviceId, enqueuedTime and topic");
      }
      return new TelemetryMessage(this);
    }
  }
}
