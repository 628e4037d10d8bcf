// A cloud-to-device message queued in the emulator, with its delivery state as the service observes it.
package io.rxiothub.emulator;

import io.reactivex.rxjava3.core.Observable;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A C2D message sent through {@link HubEmulator#sendCloudToDevice}. Its content is immutable; its {@link #state()}
 * moves QUEUED → DELIVERED (published to the device) → COMPLETED (PUBACK received), or to EXPIRED when its time
 * to live passes first. A message delivered but not acknowledged stays DELIVERED across a disconnect of a
 * persistent session (the broker resends it on reconnect); it goes back to QUEUED when a clean session ends or
 * the emulator restarts. IoT Hub's one-minute lock timeout (redelivery on a live connection) is not emulated.
 */
public final class CloudToDeviceMessage {

  /** Delivery states of a C2D message. */
  public enum State {
    /** Waiting for the device to be connected and subscribed. */
    QUEUED,
    /** Published to the device, not acknowledged yet. */
    DELIVERED,
    /** The device acknowledged it (PUBACK). Terminal. */
    COMPLETED,
    /** Its time to live passed before the device acknowledged it. Terminal. */
    EXPIRED
  }

  private final String messageId;
  private final String deviceId;
  private final byte[] payload;
  private final Map<String, @Nullable String> properties;
  private final Instant enqueuedTime;
  private final Instant expiryTime;
  private final Supplier<State> state;
  private final Observable<State> states;

  CloudToDeviceMessage(String messageId, String deviceId, byte[] payload, Map<String, @Nullable String> properties,
      Instant enqueuedTime, Instant expiryTime, Supplier<State> state, Observable<State> states) {
    this.messageId = messageId;
    this.deviceId = deviceId;
    this.payload = payload.clone();
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    this.enqueuedTime = enqueuedTime;
    this.expiryTime = expiryTime;
    this.state = state;
    this.states = states;
  }

  /** The message id ({@code $.mid} on the wire). */
  public String messageId() {
    return messageId;
  }

  /** The target device. */
  public String deviceId() {
    return deviceId;
  }

  /** A copy of the body. */
  public byte[] payload() {
    return payload.clone();
  }

  /** The properties sent in the topic's bag (application and system ones, {@code $.mid} and {@code $.to} included). */
  public Map<String, @Nullable String> properties() {
    return properties;
  }

  /** When it was queued (emulator clock). */
  public Instant enqueuedTime() {
    return enqueuedTime;
  }

  /** When it expires if not completed by then. */
  public Instant expiryTime() {
    return expiryTime;
  }

  /** The current state. */
  public State state() {
    return state.get();
  }

  /**
   * The states: replays the current one, then each change; completes after COMPLETED or EXPIRED. Signals arrive
   * on the emulator's threads, in the order the states changed, and outside its locks: a subscriber may send another
   * C2D message (it goes out after those the emulator is already publishing).
   */
  public Observable<State> states() {
    return states;
  }

  @Override
  public String toString() {
    return "CloudToDeviceMessage{messageId=" + messageId + ", deviceId=" + deviceId + ", payload=" + payload.length
        + " bytes, properties=" + properties + ", state=" + state() + "}";
  }
}
