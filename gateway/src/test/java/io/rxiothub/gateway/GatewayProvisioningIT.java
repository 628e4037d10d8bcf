// Leaves unknown to the configuration, provisioned on first sight through the hub emulator's DPS (a symmetric-key
// enrollment group): our DeviceClient over TLS and a raw HiveMQ MQTT 3 client over the plain listener as leaves;
// the assignment kept across a restart, DPS refusals answered "server unavailable", bad tokens never reach DPS
// (protocol.md §18.5).
package io.rxiothub.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.emulator.dps.DpsEndpoint;
import io.rxiothub.emulator.dps.Enrollment;
import io.rxiothub.gateway.internal.ProvisionedLeaves;
import io.rxiothub.sas.DpsKeys;
import io.rxiothub.sas.MessageTopic;
import io.rxiothub.sas.SasToken;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayProvisioningIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static DpsEndpoint dps;

  private String group;
  private String groupKey;
  private Gateway gateway;

  @BeforeAll
  static void startDps() {
    dps = HUB.hub().dps().retryAfterSeconds(0).start("127.0.0.1", 0, 0);
  }

  @BeforeEach
  void enrollmentGroup() {
    group = "gw-fleet-" + Long.toString(System.nanoTime(), 36);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    groupKey = Base64.getEncoder().encodeToString(key);
    dps.addEnrollment(Enrollment.group(group).primaryKey(groupKey).build());
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private GatewayConfig.Builder config(HubEmulator hub) {
    return GatewayConfig.builder()
        .tlsPort(0)
        .mqttPort(0)
        .hub(hub.hostName(), hub.mqttPort())
        .hubCaFile(hub.caFile())
        .shutdownDrainMillis(500)
        .provisioning(LeafProvisioning.builder().idScope(dps.idScope()).endpoint("localhost", dps.mqttPort())
            .caFile(hub.caFile()).groupKey(groupKey).build());
  }

  private static String id(String prefix) {
    return prefix + "-" + Long.toString(System.nanoTime(), 36);
  }

  /** A leaf's SAS token as an SDK makes it from a key: audience the hub's host name and the leaf's device id. */
  private static String token(HubEmulator hub, String deviceId, String key) {
    return SasToken.generate(hub.hostName() + "/devices/" + deviceId, key,
        System.currentTimeMillis() / 1000 + 3600, null).format();
  }

  /** A raw MQTT 3.1.1 leaf on the gateway's plain listener, as mosquitto would connect. */
  private Mqtt3BlockingClient plainLeaf(String deviceId) {
    return MqttClient.builder().useMqttVersion3().identifier(deviceId)
        .serverHost("127.0.0.1").serverPort(gateway.mqttPort()).buildBlocking();
  }

  private void connect(Mqtt3BlockingClient leaf, HubEmulator hub, String deviceId, String key) {
    leaf.connectWith().cleanSession(true)
        .simpleAuth().username(hub.hostName() + "/" + deviceId + "/?api-version=2021-04-12")
        .password(token(hub, deviceId, key).getBytes(UTF_8)).applySimpleAuth()
        .send();
  }

  private static void publish(Mqtt3BlockingClient leaf, String deviceId, String messageId) {
    leaf.publishWith()
        .topic(MessageTopic.of(MessageTopic.Kind.TELEMETRY, deviceId, null, Map.of("$.mid", messageId)).format())
        .qos(MqttQos.AT_LEAST_ONCE).payload(messageId.getBytes(UTF_8)).send();
  }

  private static List<String> ids(HubEmulator hub, String deviceId) {
    return hub.telemetry(deviceId).stream().map(TelemetryMessage::systemProperties).map(p -> p.get("$.mid"))
        .toList();
  }

  @Test
  void aLeafOfTheGroupIsProvisionedOnFirstSightAndItsTelemetryArrivesInOrder(HubEmulator hub) throws Exception {
    gateway = Gateway.start(config(hub).build());
    String deviceId = id("dps-leaf");
    String derived = DpsKeys.deriveDeviceKey(groupKey, deviceId);
    X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(gateway.caCertificatePem().getBytes(UTF_8)));
    DeviceClient leaf = DeviceClient.builder()
        .connectionString("HostName=" + hub.hostName() + ";DeviceId=" + deviceId + ";SharedAccessKey=" + derived
            + ";GatewayHostName=localhost")
        .port(gateway.tlsPort()).trustedCertificates(ca).build();
    try {
      leaf.connect().blockingAwait(60, TimeUnit.SECONDS);
      assertThat(hub.registry().get(deviceId)).hasValueSatisfying(d ->
          assertThat(d.primaryKey()).isEqualTo(derived));
      assertThat(dps.registrations()).anySatisfy(r -> assertThat(r.registrationId()).isEqualTo(deviceId));
      for (int i = 0; i < 5; i++) {
        leaf.send(Message.builder().payload(new byte[] {(byte) i}).messageId("d-" + i).build())
            .blockingAwait(30, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> hub.telemetry(deviceId).size() >= 5);
      assertThat(ids(hub, deviceId)).containsExactlyElementsOf(IntStream.range(0, 5).mapToObj(i -> "d-" + i)
          .toList());
    } finally {
      leaf.close();
    }
  }

  @Test
  void aRestartUsesTheKeptAssignmentAndAsksDpsNothing(HubEmulator hub, @TempDir Path dir) throws Exception {
    gateway = Gateway.start(config(hub).dataDirectory(dir).build());
    String deviceId = id("kept");
    String derived = DpsKeys.deriveDeviceKey(groupKey, deviceId);
    Mqtt3BlockingClient leaf = plainLeaf(deviceId);
    connect(leaf, hub, deviceId, derived);
    publish(leaf, deviceId, "k-0");
    leaf.disconnect();
    await().atMost(Duration.ofSeconds(30)).until(() -> hub.telemetry(deviceId).size() == 1);
    assertThat(Files.readString(dir.resolve(ProvisionedLeaves.FILE_NAME), UTF_8)).contains(deviceId)
        .doesNotContain(derived).doesNotContain(groupKey);
    gateway.close();
    // A gateway that asked DPS again would now be refused: the group is disabled.
    dps.setEnabled(Enrollment.Kind.GROUP, group, false);

    gateway = Gateway.start(config(hub).dataDirectory(dir).build());
    leaf = plainLeaf(deviceId);
    connect(leaf, hub, deviceId, derived);
    publish(leaf, deviceId, "k-1");
    leaf.disconnect();

    await().atMost(Duration.ofSeconds(30)).until(() -> hub.telemetry(deviceId).size() == 2);
    assertThat(ids(hub, deviceId)).containsExactly("k-0", "k-1");
  }

  @Test
  void whileDpsRefusesTheLeafIsAnsweredServerUnavailableAndItsRetryIsAcceptedOnceDpsAssigns(HubEmulator hub) {
    gateway = Gateway.start(config(hub).build());
    dps.setEnabled(Enrollment.Kind.GROUP, group, false);
    String deviceId = id("later");
    String derived = DpsKeys.deriveDeviceKey(groupKey, deviceId);

    Mqtt3BlockingClient first = plainLeaf(deviceId);
    assertThatThrownBy(() -> connect(first, hub, deviceId, derived))
        .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e ->
            assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE));

    dps.setEnabled(Enrollment.Kind.GROUP, group, true);
    Mqtt3BlockingClient retry = plainLeaf(deviceId);
    connect(retry, hub, deviceId, derived);
    publish(retry, deviceId, "l-0");
    retry.disconnect();
    await().atMost(Duration.ofSeconds(30)).until(() -> ids(hub, deviceId).equals(List.of("l-0")));
  }

  @Test
  void aTokenNotSignedWithTheDerivedKeyIsRefusedWithoutAskingDps(HubEmulator hub) {
    gateway = Gateway.start(config(hub).build());
    String deviceId = id("forger");
    String wrong = DpsKeys.deriveDeviceKey(groupKey, deviceId + "-other");

    Mqtt3BlockingClient leaf = plainLeaf(deviceId);
    assertThatThrownBy(() -> connect(leaf, hub, deviceId, wrong))
        .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
            .isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));
    Mqtt3BlockingClient upper = plainLeaf("Upper-Case");
    assertThatThrownBy(() -> connect(upper, hub, "Upper-Case", DpsKeys.deriveDeviceKey(groupKey, "Upper-Case")))
        .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
            .isEqualTo(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED));
    assertThat(dps.registrations()).noneSatisfy(r -> assertThat(r.registrationId()).isIn(deviceId, "Upper-Case"));
  }
}
