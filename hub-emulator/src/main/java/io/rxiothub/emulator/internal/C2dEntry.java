// One queued cloud-to-device message and its delivery state.
package io.rxiothub.emulator.internal;

import io.reactivex.rxjava3.subjects.ReplaySubject;
import io.reactivex.rxjava3.subjects.Subject;
import io.rxiothub.emulator.CloudToDeviceMessage.State;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/** A C2D message in a device's queue; mutable state is guarded by the {@link Sessions} lock. */
public final class C2dEntry {
  final long sequence;
  final String messageId;
  final Identity target;
  final byte[] payload;
  final Map<String, @Nullable String> properties;
  final Instant enqueuedTime;
  final Instant expiryTime;
  final String topic;
  // Size 1: a late subscriber still sees the terminal state before completion.
  final Subject<State> states = ReplaySubject.<State>createWithSize(1).toSerialized();
  volatile State state = State.QUEUED;
  /** How many times it was handed to the broker for a device; the last one alone may still be published. */
  int deliveries;
  volatile boolean purged;
  @Nullable ScheduledFuture<?> expiryTimer;

  C2dEntry(long sequence, String messageId, Identity target, byte[] payload,
      Map<String, @Nullable String> properties, Instant enqueuedTime, Instant expiryTime) {
    this.sequence = sequence;
    this.messageId = messageId;
    this.target = target;
    this.payload = payload;
    this.properties = properties;
    this.enqueuedTime = enqueuedTime;
    this.expiryTime = expiryTime;
    this.topic = target.deviceboundTopic() + "/" + PropertyBags.encode(properties);
    states.onNext(State.QUEUED);
  }

  /** An entry restored from the data dir, QUEUED. */
  static C2dEntry restored(long sequence, String messageId, String deviceId, byte[] payload,
      Map<String, @Nullable String> properties, Instant enqueuedTime, Instant expiryTime) {
    return new C2dEntry(sequence, messageId, new Identity(deviceId, null), payload, properties, enqueuedTime,
        expiryTime);
  }

  /** Its number among the hub's C2D messages (unique, in order of queueing): its key in the data dir. */
  public long sequence() {
    return sequence;
  }

  /** The message id. */
  public String messageId() {
    return messageId;
  }

  /** The target device id. */
  public String deviceId() {
    return target.deviceId();
  }

  /** The body (not copied). */
  public byte[] payload() {
    return payload;
  }

  /** The properties in the bag. */
  public Map<String, @Nullable String> properties() {
    return properties;
  }

  /** When it was queued. */
  public Instant enqueuedTime() {
    return enqueuedTime;
  }

  /** When it expires. */
  public Instant expiryTime() {
    return expiryTime;
  }

  /** The current state. */
  public State state() {
    return state;
  }

  /** Whether the message left the queue through a purge (its state is then EXPIRED). */
  public boolean purged() {
    return purged;
  }

  /** Replays the current state then each change; completes at a terminal state. */
  public Subject<State> states() {
    return states;
  }

  /**
   * Moves to {@code next} (the caller holds the {@link Sessions} lock) and queues its signal on {@code callOuts}: a
   * subscriber may send another C2D message, which must not happen inside the lock section that changed this one.
   */
  void moveTo(State next, CallOuts callOuts) {
    if (state == State.COMPLETED || state == State.EXPIRED || state == next) {
      return;
    }
    state = next;
    boolean terminal = next == State.COMPLETED || next == State.EXPIRED;
    callOuts.add(() -> {
      states.onNext(next);
      if (terminal) {
        states.onComplete();
      }
    });
  }
}
