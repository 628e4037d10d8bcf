// The plain settings HubEmulator.Builder hands to the runtime.
package io.rxiothub.emulator.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Validated by the builder; ports -1 = off, 0 = ephemeral. */
public record HubSettings(String hostName, List<String> certificateNames, String bindAddress, int mqttPort,
    int webSocketPort, int plainTcpPort, @Nullable Path dataDir, Clock clock, int telemetryRetention,
    @Nullable Path tlsMaterialFile) {

  /** Copies the list of extra certificate names. */
  public HubSettings {
    certificateNames = List.copyOf(certificateNames);
  }
}
