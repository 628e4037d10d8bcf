// The MQTT Will option (protocol.md §17.1): the hub emulator delivers it as telemetry with iothub-MessageType=Will
// when the connection is lost, never after disconnect(); the builder's rules for it. Over MQTT/TLS on loopback.
package io.rxiothub.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.testing.NoLeaksExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(NoLeaksExtension.class)
@Timeout(60)
class WillIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static final Message WILL = Message.builder().payload("{\"online\":false}".getBytes(StandardCharsets.UTF_8))
      .contentType("application/json").contentEncoding("utf-8").componentName("status")
      .property("reason", "connection lost").build();

  @Test
  void theHubSendsTheWillAsTelemetryWhenTheConnectionIsLostButNotAfterDisconnect() {
    DeviceIdentity id = HUB.createDevice("will-1");
    DeviceClient client = DeviceClient.builder().connectionString(id.connectionString()).port(HUB.hub().mqttPort())
        .trustStore(HUB.hub().trustStore()).reconnectBackoff(50, 500).will(WILL).build();
    try {
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      HUB.hub().dropConnection("will-1");
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().telemetry("will-1").size() == 1);
      TelemetryMessage will = HUB.hub().telemetry("will-1").get(0);
      assertThat(will.payloadAsString()).isEqualTo("{\"online\":false}");
      assertThat(will.applicationProperties()).containsEntry("iothub-MessageType", "Will")
          .containsEntry("reason", "connection lost").doesNotContainKey("mqtt-retain");
      assertThat(will.systemProperties()).containsEntry("$.ct", "application/json").containsEntry("$.sub", "status");

      // The client reconnects with the same Will; a clean disconnect sends DISCONNECT, so no second Will.
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().isConnected("will-1"));
      client.disconnect().blockingAwait(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> !HUB.hub().isConnected("will-1"));
      assertThat(HUB.hub().telemetry("will-1")).hasSize(1);
    } finally {
      client.close();
    }
  }

  @Test
  void aModuleWillIsTelemetryOfTheModule() {
    HUB.createDevice("will-2");
    DeviceIdentity id = HUB.createModule("will-2", "watchdog");
    ModuleClient client = ModuleClient.builder().connectionString(id.connectionString()).port(HUB.hub().mqttPort())
        .trustStore(HUB.hub().trustStore()).reconnectBackoff(50, 500)
        .will(Message.builder().payload(new byte[] {1, 2}).atMostOnce(true).build()).build();
    try {
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      HUB.hub().dropConnection("will-2", "watchdog");
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().telemetry("will-2", "watchdog").size() == 1);
      TelemetryMessage will = HUB.hub().telemetry("will-2", "watchdog").get(0);
      assertThat(will.payload()).containsExactly(1, 2);
      assertThat(will.moduleId()).isEqualTo("watchdog");
      assertThat(will.applicationProperties()).containsEntry("iothub-MessageType", "Will");
    } finally {
      client.close();
    }
  }

  @Test
  void aWillWithAnExpiryIsRefusedAtOnce() {
    assertThatIllegalArgumentException().isThrownBy(() -> DeviceClient.builder()
        .will(Message.builder().payload(new byte[0]).expiryEpochMillis(1L).build()))
        .withMessageContaining("will must not set expiryEpochMillis");
  }

  @Test
  void aWillOverTheHubsSizeLimitFailsTheBuild() {
    DeviceIdentity id = HUB.createDevice("will-3");
    assertThatIllegalStateException().isThrownBy(() -> DeviceClient.builder().connectionString(id.connectionString())
        .will(Message.builder().payload(new byte[256 * 1024 + 1]).build()).build())
        .withMessageStartingWith("will: message is").withMessageContaining("at most 262144");
  }
}
