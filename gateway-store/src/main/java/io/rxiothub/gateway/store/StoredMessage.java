// A message as the store keeps it: the device's message plus the store's sequence and enqueue time (protocol.md §19).
package io.rxiothub.gateway.store;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A message held by a {@link ForwardStore}: the device it came from, the sequence the store gave it (unique in the
 * store, increasing in append order: a device's messages are read back in sequence order), the time it was appended
 * (the store's clock, to the millisecond) and the {@link ForwardMessage} itself. Immutable.
 */
public final class StoredMessage {

  private final long sequence;
  private final String deviceId;
  private final long enqueuedAtMillis;
  private final ForwardMessage message;

  private StoredMessage(long sequence, String deviceId, long enqueuedAtMillis, ForwardMessage message) {
    this.sequence = sequence;
    this.deviceId = deviceId;
    this.enqueuedAtMillis = enqueuedAtMillis;
    this.message = message;
  }

  /**
   * Returns a stored message (stores make these; tests and tools may too).
   *
   * @throws IllegalArgumentException if the sequence is not positive, the device id null or empty, the time or the
   *     message null
   */
  public static StoredMessage of(long sequence, String deviceId, Instant enqueuedAt, ForwardMessage message) {
    if (sequence <= 0) {
      throw new IllegalArgumentException("sequence must be positive, was " + sequence);
    }
    if (deviceId == null || deviceId.isEmpty()) {
      throw new IllegalArgumentException("deviceId must not be null or empty");
    }
    if (enqueuedAt == null) {
      throw new IllegalArgumentException("enqueuedAt must not be null");
    }
    if (message == null) {
      throw new IllegalArgumentException("message must not be null");
    }
    return new StoredMessage(sequence, deviceId, enqueuedAt.toEpochMilli(), message);
  }

  /** Returns the store's sequence number of this message, positive. */
  public long sequence() {
    return sequence;
  }

  /** Returns the id of the device the message came from. */
  public String deviceId() {
    return deviceId;
  }

  /** Returns when the store accepted the message (millisecond precision). */
  public Instant enqueuedAt() {
    return Instant.ofEpochMilli(enqueuedAtMillis);
  }

  /** Returns {@link #enqueuedAt()} in milliseconds since the epoch. */
  public long enqueuedAtMillis() {
    return enqueuedAtMillis;
  }

  /** Returns the message as the device gave it. */
  public ForwardMessage message() {
    return message;
  }

  /** Returns the message id (the message's). */
  public String messageId() {
    return message.messageId();
  }

  /** Returns the properties (the message's). */
  public Map<String, String> properties() {
    return message.properties();
  }

  /** Returns a copy of the payload (the message's). */
  public byte[] payload() {
    return message.payload();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof StoredMessage)) {
      return false;
    }
    StoredMessage m = (StoredMessage) o;
    return sequence == m.sequence && enqueuedAtMillis == m.enqueuedAtMillis && deviceId.equals(m.deviceId)
        && message.equals(m.message);
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(sequence);
    h = 31 * h + deviceId.hashCode();
    h = 31 * h + Long.hashCode(enqueuedAtMillis);
    return 31 * h + message.hashCode();
  }

  @Override
  public String toString() {
    return "StoredMessage{#" + sequence + " " + deviceId + " at " + enqueuedAt() + ", " + message + "}";
  }
}
