// The transport's states as the public ConnectionState of DeviceClient and ModuleClient.
package io.rxiothub.device.internal;

import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.ConnectionState.Reason;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.transport.TransportState;

/** Maps {@link TransportState} to {@link ConnectionState}: the same statuses and reasons, by name. */
public final class ConnectionStates {

  private static final Status[] STATUSES = new Status[TransportState.Status.values().length];
  private static final Reason[] REASONS = new Reason[TransportState.Reason.values().length];

  static {
    for (TransportState.Status s : TransportState.Status.values()) {
      STATUSES[s.ordinal()] = Status.valueOf(s.name());
    }
    for (TransportState.Reason r : TransportState.Reason.values()) {
      REASONS[r.ordinal()] = Reason.valueOf(r.name());
    }
  }

  private ConnectionStates() {}

  /** Returns {@code state} as a {@link ConnectionState}. */
  public static ConnectionState toPublic(TransportState state) {
    return ConnectionState.of(STATUSES[state.status().ordinal()], REASONS[state.reason().ordinal()],
        state.error());
  }
}
