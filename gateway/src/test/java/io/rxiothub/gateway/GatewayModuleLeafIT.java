// A module identity as a leaf (protocol.md §18.7): our ModuleClient connects to the gateway as {device}/{module}
// with GatewayHostName; its telemetry, reported properties and a direct method are carried by an upstream
// ModuleClient to the hub emulator.
package io.rxiothub.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.core.Single;
import io.rxiothub.device.Message;
import io.rxiothub.device.ModuleClient;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.MethodResult;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.twin.TwinPatch;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayModuleLeafIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  @Test
  void aModuleLeafsTelemetryReportedPropertiesAndMethodsAreCarried(HubEmulator hub) throws Exception {
    String deviceId = "edge-" + Long.toString(System.nanoTime(), 36);
    HUB.createDevice(deviceId);
    DeviceIdentity module = HUB.createModule(deviceId, "camera");
    try (Gateway gateway = Gateway.start(GatewayConfig.builder()
        .tlsPort(0)
        .hub(hub.hostName(), hub.mqttPort())
        .hubCaFile(hub.caFile())
        .shutdownDrainMillis(500)
        .leaf(LeafDevice.module(deviceId, "camera", module.primaryKey(), null))
        .build())) {
      X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(gateway.caCertificatePem().getBytes(UTF_8)));
      ModuleClient leaf = ModuleClient.builder()
          .connectionString(module.connectionString() + ";GatewayHostName=localhost")
          .port(gateway.tlsPort()).trustedCertificates(ca).build();
      try {
        leaf.methods().handle("snap", request -> Single.just(
            MethodResponse.ofJson(200, "{\"took\":" + request.payloadAsString() + "}")));
        leaf.connect().blockingAwait(30, TimeUnit.SECONDS);

        for (int i = 0; i < 3; i++) {
          leaf.send(Message.builder().payload(("{\"n\":" + i + "}").getBytes(UTF_8)).messageId("c-" + i).build())
              .blockingAwait(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.telemetry(deviceId, "camera").size() >= 3);
        assertThat(hub.telemetry(deviceId, "camera")).extracting(m -> m.systemProperties().get("$.mid"))
            .containsExactlyElementsOf(IntStream.range(0, 3).mapToObj(i -> "c-" + i).toList());
        assertThat(hub.telemetry(deviceId)).isEmpty();

        long version = leaf.twin().updateReported(TwinPatch.builder().put("lens", "wide").build()).blockingGet();
        assertThat(version).isPositive();
        assertThat(hub.twin(deviceId, "camera").blockingGet()).contains("\"lens\":\"wide\"");

        MethodResult result = hub.invokeMethod(deviceId, "camera", "snap", "{\"x\":1}", Duration.ofSeconds(20))
            .blockingGet();
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.payload()).isEqualTo("{\"took\":{\"x\":1}}");
      } finally {
        leaf.close();
      }
    }
  }
}
