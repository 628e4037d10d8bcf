// One identity's connection state at the hub: its current connection, subscriptions, token timer and the C2D
// messages being delivered on that connection.
package io.rxiothub.emulator.internal;

import io.rxiothub.emulator.CloudToDeviceMessage.State;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/** Mutable; guarded by the lock of the {@link Sessions} that holds it. */
final class Session {
  @Nullable String connectionId;
  boolean connected;
  boolean persistent;
  final Map<String, Integer> subscriptions = new LinkedHashMap<>();
  @Nullable ScheduledFuture<?> tokenExpiry;
  /** C2D handed to the broker, not yet written with a packet id. */
  final Deque<C2dEntry> awaitingPacketId = new ArrayDeque<>();
  /** C2D written to the device, by packet id, waiting for its PUBACK. */
  final Map<Integer, C2dEntry> inflight = new HashMap<>();

  /** Whether this connection is delivering {@code entry} now. */
  boolean isDelivering(C2dEntry entry) {
    return awaitingPacketId.contains(entry) || inflight.containsValue(entry);
  }

  /**
   * The connection's C2D deliveries are void (connection or broker session gone): back to QUEUED, their signals
   * queued on {@code callOuts} for after the lock.
   */
  void requeueC2d(CallOuts callOuts) {
    for (C2dEntry entry : inflight.values()) {
      backToQueue(entry, callOuts);
    }
    for (C2dEntry entry : awaitingPacketId) {
      backToQueue(entry, callOuts);
    }
    inflight.clear();
    awaitingPacketId.clear();
  }

  private static void backToQueue(C2dEntry entry, CallOuts callOuts) {
    if (entry.state == State.DELIVERED) {
      entry.moveTo(State.QUEUED, callOuts);
    }
  }
}
