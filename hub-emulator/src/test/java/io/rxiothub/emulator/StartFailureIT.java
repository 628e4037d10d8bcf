// A port that cannot be bound fails start() with IllegalStateException naming the port, and leaves nothing bound.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class StartFailureIT {

  @Test
  void portInUseFailsWithIllegalStateExceptionAndReleasesTheListenersAlreadyBound() throws Exception {
    int mqttPort = freePort();
    int webSocketPort = freePort();
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      // The plain listener is bound last, after MQTT/TLS and MQTT/WSS succeeded.
      HubEmulator hub = HubEmulator.builder().mqttPort(mqttPort).webSocketPort(webSocketPort)
          .plainTcpPort(taken.getLocalPort()).build();
      try {
        assertThatThrownBy(hub::start)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("MQTT/TCP")
            .hasMessageContaining(":" + taken.getLocalPort())
            .hasMessageContaining("0 for a free one");
      } finally {
        hub.close();
      }
    }
    try (HubEmulator other = HubEmulator.builder().mqttPort(mqttPort).webSocketPort(webSocketPort).build().start()) {
      assertThat(other.mqttPort()).isEqualTo(mqttPort);
      assertThat(other.webSocketPort()).isEqualTo(webSocketPort);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      return probe.getLocalPort();
    }
  }
}
