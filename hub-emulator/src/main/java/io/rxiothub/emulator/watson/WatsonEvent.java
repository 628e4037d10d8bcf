// An event the Watson organisation accepted: from a device, a gateway (for itself or a device behind it) or an app.
package io.rxiothub.emulator.watson;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An accepted event, as applications receive it on {@code iot-2/type/{t}/id/{d}/evt/{e}/fmt/{f}}: the device it is
 * about, the event id and format, the payload, the client that published it, its QoS and when it arrived.
 */
public final class WatsonEvent {

  private final String typeId;
  private final String deviceId;
  private final String eventId;
  private final String format;
  private final byte[] payload;
  private final String publisher;
  private final int qos;
  private final long receivedAtMillis;

  /** Creates an event; {@code payload} is copied. */
  public WatsonEvent(String typeId, String deviceId, String eventId, String format, byte[] payload,
      String publisher, int qos, long receivedAtMillis) {
    this.typeId = typeId;
    this.deviceId = deviceId;
    this.eventId = eventId;
    this.format = format;
    this.payload = payload.clone();
    this.publisher = publisher;
    this.qos = qos;
    this.receivedAtMillis = receivedAtMillis;
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

  /** Returns the payload as UTF-8 text. */
  public String payloadAsString() {
    return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Returns the client id that published it (a gateway for a device behind it). */
  public String publisher() {
    return publisher;
  }

  /** Returns the QoS it was published with. */
  public int qos() {
    return qos;
  }

  /** Returns when the emulator accepted it (epoch milliseconds). */
  public long receivedAtMillis() {
    return receivedAtMillis;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof WatsonEvent e)) {
      return false;
    }
    return qos == e.qos && receivedAtMillis == e.receivedAtMillis && typeId.equals(e.typeId)
        && deviceId.equals(e.deviceId) && eventId.equals(e.eventId) && format.equals(e.format)
        && Arrays.equals(payload, e.payload) && publisher.equals(e.publisher);
  }

  @Override
  public int hashCode() {
    return Objects.hash(typeId, deviceId, eventId, format, Arrays.hashCode(payload), publisher, qos,
        receivedAtMillis);
  }

  @Override
  public String toString() {
    return "WatsonEvent{" + typeId + "/" + deviceId + " " + eventId + " fmt " + format + ", " + payload.length
        + " bytes from " + publisher + ", qos " + qos + "}";
  }
}
