// The official Azure IoT provisioning device client for Java (2.1.2, MQTT and MQTT_WS) registers against the
// emulator's DPS unchanged, individual and group symmetric keys with a custom payload, and X.509 (individual by
// certificate, group by intermediate CA); then the official device SDK (2.5.0) connects to the assigned hub with the key or the same
// client certificate and sends telemetry.
package io.rxiothub.emulator.dps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.provisioning.device.AdditionalData;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderX509;
import io.rxiothub.emulator.AuthenticationType;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.X509TestCertificates;
import io.rxiothub.provisioning.DpsConnect;
import io.rxiothub.testing.FixedPortsLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.time.Duration;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fixed ports: the official provisioning client dials {@code {globalEndpoint}:8883} ({@code :443} over MQTT_WS) and
 * the device SDK {@code {assignedHub}:8883}, whatever is configured. So DPS listens on 127.0.0.2:8883 and 443 as
 * {@code dps.localhost} and the hub on 127.0.0.1:8883 as {@code hub.localhost}; failsafe resolves both names through
 * {@code -Djdk.net.hosts.file} (conformance-hosts), in the same execution as AzureSdkConformanceIT, holding the
 * machine's fixed-port lock while it runs.
 */
@Timeout(120)
class AzureProvisioningSdkIT {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String GROUP_KEY = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
  private static HubEmulator hub;
  private static DpsEndpoint dps;
  private static FixedPortsLock ports;

