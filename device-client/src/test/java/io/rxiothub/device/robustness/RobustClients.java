// Builds clients against the hub emulator for the robustness tests.
package io.rxiothub.device.robustness;

import io.rxiothub.device.DeviceClient;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import java.util.concurrent.atomic.AtomicInteger;

final class RobustClients {

  private static final AtomicInteger IDS = new AtomicInteger();

  private RobustClients() {}

  static String newId(String prefix) {
    return prefix + "-" + IDS.incrementAndGet();
  }

  /** A device client for {@code id} on the hub's MQTT/TLS port (or {@code port}), quick backoff. */
  static DeviceClient.Builder device(HubEmulator hub, DeviceIdentity id, int port) {
    return DeviceClient.builder()
        .connectionString(id.connectionString())
        .port(port)
        .trustStore(hub.trustStore())
        .reconnectBackoff(20, 200);
  }

  static DeviceClient.Builder device(HubEmulator hub, DeviceIdentity id) {
    return device(hub, id, hub.mqttPort());
  }
}
