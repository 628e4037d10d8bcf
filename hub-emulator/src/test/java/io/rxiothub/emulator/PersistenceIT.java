// A data dir keeps registry, twins, queued C2D, registered CAs and the TLS CA across emulator runs, and imports the
// state file of emulators before the database; the extension isolates per test.
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

  private static final X509TestCertificates CA = X509TestCertificates.selfSigned("persisted-ca", true);

  @RegisterExtension
  final HubEmulatorExtension perTest = new HubEmulatorExtension();

  @Test
  void dataDirKeepsRegistryTwinsQueuedC2dAndCaAcrossRuns(@TempDir Path dataDir) throws Exception {
    DeviceIdentity created;
    String caPem;
    try (HubEmulator first = HubEmulator.builder().mqttPort(0).webSocketPort(-1).dataDir(dataDir).build().start()) {
      created = first.registry().createDevice("kept-dev");
      first.registry().createModule("kept-dev", "kept-mod");
      first.registry().createDevice("gone-dev");
      first.registry().createDevice("off-dev");
      first.registry().setEnabled("off-dev", false);
      first.registry().delete("gone-dev");
      first.registry().addCertificateAuthority(CA.certificate());
      first.updateDesired("kept-dev", "{\"mode\":\"eco\"}").blockingGet();
      first.updateDesired("kept-dev", "kept-mod", "{\"level\":2}").blockingGet();
      first.updateTags("kept-dev", "{\"floor\":3}").blockingGet();
      first.sendCloudToDevice("kept-dev", "queued".getBytes(StandardCharsets.UTF_8), Map.of("k", "v")).blockingGet();
      caPem = first.caCertificatePem();
      assertThat(first.webSocketPort()).isEqualTo(-1);
    }
    assertThat(dataDir.resolve("hub-emulator-db/CURRENT")).as("the registry lives in the data dir's database")
        .exists();
    assertThat(dataDir.resolve("hub-emulator-state.json")).doesNotExist();

    try (HubEmulator second = HubEmulator.builder().mqttPort(0).webSocketPort(-1).dataDir(dataDir).build().start()) {
      assertThat(second.registry().get("kept-dev")).contains(created);
      assertThat(second.registry().get("kept-dev", "kept-mod")).isPresent();
      assertThat(second.registry().list()).extracting(DeviceIdentity::clientId)
          .as("in creation order, the deleted one gone").containsExactly("kept-dev", "kept-dev/kept-mod", "off-dev");
      assertThat(second.registry().get("off-dev").orElseThrow().enabled()).isFalse();
      assertThat(second.registry().certificateAuthorities()).containsExactly(CA.certificate());
      assertThat(second.twin("kept-dev").blockingGet()).contains("\"floor\":3");
      assertThat(second.twin("kept-dev", "kept-mod").blockingGet()).contains("\"level\":2");
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
  void anOldStateFileIsImportedOnceAndRenamed(@TempDir Path dataDir) throws Exception {
    // hub-emulator-state.json as the emulator wrote it before its database (keys are test values).
    String key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    Files.writeString(dataDir.resolve("hub-emulator-state.json"), "{\"policies\":{\"iothubowner\":\"" + key
        + "\"},\"identities\":[{\"deviceId\":\"old-dev\",\"moduleId\":null,\"primaryKey\":\"" + key
        + "\",\"secondaryKey\":\"" + key + "\",\"enabled\":true},{\"deviceId\":\"old-dev\",\"moduleId\":\"m1\","
        + "\"primaryKey\":\"" + key + "\",\"secondaryKey\":\"" + key + "\",\"enabled\":false}],"
        + "\"twins\":{\"old-dev\":{\"deviceId\":\"old-dev\",\"version\":4,\"tags\":{\"site\":\"a\"},"
        + "\"properties\":{\"desired\":{\"fan\":1,\"$version\":3},\"reported\":{\"$version\":1}}}},"
        + "\"c2d\":[{\"messageId\":\"m-1\",\"deviceId\":\"old-dev\",\"payload\":\"aGk=\",\"properties\":"
        + "{\"$.mid\":\"m-1\"},\"enqueuedTime\":\"2026-01-01T00:00:00Z\",\"expiryTime\":\"2099-01-01T00:00:00Z\"}]}");
    try (HubEmulator hub = HubEmulator.builder().mqttPort(0).webSocketPort(-1).dataDir(dataDir).build()) {
      assertThat(hub.registry().policyKey("iothubowner")).contains(key);
      assertThat(hub.registry().get("old-dev", "m1").orElseThrow().enabled()).isFalse();
      assertThat(hub.twin("old-dev").blockingGet()).contains("\"site\":\"a\"").contains("\"fan\":1");
    }
    assertThat(dataDir.resolve("hub-emulator-state.json")).doesNotExist();
    assertThat(dataDir.resolve("hub-emulator-state.json.imported")).exists();
    try (HubEmulator hub = HubEmulator.builder().mqttPort(0).webSocketPort(-1).dataDir(dataDir).build().start()) {
      assertThat(hub.registry().list()).extracting(DeviceIdentity::clientId).containsExactly("old-dev", "old-dev/m1");
      assertThat(hub.twin("old-dev").blockingGet()).as("from the database now").contains("\"$version\":3");
      DeviceIdentity device = hub.registry().get("old-dev").orElseThrow();
      Mqtt3BlockingClient client = RawDevice.client(hub, device);
      try (Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(client)) {
        RawDevice.connect(client, hub, device);
        client.subscribeWith().topicFilter("devices/old-dev/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE)
            .send();
        assertThat(new String(RawDevice.receive(publishes).getPayloadAsBytes(), StandardCharsets.UTF_8))
            .as("the queued C2D message of the old file").isEqualTo("hi");
      }
      client.disconnect();
    }
  }

  @Test
  void aSecondEmulatorOnTheSameDataDirIsRefusedWithAClearMessage(@TempDir Path dataDir) {
    try (HubEmulator first = HubEmulator.builder().mqttPort(0).webSocketPort(-1).dataDir(dataDir).build()) {
      assertThatThrownBy(() -> HubEmulator.builder().mqttPort(0).webSocketPort(-1).dataDir(dataDir).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("another emulator");
      assertThat(first.registry().policies()).isNotEmpty();
    }
  }

  @Test
  void aChangeAfterCloseFailsInsteadOfReachingTheClosedDatabase(@TempDir Path dataDir) {
    HubEmulator hub = HubEmulator.builder().mqttPort(0).webSocketPort(-1).dataDir(dataDir).build();
    hub.registry().createDevice("before-close");
    hub.close();

    assertThatThrownBy(() -> hub.registry().createDevice("after-close")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was not saved");
    try (HubEmulator reopened = HubEmulator.builder().mqttPort(0).webSocketPort(-1).dataDir(dataDir).build()) {
      assertThat(reopened.registry().get("before-close")).isPresent();
      assertThat(reopened.registry().get("after-close")).isEmpty();
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
