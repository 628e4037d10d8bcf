// An event a gateway publishes, for itself or a device behind it (protocol.md §14.2).
package io.rxiothub.watson.client;

import io.rxiothub.watson.WatsonIds;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One event: the device it is about ({@code typeId}/{@code deviceId}: the gateway itself or a device behind it),
 * the event id, the format ({@code json} by default), the payload (at most 131,072 bytes) and the QoS (1 by
 * default: completes on PUBACK; 0: once written). Immutable; the builder checks every rule at once.
 */
public final class GatewayEvent {

  /** Largest payload the platform accepts (S001). */
  public static final int MAX_PAYLOAD_BYTES = 131_072;

  private final String typeId;
  private final String deviceId;
  private final String eventId;
  private final String format;
  private final byte[] payload;
  private final int qos;

  private GatewayEvent(Builder b) {
    this.typeId = b.typeId;
    this.deviceId = b.deviceId;
    this.eventId = b.eventId;
    this.format = b.format;
    this.payload = b.payload;
    this.qos = b.qos;
  }

  /** Returns a new builder; type, device and event ids and the payload are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this event's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.typeId = typeId;
    b.deviceId = deviceId;
    b.eventId = eventId;
    b.format = format;
    b.payload = payload;
    b.qos = qos;
    return b;
  }

  /** Returns the device type. */
  public String typeId() {
    return typeId;
  }

  /** Returns the device id. */
  public String deviceId() {
    return deviceId;
  }

  /** Returns the event id. */
  public String eventId() {
    return eventId;
  }

  /** Returns the format. */
  public String format() {
    return format;
  }

  /** Returns a copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** Returns the QoS, 0 or 1. */
  public int qos() {
    return qos;
  }

  byte[] payloadNoCopy() {
    return payload;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof GatewayEvent)) {
      return false;
    }
    GatewayEvent e = (GatewayEvent) o;
    return qos == e.qos && typeId.equals(e.typeId) && deviceId.equals(e.deviceId) && eventId.equals(e.eventId)
        && format.equals(e.format) && Arrays.equals(payload, e.payload);
  }

  @Override
  public int hashCode() {
    int h = typeId.hashCode();
    h = 31 * h + deviceId.hashCode();
    h = 31 * h + eventId.hashCode();
    h = 31 * h + format.hashCode();
    h = 31 * h + Arrays.hashCode(payload);
    return 31 * h + qos;
  }

  @Override
  public String toString() {
    return "GatewayEvent{" + typeId + "/" + deviceId + " " + eventId + " fmt " + format + ", " + payload.length
        + " bytes, qos " + qos + "}";
  }

  /** Builds a {@link GatewayEvent}. */
  public static final class Builder {
    private String typeId = "";
    private String deviceId = "";
    private String eventId = "";
    private String format = "json";
    private byte @Nullable [] payload;
    private int qos = 1;

    private Builder() {}

    /** Sets the device (type and id). @throws IllegalArgumentException if an id breaks its rule */
    public Builder device(String typeId, String deviceId) {
      this.typeId = WatsonIds.requireId("typeId", typeId);
      this.deviceId = WatsonIds.requireId("deviceId", deviceId);
      return this;
    }

    /** Sets the event id. @throws IllegalArgumentException if it breaks the id rule */
    public Builder eventId(String eventId) {
      this.eventId = WatsonIds.requireId("eventId", eventId);
      return this;
    }

    /** Sets the format (default {@code json}). @throws IllegalArgumentException if it breaks the id rule */
    public Builder format(String format) {
      this.format = WatsonIds.requireId("format", format);
      return this;
    }

    /**
     * Sets the payload (copied).
     *
     * @throws IllegalArgumentException if null or over 131,072 bytes
     */
    public Builder payload(byte[] payload) {
      if (payload == null) {
        throw new IllegalArgumentException("payload must not be null (use an empty array)");
      }
      if (payload.length > MAX_PAYLOAD_BYTES) {
        throw new IllegalArgumentException("payload of " + payload.length + " bytes is over the platform's limit of "
            + MAX_PAYLOAD_BYTES + " bytes");
      }
      this.payload = payload.clone();
      return this;
    }

    /** Sets the QoS (default 1). @throws IllegalArgumentException unless 0 or 1 */
    public Builder qos(int qos) {
      if (qos != 0 && qos != 1) {
        throw new IllegalArgumentException("qos must be 0 or 1 (the platform takes events at most at QoS 1)");
      }
      this.qos = qos;
      return this;
    }

    /** Returns the event. @throws IllegalStateException if the device, event id or payload is missing */
    public GatewayEvent build() {
      if (typeId.isEmpty()) {
        throw new IllegalStateException("device(typeId, deviceId) is required");
      }
      if (eventId.isEmpty()) {
        throw new IllegalStateException("eventId is required");
      }
      if (payload == null) {
        throw new IllegalStateException("payload is required");
      }
      return new GatewayEvent(this);
    }
  }
}
