// Our DeviceClient as a leaf through the gateway to the hub emulator: telemetry, C2D, twin, methods, an upstream
// partition, refusals, metrics (protocol.md §18).
package io.rxiothub.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.core.Single;
import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubConnectionRefusedException;
import io.rxiothub.device.Message;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.MethodResult;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private DeviceIdentity leaf;
  private DeviceIdentity other;
  private Gateway gateway;
  private DeviceClient client;

  @BeforeEach
  void start(HubEmulator hub) {
    String suffix = Long.toString(System.nanoTime(), 36);
    leaf = HUB.createDevice("leaf-" + suffix);
    other = HUB.createDevice("other-" + suffix);
    gateway = Gateway.start(config(hub).build());
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    gateway.close();
  }

  private GatewayConfig.Builder config(HubEmulator hub) {
    return GatewayConfig.builder()
        .tlsPort(0)
        .metrics("127.0.0.1", 0)
        .hub(hub.hostName(), hub.mqttPort())
        .hubCaFile(hub.caFile())
        .shutdownDrainMillis(500)
        .leaf(LeafDevice.of(leaf.deviceId(), leaf.primaryKey(), "local-secret-1"))
        .leaf(LeafDevice.of(other.deviceId(), other.primaryKey()));
  }

  /** The leaf's own connection string, pointed at the gateway with GatewayHostName, as a leaf's SDK takes it. */
  private DeviceClient leafClient(DeviceIdentity identity) throws Exception {
    X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(gateway.caCertificatePem().getBytes(UTF_8)));
    return DeviceClient.builder()
        .connectionString(identity.connectionString() + ";GatewayHostName=localhost")
        .port(gateway.tlsPort())
        .trustedCertificates(ca)
        .reconnectBackoff(50, 500)
        .build();
  }

  @Test
  void telemetryReachesTheHubWithItsIdAndPropertiesInOrder(HubEmulator hub) throws Exception {
    client = leafClient(leaf);
    client.connect().blockingAwait(30, TimeUnit.SECONDS);

    for (int i = 0; i < 20; i++) {
      client.send(Message.builder().payload(("{\"n\":" + i + "}").getBytes(UTF_8)).messageId("m-" + i)
          .contentType("application/json").contentEncoding("utf-8").property("room", "kitchen").build())
          .blockingAwait(30, TimeUnit.SECONDS);
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> hub.telemetry(leaf.deviceId()).size() >= 20);
    List<TelemetryMessage> got = hub.telemetry(leaf.deviceId());
    assertThat(got).extracting(m -> m.systemProperties().get("$.mid"))
        .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> "m-" + i).toList());
    assertThat(got.get(0).applicationProperties()).containsEntry("room", "kitchen");
    assertThat(got.get(0).systemProperties()).containsEntry("$.ct", "application/json")
        .containsEntry("$.ce", "utf-8").containsEntry("$.cdid", leaf.deviceId());
    assertThat(got.get(7).payloadAsString()).isEqualTo("{\"n\":7}");
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queuedMessages() == 0);
  }

  @Test
  void aMessageWithoutIdGetsOneFromTheGateway(HubEmulator hub) throws Exception {
    client = leafClient(leaf);
    client.connect().blockingAwait(30, TimeUnit.SECONDS);

    client.send(Message.of("no id".getBytes(UTF_8))).blockingAwait(30, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(30)).until(() -> hub.telemetry(leaf.deviceId()).size() == 1);
    assertThat(hub.telemetry(leaf.deviceId()).get(0).systemProperties().get("$.mid")).isNotBlank();
  }

  @Test
  void cloudToDeviceMessagesTwinAndMethodsAreCarriedBothWays(HubEmulator hub) throws Exception {
    client = leafClient(leaf);
    List<CloudMessage> c2d = new CopyOnWriteArrayList<>();
    List<TwinPatch> desired = new CopyOnWriteArrayList<>();
    client.cloudMessages().subscribe(c2d::add);
    client.twin().desiredUpdates().subscribe(desired::add);
    client.methods().handle("reboot", request -> Single.just(
        MethodResponse.ofJson(200, "{\"echo\":" + request.payloadAsString() + "}")));
    client.connect().blockingAwait(30, TimeUnit.SECONDS);

    hub.sendCloudToDevice(leaf.deviceId(), "hello leaf".getBytes(UTF_8), Map.of("kind", "greeting"))
        .blockingGet();
    await().atMost(Duration.ofSeconds(30)).until(() -> c2d.size() == 1);
    assertThat(new String(c2d.get(0).payload(), UTF_8)).isEqualTo("hello leaf");
    assertThat(c2d.get(0).applicationProperties()).containsEntry("kind", "greeting");

    long version = client.twin().updateReported(TwinPatch.builder().put("battery", 61).build())
        .blockingGet();
    assertThat(version).isPositive();
    assertThat(hub.twin(leaf.deviceId()).blockingGet()).contains("\"battery\":61");
    Twin twin = client.twin().get().blockingGet();
    assertThat(twin.reported().toString()).contains("battery");

    hub.updateDesired(leaf.deviceId(), "{\"interval\":30}").blockingGet();
    await().atMost(Duration.ofSeconds(30)).until(() -> desired.stream()
        .anyMatch(p -> p.toJson().contains("\"interval\":30")));

    MethodResult result = hub.invokeMethod(leaf.deviceId(), "reboot", "{\"delay\":1}", Duration.ofSeconds(20))
        .blockingGet();
    assertThat(result.status()).isEqualTo(200);
    assertThat(result.payload()).isEqualTo("{\"echo\":{\"delay\":1}}");
  }

  @Test
  void aMethodForALeafThatLeftIsAnswered404(HubEmulator hub) throws Exception {
    client = leafClient(leaf);
    client.methods().handle("reboot", request -> Single.just(MethodResponse.of(200)));
    client.connect().blockingAwait(30, TimeUnit.SECONDS);
    // Telemetry held upstream keeps the leaf's upstream connection open after the leaf leaves.
    hub.faults().delayPubacks(leaf.deviceId(), Duration.ofSeconds(5));
    client.send(Message.of("held".getBytes(UTF_8))).blockingAwait(30, TimeUnit.SECONDS);
    client.close();
    client = null;

    MethodResult result = hub.invokeMethod(leaf.deviceId(), "reboot", null, Duration.ofSeconds(20)).blockingGet();

    assertThat(result.status()).isEqualTo(404);
    hub.faults().delayPubacks(leaf.deviceId(), Duration.ZERO);
  }

  @Test
  void anUpstreamPartitionLosesNothingAndKeepsOrder(HubEmulator hub) throws Exception {
    client = leafClient(leaf);
    client.connect().blockingAwait(30, TimeUnit.SECONDS);
    client.send(Message.builder().payload(new byte[] {1}).messageId("before").build()).blockingAwait();
    await().atMost(Duration.ofSeconds(30)).until(() -> gateway.queuedMessages() == 0);

    hub.faults().partition(leaf.deviceId());
    for (int i = 0; i < 30; i++) {
      client.send(Message.builder().payload(new byte[] {(byte) i}).messageId("p-" + i).build())
          .blockingAwait(30, TimeUnit.SECONDS); // each acknowledged by the gateway: stored
    }
    assertThat(gateway.queuedMessages()).isEqualTo(30);
    assertThat(hub.telemetry(leaf.deviceId())).hasSize(1);
    hub.faults().heal(leaf.deviceId());

    await().atMost(Duration.ofSeconds(60)).until(() -> gateway.queuedMessages() == 0);
    List<String> ids = hub.telemetry(leaf.deviceId()).stream().map(m -> m.systemProperties().get("$.mid"))
        .distinct().toList();
    assertThat(ids).containsExactlyElementsOf(
        java.util.stream.Stream.concat(java.util.stream.Stream.of("before"),
            IntStream.range(0, 30).mapToObj(i -> "p-" + i)).toList());
  }

  @Test
  void aLeafWithTheWrongKeyOrAnUnknownIdIsRefused(HubEmulator hub) throws Exception {
    DeviceIdentity stranger = HUB.createDevice("stranger-" + System.nanoTime());
    client = leafClient(stranger);
    assertThatThrownBy(() -> client.connect().blockingAwait(30, TimeUnit.SECONDS))
        .isInstanceOf(IotHubConnectionRefusedException.class);
    client.close();

    DeviceIdentity forged = leaf.toBuilder().primaryKey(other.primaryKey()).build();
    client = leafClient(forged);
    assertThatThrownBy(() -> client.connect().blockingAwait(30, TimeUnit.SECONDS))
        .isInstanceOf(IotHubConnectionRefusedException.class);
  }

  @Test
  void metricsAndHealthAreServedAsPrometheusText(HubEmulator hub) throws Exception {
    client = leafClient(leaf);
    client.connect().blockingAwait(30, TimeUnit.SECONDS);
    client.send(Message.of(new byte[10])).blockingAwait(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> gateway.metrics()
        .contains("rxiothub_gateway_messages_forwarded_total 1\n"));

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + gateway.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + gateway.metricsPort() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    assertThat(metrics.body()).contains("# TYPE rxiothub_gateway_leaves_connected gauge\n")
        .contains("rxiothub_gateway_leaves_connected 1\n")
        .contains("rxiothub_gateway_messages_received_total 1\n")
        .contains("rxiothub_gateway_bytes_received_total 10\n")
        .contains("rxiothub_gateway_queue_messages 0\n");
    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void aGatewayRestartKeepsWhatTheHubHadNotAcknowledged(HubEmulator hub, @org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    gateway.close();
    gateway = Gateway.start(config(hub).dataDirectory(dir).build());
    client = leafClient(leaf);
    client.connect().blockingAwait(30, TimeUnit.SECONDS);
    hub.faults().partition(leaf.deviceId());
    for (int i = 0; i < 10; i++) {
      client.send(Message.builder().payload(new byte[] {(byte) i}).messageId("r-" + i).build())
          .blockingAwait(30, TimeUnit.SECONDS); // stored on disk, then acknowledged
    }
    client.close();
    client = null;
    gateway.close(); // the drain ends unacknowledged: the ten stay in the store
    hub.faults().heal(leaf.deviceId());
    assertThat(hub.telemetry(leaf.deviceId())).isEmpty();

    gateway = Gateway.start(config(hub).dataDirectory(dir).build());

    await().atMost(Duration.ofSeconds(60)).until(() -> gateway.queuedMessages() == 0);
    assertThat(hub.telemetry(leaf.deviceId()).stream().map(m -> m.systemProperties().get("$.mid")).distinct())
        .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "r-" + i).toList());
  }
}
