// The official Azure IoT provisioning device client for Java (2.1.2, MQTT) registers against the emulator's DPS
// unchanged, individual and group symmetric keys with a custom payload, then the official device SDK (2.5.0)
// connects to the assigned hub with the key and sends telemetry.
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
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.provisioning.DpsConnect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fixed ports: the official provisioning client dials {@code {globalEndpoint}:8883} and the device SDK
 * {@code {assignedHub}:8883}, whatever is configured. So DPS listens on 127.0.0.2:8883 as {@code dps.localhost} and
 * the hub on 127.0.0.1:8883 as {@code hub.localhost}; failsafe resolves both names through
 * {@code -Djdk.net.hosts.file} (conformance-hosts), in the same execution as AzureSdkConformanceIT.
 */
@Timeout(120)
class AzureProvisioningSdkIT {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String GROUP_KEY = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
  private static HubEmulator hub;
  private static DpsEndpoint dps;

  @BeforeAll
  static void start() {
    hub = HubEmulator.builder().hostName("hub.localhost").mqttPort(8883).webSocketPort(-1).build().start();
    dps = hub.dps()
        .addEnrollment(Enrollment.individual("sdk-solo").primaryKey(KEY).build())
        .addEnrollment(Enrollment.group("sdk-fleet").primaryKey(GROUP_KEY).build())
        .start("127.0.0.2", 8883, -1);
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  static Stream<Arguments> enrollments() {
    return Stream.of(
        Arguments.of("individual symmetric key", "sdk-solo", KEY),
        Arguments.of("group key, derived by the SDK's caller", "sdk-member-1", DpsConnect.derivedKey(GROUP_KEY,
            "sdk-member-1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("enrollments")
  void officialClientRegistersThenTheDeviceSdkConnectsToTheAssignedHub(String name, String registrationId,
      String key) throws Exception {
    SSLContext trust = hub.sslContext();
    SecurityProviderSymmetricKey security = new SecurityProviderSymmetricKey(
        key.getBytes(StandardCharsets.UTF_8), registrationId) {
      @Override
      public SSLContext getSSLContext() {
        return trust;
      }
    };
    ProvisioningDeviceClient client = ProvisioningDeviceClient.create("dps.localhost", dps.idScope(),
        ProvisioningDeviceClientTransportProtocol.MQTT, security);
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
}
