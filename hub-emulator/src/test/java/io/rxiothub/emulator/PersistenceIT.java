// A data dir keeps registry, twins, queued C2D and the CA across emulator runs; the extension isolates per test.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PersistenceIT {

  @RegisterExtension
  final HubEmulatorExtension perTest = new HubEmulatorExtension();

  @Test
  void dataDirKeepsRegistryTwinsQueuedC2dAndCaAcrossRuns(@TempDir Path dataDir) throws Exception {
    DeviceIdentity created;
    String caPem;
    try (HubEmulator first = HubEmulator.builder().mqttPort(0).webSocketPort(-1).dataDir(dataDir).build().start()) {
      created = first.registry().createDevice("kept-dev");
      first.registry().createModule("kept-dev", "kept-mod");
      first.updateDesired("kept-dev", "{\"mode\":\"eco\"}").blockingGet();
      first.sendCloudToDevice("kept-dev", "queued".getBytes(StandardCharsets.UTF_8), Map.of("k", "v")).blockingGet();
      caPem = first.caCertificatePem();
      assertThat(first.webSocketPort()).isEqualTo(-1);
    }
    assertThat(Files.readString(dataDir.resolve("hub-emulator-state.json"))).contains("kept-dev");

    try (HubEmulator second = HubEmulator.builder().mqttPort(0).webSocketPort(-1).dataDir(dataDir).build().start()) {
      assertThat(second.registry().get("kept-dev")).contains(created);
      assertThat(second.registry().get("kept-dev", "kept-mod")).isPresent();
      assertThat(second.caCertificatePem()).isEqualTo(caPem);
      assertThat(second.twin("kept-dev").blockingGet()).contains("\"mode\":\"eco\"");
      Mqtt3BlockingClient client = RawDevice.client(second, created);
      try (Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(client)) {
        assertThat(RawDevice.connect(client, second, created).getReturnCode())
            .isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
        client.subscribeWith().topicFilter("devices/kept-dev/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE)
            .send();
        var received = RawDevice.receive(publishes);
        assertThat(new String(received.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("queued");
        assertThat(received.getTopic().toString()).contains("k=v");
      }
      client.disconnect();
    }
  }

  @Test
  void perTestExtensionGivesAFreshHub(HubEmulator hub) {
    assertThat(hub).isSameAs(perTest.hub());
    assertThat(hub.registry().list()).isEmpty();
    perTest.createDevice("fresh");
    assertThat(hub.mqttPort()).isPositive();
    assertThat(hub.caFile()).exists();
  }

  @Test
  void perTestExtensionGivesAnotherFreshHub(HubEmulator hub) {
    assertThat(hub.registry().list()).isEmpty();
  }

  @Test
  void builderRejectsBadValuesNamingTheField() {
    assertThatThrownBy(() -> HubEmulator.builder().mqttPort(70000)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mqttPort");
    assertThatThrownBy(() -> HubEmulator.builder().hostName("a/b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hostName");
    assertThatThrownBy(() -> HubEmulator.builder().telemetryRetention(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("telemetryRetention");
    assertThatThrownBy(() -> perTest.hub().registry().createDevice("bad id with spaces"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> perTest.hub().registry().createModule("no-such-device", "m"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    perTest.createDevice("twice");
    assertThatThrownBy(() -> perTest.createDevice("twice")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already exists");
    assertThat(perTest.hub().registry().get("twice").orElseThrow().toString()).doesNotContain(
        perTest.hub().registry().get("twice").orElseThrow().primaryKey());
  }
}
