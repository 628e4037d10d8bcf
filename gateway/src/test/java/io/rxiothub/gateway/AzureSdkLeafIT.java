// The official Azure IoT device SDK for Java as a leaf through the gateway (GatewayHostName) to the hub emulator.
package io.rxiothub.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.MethodResult;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.testing.FixedPortsLock;
import io.rxiothub.testing.OfficialSdkTwin;
import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official SDK dials {@code GatewayHostName} on the fixed port 8883 whatever else is set, so the gateway's TLS
 * listener takes 8883 here, under the machine's fixed-port lock ({@code /tmp/rxiothub-fixed-ports.lock}; other
 * conformance tests want 8883 too); the hub emulator upstream uses an ephemeral port. Failsafe resolves
 * {@code hub.localhost} and {@code gateway.localhost} through {@code -Djdk.net.hosts.file} (module pom).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AzureSdkLeafIT {

  private static FixedPortsLock lock;
  private static HubEmulator hub;
  private static Gateway gateway;
  private static DeviceIdentity leaf;

  @BeforeAll
  static void start() throws Exception {
    lock = FixedPortsLock.acquire();
    hub = HubEmulator.builder().hostName("hub.localhost").mqttPort(0).webSocketPort(-1).build().start();
    leaf = hub.registry().createDevice("sdk-leaf");
    gateway = Gateway.start(GatewayConfig.builder()
        .hostName("gateway.localhost")
        .tlsPort(8883)
        .hub(hub.hostName(), hub.mqttPort())
        .hubCaFile(hub.caFile())
        .shutdownDrainMillis(500)
        .leaf(LeafDevice.of(leaf.deviceId(), leaf.primaryKey()))
        .build());
  }

  @AfterAll
  static void stop() throws Exception {
    FixedPortsLock.closeThenRelease(lock, gateway, hub);
  }

  private static SSLContext trustingTheGateway() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("gateway-ca", CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(gateway.caCertificatePem().getBytes(UTF_8))));
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  @Test
  void theOfficialSdkRunsUnchangedThroughTheGateway() throws Exception {
    DeviceClient client = new DeviceClient(leaf.connectionString() + ";GatewayHostName=gateway.localhost",
        IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(trustingTheGateway()).build());
    List<TwinCollection> desired = new CopyOnWriteArrayList<>();
    client.open(false);
    try {
      Message message = new Message("{\"temperature\":21.5}");
      message.setMessageId("sdk-1");
      message.setCorrelationId("corr-1");
      message.setContentType("application/json");
      message.setContentEncoding("utf-8");
      message.setProperty("weird", "a&b=c/d%e é");
      client.sendEvent(message, 30_000);

      await().atMost(Duration.ofSeconds(30)).until(() -> hub.telemetry(leaf.deviceId()).size() == 1);
      TelemetryMessage got = hub.telemetry(leaf.deviceId()).get(0);
      assertThat(got.payloadAsString()).isEqualTo("{\"temperature\":21.5}");
      assertThat(got.systemProperties()).containsEntry("$.mid", "sdk-1").containsEntry("$.cid", "corr-1")
          .containsEntry("$.ct", "application/json").containsEntry("$.ce", "utf-8");
      assertThat(got.applicationProperties()).containsEntry("weird", "a&b=c/d%e é");

      client.subscribeToDesiredProperties((update, context) -> desired.add(update.getDesiredProperties()), null,
          30_000);
      TwinCollection reported = new TwinCollection();
      reported.put("firmware", "1.2.3");
      // through OfficialSdkTwin: the SDK's own call can miss the answer (its race, protocol.md §13)
      assertThat(OfficialSdkTwin.updateReported(client, reported, Duration.ofSeconds(10))).as("reported $version")
          .isPositive();
      assertThat(hub.twin(leaf.deviceId()).blockingGet()).contains("\"firmware\":\"1.2.3\"");
      long version = hub.updateDesired(leaf.deviceId(), "{\"interval\":30}").blockingGet();
      await().atMost(Duration.ofSeconds(30)).until(() -> desired.stream()
          .anyMatch(d -> d.containsKey("interval") && d.getVersion() != null && d.getVersion() == version));

      client.subscribeToMethods((name, payload, context) ->
          new DirectMethodResponse(200, "echo:" + name), null, 30_000);
      MethodResult result = hub.invokeMethod(leaf.deviceId(), "reboot", "{}", Duration.ofSeconds(20))
          .blockingGet();
      assertThat(result.status()).isEqualTo(200);
      assertThat(result.payload()).isEqualTo("\"echo:reboot\"");
    } finally {
      client.close();
    }
  }
}