  @BeforeAll
  static void start() throws IOException {
    ports = FixedPortsLock.acquire();
    hub = HubEmulator.builder().hostName("hub.localhost").mqttPort(8883).webSocketPort(-1).build().start();
    hub.dps()
        .addEnrollment(Enrollment.individual("sdk-solo").primaryKey(KEY).build())
        .addEnrollment(Enrollment.individual("sdk-solo-ws").primaryKey(KEY).build())
        .addEnrollment(Enrollment.group("sdk-fleet").primaryKey(GROUP_KEY).build());
    try {
      dps = hub.dps().start("127.0.0.2", 8883, 443);
    } catch (IllegalStateException e) {
      // port 443 needs privileges on Linux (CI runs as root): the MQTT_WS case is then skipped, loudly
      System.err.println("WARNING: DPS cannot bind 127.0.0.2:443 (" + e.getMessage() + "): the official client's"
          + " MQTT_WS case is SKIPPED. Run as root or lower net.ipv4.ip_unprivileged_port_start to 443.");
      dps = hub.dps().start("127.0.0.2", 8883, -1);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    FixedPortsLock.closeThenRelease(ports, hub);
  }

  static Stream<Arguments> enrollments() {
    return Stream.of(
        Arguments.of("individual symmetric key", "sdk-solo", KEY, ProvisioningDeviceClientTransportProtocol.MQTT),
        Arguments.of("group key, derived by the SDK's caller", "sdk-member-1", DpsConnect.derivedKey(GROUP_KEY,
            "sdk-member-1"), ProvisioningDeviceClientTransportProtocol.MQTT),
        Arguments.of("individual symmetric key over MQTT_WS (wss://dps.localhost:443/mqtt)", "sdk-solo-ws", KEY,
            ProvisioningDeviceClientTransportProtocol.MQTT_WS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("enrollments")
  void officialClientRegistersThenTheDeviceSdkConnectsToTheAssignedHub(String name, String registrationId,
      String key, ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
    Assumptions.assumeTrue(protocol == ProvisioningDeviceClientTransportProtocol.MQTT || dps.webSocketPort() == 443,
        "DPS could not bind 127.0.0.2:443 (see the warning above)");
    SSLContext trust = hub.sslContext();
    SecurityProviderSymmetricKey security = new SecurityProviderSymmetricKey(
        key.getBytes(StandardCharsets.UTF_8), registrationId) {
      @Override
      public SSLContext getSSLContext() {
        return trust;
      }
    };
    ProvisioningDeviceClient client = ProvisioningDeviceClient.create("dps.localhost", dps.idScope(), protocol,
        security);
    ProvisioningDeviceClientRegistrationResult result;
    try {
      AdditionalData data = new AdditionalData();
      data.setProvisioningPayload("{\"site\":\"lab\"}");
      result = client.registerDeviceSync(data);
    } finally {
      client.close();
    }
    assertThat(result.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(result.getIothubUri()).isEqualTo("hub.localhost");
    assertThat(result.getDeviceId()).isEqualTo(registrationId);
    assertThat(result.getProvisioningPayload()).contains("site").contains("lab");
    DeviceClient device = new DeviceClient("HostName=" + result.getIothubUri() + ";DeviceId=" + result.getDeviceId()
        + ";SharedAccessKey=" + key, IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(trust).build());
    try {
      device.open(false);
      device.sendEvent(new Message("{\"t\":1}"), 10_000);
      await().atMost(Duration.ofSeconds(10)).until(() -> hub.telemetry(registrationId).size() == 1);
    } finally {
      device.close();
    }
  }

  static Stream<Arguments> x509Enrollments() {
    return Stream.of(
        Arguments.of("individual enrollment by certificate", "sdk-x509-solo", false),
        Arguments.of("group enrollment by intermediate CA", "sdk-x509-member", true));
  }

  @ParameterizedTest(name = "X.509 {0}")
  @MethodSource("x509Enrollments")
  void officialClientRegistersWithX509ThenTheDeviceSdkConnectsWithTheSameCertificate(String name,
      String registrationId, boolean group) throws Exception {
    X509TestCertificates root = X509TestCertificates.selfSigned("SDK Root " + registrationId, true);
    X509TestCertificates intermediate = root.issue("SDK Intermediate " + registrationId, true);
    X509TestCertificates leaf = group ? intermediate.issue(registrationId, false)
        : X509TestCertificates.selfSigned(registrationId, false);
    List<X509Certificate> above = group ? List.of(intermediate.certificate()) : List.of();
    dps.addEnrollment(group
        ? Enrollment.group("sdk-x509-fleet").x509CaCertificates(intermediate.certificate(), null).build()
        : Enrollment.individual(registrationId).x509Certificate(leaf.certificate()).build());
    SSLContext tls = SSLContext.getInstance("TLSv1.2");
    tls.init(leaf.keyManagerFactory(above.toArray(new X509Certificate[0])).getKeyManagers(),
        trustManagers(hub.trustStore()), null);
    SecurityProviderX509 security = new SecurityProviderX509() {
      @Override
      public String getClientCertificateCommonName() {
        return registrationId;
      }

      @Override
      public X509Certificate getClientCertificate() {
        return leaf.certificate();
      }

      @Override
      public Key getClientPrivateKey() {
        return leaf.privateKey();
      }

      @Override
      public Collection<X509Certificate> getIntermediateCertificatesChain() {
        return above;
      }

      @Override
      public SSLContext getSSLContext() {
        return tls;
      }
    };
    ProvisioningDeviceClient client = ProvisioningDeviceClient.create("dps.localhost", dps.idScope(),
        ProvisioningDeviceClientTransportProtocol.MQTT, security);
    ProvisioningDeviceClientRegistrationResult result;
    try {
      result = client.registerDeviceSync();
    } finally {
      client.close();
    }
    assertThat(result.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(result.getDeviceId()).isEqualTo(registrationId);
    assertThat(hub.registry().get(registrationId)).hasValueSatisfying(d -> assertThat(d.authenticationType())
        .isEqualTo(group ? AuthenticationType.CERTIFICATE_AUTHORITY : AuthenticationType.SELF_SIGNED));
    DeviceClient device = new DeviceClient("HostName=" + result.getIothubUri() + ";DeviceId=" + result.getDeviceId()
        + ";x509=true", IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(tls).build());
    try {
      device.open(false);
      device.sendEvent(new Message("{\"x509\":1}"), 10_000);
      await().atMost(Duration.ofSeconds(10)).until(() -> hub.telemetry(registrationId).size() == 1);
    } finally {
      device.close();
    }
  }

  private static TrustManager[] trustManagers(KeyStore trustStore) throws Exception {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trustStore);
    return factory.getTrustManagers();
  }
}
