// X.509 end to end on loopback TLS, against the hub emulator (X509IT uses a bare HiveMQ CE) (protocol.md §15.5): our
// DeviceClient with a client certificate against the hub emulator (self-signed thumbprint, CA-signed chain, refusals
// with CONNACK 5; MQTT and MQTT over WebSocket), and our ProvisioningClient with a client certificate against the
// emulator's DPS (individual enrollment by certificate, group by intermediate CA, over MQTT and WebSocket), then
// connecting to the assigned hub with the same certificate.
package io.rxiothub.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rxiothub.emulator.AuthenticationType;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.dps.DpsEndpoint;
import io.rxiothub.emulator.dps.Enrollment;
import io.rxiothub.provisioning.ProvisioningFailure.Reason;
import io.rxiothub.provisioning.Registration;
import io.rxiothub.testing.NoLeaksExtension;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(NoLeaksExtension.class)
@Timeout(60)
class X509EmulatorIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static KeyPair rootKeys;
  private static X509Certificate root;
  private static KeyPair intermediateKeys;
  private static X509Certificate intermediate;
  private static DpsEndpoint dps;

  @BeforeAll
  static void pki() throws Exception {
    rootKeys = TestCertificates.keys();
    root = TestCertificates.certificate("CN=X509IT Root", rootKeys, "CN=X509IT Root", rootKeys, true);
    intermediateKeys = TestCertificates.keys();
    intermediate = TestCertificates.certificate("CN=X509IT Intermediate", intermediateKeys, "CN=X509IT Root",
        rootKeys, true);
    dps = HUB.hub().dps().retryAfterSeconds(0)
        .addEnrollment(Enrollment.group("x509-fleet").x509CaCertificates(intermediate, null)
            .initialTags("{\"site\":\"lab\"}").build())
        .start("127.0.0.1", 0, 0);
  }

  private static String sha256(X509Certificate certificate) throws Exception {
    StringBuilder hex = new StringBuilder();
    for (byte b : MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }

  private static DeviceClient.Builder device(String connectionString) {
    HubEmulator hub = HUB.hub();
    return DeviceClient.builder().connectionString(connectionString).port(hub.mqttPort())
        .trustStore(hub.trustStore()).reconnectBackoff(50, 500);
  }

  private static void connectAndSend(DeviceClient client, String deviceId) {
    try {
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      client.send(Message.builder().payload("{\"x509\":1}".getBytes(StandardCharsets.UTF_8)).build())
          .blockingAwait(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().telemetry(deviceId).size() == 1);
    } finally {
      client.close();
    }
  }

  private static ProvisioningClient.Builder provisioning(String registrationId) {
    return ProvisioningClient.builder().globalEndpoint("localhost").port(dps.mqttPort()).idScope(dps.idScope())
        .registrationId(registrationId).trustStore(HUB.hub().trustStore()).timeoutMillis(20_000);
  }

  @Test
  void aSelfSignedDeviceConnectsWithItsCertificateAndNoPassword() throws Exception {
    KeyPair keys = TestCertificates.keys();
    X509Certificate cert = TestCertificates.certificate("CN=thermo-x1", keys, "CN=thermo-x1", keys, false);
    DeviceIdentity identity = HUB.hub().registry().createSelfSignedDevice("thermo-x1", sha256(cert), null);
    assertThat(identity.connectionString()).endsWith(";x509=true");
    connectAndSend(device(identity.connectionString()).clientCertificate(keys.getPrivate(), cert).build(),
        "thermo-x1");
  }

  @Test
  void aSelfSignedDeviceConnectsWithItsCertificateOverWebSocket() throws Exception {
    KeyPair keys = TestCertificates.keys();
    X509Certificate cert = TestCertificates.certificate("CN=thermo-ws", keys, "CN=thermo-ws", keys, false);
    DeviceIdentity identity = HUB.hub().registry().createSelfSignedDevice("thermo-ws", sha256(cert), null);
    connectAndSend(device(identity.connectionString()).transport(Transport.MQTT_WS).port(HUB.hub().webSocketPort())
        .clientCertificate(keys.getPrivate(), cert).build(), "thermo-ws");
  }

  @Test
  void overWebSocketAnotherCertificateIsRefusedWithConnack5() throws Exception {
    KeyPair keys = TestCertificates.keys();
    X509Certificate enrolled = TestCertificates.certificate("CN=thermo-ws2", keys, "CN=thermo-ws2", keys, false);
    DeviceIdentity identity = HUB.hub().registry().createSelfSignedDevice("thermo-ws2", sha256(enrolled), null);
    KeyPair otherKeys = TestCertificates.keys();
    X509Certificate other = TestCertificates.certificate("CN=thermo-ws2", otherKeys, "CN=thermo-ws2", otherKeys,
        false);
    DeviceClient client = device(identity.connectionString()).transport(Transport.MQTT_WS)
        .port(HUB.hub().webSocketPort()).clientCertificate(otherKeys.getPrivate(), other).build();
    try {
      assertThatThrownBy(() -> client.connect().blockingAwait(20, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(IotHubConnectionRefusedException.class,
              e -> assertThat(e.returnCode()).isEqualTo(5));
    } finally {
      client.close();
    }
  }

  @Test
  void aGroupX509EnrollmentProvisionsOverWebSocketAndTheDeviceConnectsOverWebSocket() throws Exception {
    KeyPair keys = TestCertificates.keys();
    X509Certificate leaf = TestCertificates.certificate("CN=fleet-ws-1", keys, "CN=X509IT Intermediate",
        intermediateKeys, false);
    ProvisioningClient client = provisioning("fleet-ws-1").transport(Transport.MQTT_WS).port(dps.webSocketPort())
        .clientCertificate(keys.getPrivate(), leaf, intermediate).build();
    Registration registration = client.register().blockingGet();
    assertThat(registration.deviceId()).isEqualTo("fleet-ws-1");
    assertThat(HUB.hub().registry().get("fleet-ws-1")).hasValueSatisfying(d ->
        assertThat(d.authenticationType()).isEqualTo(AuthenticationType.CERTIFICATE_AUTHORITY));
    connectAndSend(client.deviceClientBuilder(registration).port(HUB.hub().webSocketPort()).build(), "fleet-ws-1");
  }

  @Test
  void aSelfSignedModuleAndACaSignedModuleWithCnDeviceSlashModuleConnectAndSend() throws Exception {
    HUB.hub().registry().addCertificateAuthority(root);
    HUB.hub().registry().createDevice("edge-x1");
    KeyPair selfKeys = TestCertificates.keys();
    X509Certificate self = TestCertificates.certificate("CN=edge-x1-self", selfKeys, "CN=edge-x1-self", selfKeys,
        false);
    DeviceIdentity selfSigned = HUB.hub().registry().createSelfSignedModule("edge-x1", "self", sha256(self), null);
    assertThat(selfSigned.connectionString()).endsWith(";ModuleId=self;x509=true");
    KeyPair caKeys = TestCertificates.keys();
    X509Certificate leaf = TestCertificates.certificate("CN=edge-x1/ca", caKeys, "CN=X509IT Intermediate",
        intermediateKeys, false);
    DeviceIdentity caSigned = HUB.hub().registry().createCaSignedModule("edge-x1", "ca");
    assertThat(caSigned.authenticationType()).isEqualTo(AuthenticationType.CERTIFICATE_AUTHORITY);
    connectAndSendAsModule(module(selfSigned.connectionString()).clientCertificate(selfKeys.getPrivate(), self)
        .build(), "edge-x1", "self");
    connectAndSendAsModule(module(caSigned.connectionString()).clientCertificate(caKeys.getPrivate(), leaf,
        intermediate).build(), "edge-x1", "ca");
  }

  @Test
  void aCaSignedModuleWhoseCnIsTheDeviceIdAloneIsRefusedWithConnack5() throws Exception {
    HUB.hub().registry().addCertificateAuthority(root);
    HUB.hub().registry().createDevice("edge-x2");
    DeviceIdentity caSigned = HUB.hub().registry().createCaSignedModule("edge-x2", "ca");
    KeyPair keys = TestCertificates.keys();
    X509Certificate deviceCn = TestCertificates.certificate("CN=edge-x2", keys, "CN=X509IT Intermediate",
        intermediateKeys, false);
    ModuleClient client = module(caSigned.connectionString()).clientCertificate(keys.getPrivate(), deviceCn,
        intermediate).build();
    try {
      assertThatThrownBy(() -> client.connect().blockingAwait(20, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(IotHubConnectionRefusedException.class,
              e -> assertThat(e.returnCode()).isEqualTo(5));
    } finally {
      client.close();
    }
  }

  private static ModuleClient.Builder module(String connectionString) {
    HubEmulator hub = HUB.hub();
    return ModuleClient.builder().connectionString(connectionString).port(hub.mqttPort())
        .trustStore(hub.trustStore()).reconnectBackoff(50, 500);
  }

  private static void connectAndSendAsModule(ModuleClient client, String deviceId, String moduleId) {
    try {
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      client.send(Message.builder().payload("{\"x509\":2}".getBytes(StandardCharsets.UTF_8)).build())
          .blockingAwait(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().telemetry(deviceId, moduleId).size() == 1);
    } finally {
      client.close();
    }
  }

  @Test
  void anotherCertificateIsRefusedWithConnack5AndNotRetried() throws Exception {
    KeyPair keys = TestCertificates.keys();
    X509Certificate enrolled = TestCertificates.certificate("CN=thermo-x2", keys, "CN=thermo-x2", keys, false);
    DeviceIdentity identity = HUB.hub().registry().createSelfSignedDevice("thermo-x2", sha256(enrolled), null);
    KeyPair otherKeys = TestCertificates.keys();
    X509Certificate other = TestCertificates.certificate("CN=thermo-x2", otherKeys, "CN=thermo-x2", otherKeys,
        false);
    DeviceClient client = device(identity.connectionString()).clientCertificate(otherKeys.getPrivate(), other)
        .build();
    try {
      assertThatThrownBy(() -> client.connect().blockingAwait(20, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(IotHubConnectionRefusedException.class, e -> {
            assertThat(e.returnCode()).isEqualTo(5);
            assertThat(e.isRetryable()).isFalse();
          });
    } finally {
      client.close();
    }
  }

  @Test
  void aCaSignedDeviceConnectsWithItsChainToARegisteredCa() throws Exception {
    HUB.hub().registry().addCertificateAuthority(root);
    DeviceIdentity identity = HUB.hub().registry().createCaSignedDevice("ca-dev-1");
    assertThat(identity.authenticationType()).isEqualTo(AuthenticationType.CERTIFICATE_AUTHORITY);
    KeyPair keys = TestCertificates.keys();
    X509Certificate leaf = TestCertificates.certificate("CN=ca-dev-1", keys, "CN=X509IT Intermediate",
        intermediateKeys, false);
    connectAndSend(device(identity.connectionString()).clientCertificate(keys.getPrivate(), leaf, intermediate)
        .build(), "ca-dev-1");
  }

  @Test
  void aSasConnectionStringForAnX509DeviceIsRefused() throws Exception {
    DeviceIdentity identity = HUB.hub().registry().createCaSignedDevice("ca-dev-sas");
    DeviceClient client = device("HostName=" + identity.hostName() + ";DeviceId=ca-dev-sas;SharedAccessKey="
        + identity.primaryKey()).build();
    try {
      assertThatThrownBy(() -> client.connect().blockingAwait(20, TimeUnit.SECONDS))
          .isInstanceOf(IotHubConnectionRefusedException.class);
    } finally {
      client.close();
    }
  }

  @Test
  void anIndividualX509EnrollmentProvisionsASelfSignedDeviceThatConnectsWithTheSameCertificate() throws Exception {
    KeyPair keys = TestCertificates.keys();
    X509Certificate cert = TestCertificates.certificate("CN=solo-x509", keys, "CN=solo-x509", keys, false);
    dps.addEnrollment(Enrollment.individual("solo-x509").x509Certificate(cert).build());
    ProvisioningClient client = provisioning("solo-x509").clientCertificate(keys.getPrivate(), cert).build();
    Registration registration = client.register().blockingGet();
    assertThat(registration.deviceId()).isEqualTo("solo-x509");
    assertThat(HUB.hub().registry().get("solo-x509")).hasValueSatisfying(d -> {
      assertThat(d.authenticationType()).isEqualTo(AuthenticationType.SELF_SIGNED);
      assertThat(d.primaryThumbprint()).isEqualToIgnoringCase(sha256Unchecked(cert));
    });
    connectAndSend(client.deviceClientBuilder(registration).port(HUB.hub().mqttPort()).build(), "solo-x509");
  }

  @Test
  void aGroupX509EnrollmentByIntermediateProvisionsACaSignedDeviceWithTheInitialTwin() throws Exception {
    KeyPair keys = TestCertificates.keys();
    X509Certificate leaf = TestCertificates.certificate("CN=fleet-x-1", keys, "CN=X509IT Intermediate",
        intermediateKeys, false);
    ProvisioningClient client = provisioning("fleet-x-1").clientCertificate(keys.getPrivate(), leaf, intermediate)
        .build();
    Registration registration = client.register().blockingGet();
    assertThat(registration.assignedHub()).isEqualTo(HUB.hub().hostName());
    assertThat(HUB.hub().registry().get("fleet-x-1")).hasValueSatisfying(d ->
        assertThat(d.authenticationType()).isEqualTo(AuthenticationType.CERTIFICATE_AUTHORITY));
    assertThat(HUB.hub().twin("fleet-x-1").blockingGet()).contains("\"site\":\"lab\"");
    connectAndSend(client.deviceClientBuilder(registration).port(HUB.hub().mqttPort()).build(), "fleet-x-1");
  }

  @Test
  void anUnenrolledCertificateOrACnOtherThanTheRegistrationIdIsUnauthorized() throws Exception {
    KeyPair strangerKeys = TestCertificates.keys();
    X509Certificate stranger = TestCertificates.certificate("CN=stranger", strangerKeys, "CN=stranger",
        strangerKeys, false);
    assertThat(failure(provisioning("stranger").clientCertificate(strangerKeys.getPrivate(), stranger).build())
        .failure().reason()).isEqualTo(Reason.UNAUTHORIZED);
    KeyPair keys = TestCertificates.keys();
    X509Certificate leaf = TestCertificates.certificate("CN=fleet-x-2", keys, "CN=X509IT Intermediate",
        intermediateKeys, false);
    assertThat(failure(provisioning("fleet-x-3").clientCertificate(keys.getPrivate(), leaf, intermediate).build())
        .failure().reason()).isEqualTo(Reason.UNAUTHORIZED);
    assertThat(HUB.hub().registry().get("fleet-x-3")).isEmpty();
  }

  private static ProvisioningException failure(ProvisioningClient client) {
    try {
      Registration unexpected = client.register().blockingGet();
      throw new AssertionError("registered although it should fail: " + unexpected);
    } catch (ProvisioningException e) {
      return e;
    }
  }

  private static String sha256Unchecked(X509Certificate certificate) {
    try {
      return sha256(certificate);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
