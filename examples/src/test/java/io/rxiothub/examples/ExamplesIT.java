package io.rxiothub.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.MethodResult;
import io.rxiothub.emulator.TelemetryMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each example program, run against the hub emulator through its testable entry point. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExamplesIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, UTF_8);

  private static DeviceClient connect(HubEmulator hub, DeviceIdentity identity) {
    DeviceClient client = DeviceClient.builder().connectionString(identity.connectionString())
        .port(hub.mqttPort()).trustStore(hub.trustStore()).build();
    client.connect().blockingAwait(30, TimeUnit.SECONDS);
    return client;
  }

  @Test
  void edgeFilterModuleForwardsHotReadingsFromItsInputToItsOutput(HubEmulator hub) {
    HUB.createDevice("example-edge");
    DeviceIdentity sensorId = HUB.createModule("example-edge", "sensor");
    HUB.createModule("example-edge", "filter");
    hub.edge().setRoute("example-edge", "readings", "FROM /messages/modules/sensor/outputs/readings "
        + "INTO BrokeredEndpoint(\"/modules/filter/inputs/readings\")");
    hub.edge().setRoute("example-edge", "alerts", "FROM /messages/modules/filter/outputs/alerts INTO $upstream");
    try (io.rxiothub.device.ModuleClient sensor = io.rxiothub.device.ModuleClient.builder()
            .connectionString(sensorId.connectionString()).port(hub.mqttPort()).trustStore(hub.trustStore()).build();
        io.rxiothub.device.ModuleClient filter = io.rxiothub.device.ModuleClient.builder()
            .edgeEnvironment(hub.edge().environment("example-edge", "filter")).port(hub.mqttPort()).build()) {
      filter.connect().blockingAwait(30, TimeUnit.SECONDS);
      CompletableFuture<Long> running = CompletableFuture.supplyAsync(() -> EdgeFilterModule.run(filter, 30, 2, 30,
          out));
      sensor.connect().blockingAwait(30, TimeUnit.SECONDS);
      for (int t : new int[] {25, 35}) {
        sensor.sendToOutput("readings", io.rxiothub.device.Message.builder().payload(("{\"t\":" + t + "}")
            .getBytes(UTF_8)).property("temperature", String.valueOf(t)).build()).blockingAwait(30, TimeUnit.SECONDS);
      }
      assertThat(running.join()).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> hub.telemetry("example-edge", "filter").size() == 1);
    TelemetryMessage alert = hub.telemetry("example-edge", "filter").get(0);
    assertThat(alert.payloadAsString()).isEqualTo("{\"t\":35}");
    assertThat(alert.applicationProperties()).containsEntry("temperature", "35");
    assertThat(printed.toString(UTF_8)).contains("alert {\"t\":35} from sensor");
  }

  @Test
  void telemetryLoopSendsEachReadingWithItsProperties(HubEmulator hub) {
    DeviceIdentity identity = HUB.createDevice("example-telemetry");
    try (DeviceClient client = connect(hub, identity)) {
      long acked = TelemetryLoop.run(client, 3, 10, out);

      assertThat(acked).isEqualTo(3);
    }
    List<TelemetryMessage> got = hub.telemetry("example-telemetry");
    assertThat(got).extracting(TelemetryMessage::payloadAsString)
        .allMatch(p -> p.startsWith("{\"reading\":") && p.contains("\"temperature\":"));
    assertThat(got.get(0).applicationProperties()).containsEntry("sensor", "t1").containsKey("alert");
    assertThat(printed.toString(UTF_8)).contains("reading 3 acknowledged");
  }

  @Test
  void fileUploaderStreamsAFileAndRetriesWhenStorageIsBusy(HubEmulator hub, @org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    DeviceIdentity identity = HUB.createDevice("example-upload");
    byte[] bytes = new byte[300_000];
    new java.util.Random(9).nextBytes(bytes);
    java.io.File file = dir.resolve("photo.jpg").toFile();
    java.nio.file.Files.write(file.toPath(), bytes);
    hub.files().failHubRequests(503, 1);
    try (DeviceClient client = DeviceClient.builder().connectionString(identity.connectionString())
        .trustStore(hub.trustStore()).httpsPort(hub.webSocketPort()).build()) {
      long sent = FileUploader.run(client, file, "cameras/photo.jpg", out);

      assertThat(sent).isEqualTo(bytes.length);
    }
    assertThat(hub.files().blob("example-upload/cameras/photo.jpg")).hasValueSatisfying(
        b -> assertThat(b).isEqualTo(bytes));
    assertThat(printed.toString(UTF_8)).contains("300000 of 300000 bytes (100 %)")
        .contains("uploaded 300000 bytes; the hub was notified");
  }

  @Test
  void cloudMessageReceiverGetsQueuedMessages(HubEmulator hub) {
    DeviceIdentity identity = HUB.createDevice("example-c2d");
    hub.sendCloudToDevice("example-c2d", "open".getBytes(UTF_8), Map.of("valve", "2")).blockingGet();
    try (DeviceClient client = connect(hub, identity)) {
      List<CloudMessage> got = CloudMessageReceiver.run(client, 1, 30, out);

      assertThat(got).hasSize(1);
      assertThat(got.get(0).applicationProperties()).containsEntry("valve", "2");
    }
    assertThat(printed.toString(UTF_8)).contains("got \"open\"");
  }

  @Test
  void twinConfigurationAppliesAndAcknowledgesDesiredChanges(HubEmulator hub) {
    DeviceIdentity identity = HUB.createDevice("example-twin");
    hub.updateDesired("example-twin", "{\"telemetryInterval\":30}").blockingGet();
    TwinConfiguration configuration = new TwinConfiguration();
    try (DeviceClient client = connect(hub, identity)) {
      CompletableFuture<Long> running = CompletableFuture.supplyAsync(() -> configuration.run(client, 1, out));
      await().atMost(Duration.ofSeconds(30)).until(() -> configuration.telemetryIntervalSeconds() == 30);
      hub.updateDesired("example-twin", "{\"telemetryInterval\":5}").blockingGet();
      running.join();
    }
    assertThat(configuration.telemetryIntervalSeconds()).isEqualTo(5);
    assertThat(hub.twin("example-twin").blockingGet())
        .contains("\"telemetryInterval\":{\"value\":5,\"ac\":200,\"av\":3}");
  }

  @Test
  void pnpThermostatAcknowledgesItsWritablePropertyAndAnswersItsComponentCommand(HubEmulator hub) {
    DeviceIdentity identity = HUB.createDevice("example-pnp");
    PnpThermostat thermostat = new PnpThermostat();
    CompletableFuture<Long> running;
    try (DeviceClient client = DeviceClient.builder().connectionString(identity.connectionString())
        .port(hub.mqttPort()).trustStore(hub.trustStore()).modelId(PnpThermostat.MODEL_ID).build()) {
      client.connect().blockingAwait(30, TimeUnit.SECONDS);
      Disposable command = thermostat.register(client, out);
      running = CompletableFuture.supplyAsync(() -> thermostat.followTargetTemperature(client, Long.MAX_VALUE, out));
      // The stream subscribes to desired changes lazily: change until the first one is applied.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
        hub.updateDesired("example-pnp", "{\"thermostat1\":{\"__t\":\"c\",\"targetTemperature\":22.5}}")
            .blockingGet();
        return thermostat.targetTemperature() == 22.5;
      });
      long refused = hub.updateDesired("example-pnp",
          "{\"thermostat1\":{\"__t\":\"c\",\"targetTemperature\":99}}").blockingGet();
      await().atMost(Duration.ofSeconds(30)).until(() -> hub.twin("example-pnp").blockingGet().contains("\"ac\":400"));
      assertThat(thermostat.targetTemperature()).isEqualTo(22.5);
      assertThat(hub.twin("example-pnp").blockingGet()).contains("\"targetTemperature\":{\"value\":22.5,\"ac\":400,"
          + "\"av\":" + refused + ",\"ad\":\"out of range 5..35\"}");
      MethodResult[] report = new MethodResult[1];
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        report[0] = hub.invokeMethod("example-pnp", "thermostat1*getMaxMinReport", null, Duration.ofSeconds(10))
            .blockingGet();
        return report[0].status() != 404;
      });
      assertThat(report[0].payload()).isEqualTo("{\"maxTemp\":22.5}");
      thermostat.sendTemperature(client, 21.0);
      await().atMost(Duration.ofSeconds(10)).until(() -> !hub.telemetry("example-pnp").isEmpty());
      assertThat(hub.telemetry("example-pnp").get(0).systemProperties()).containsEntry("$.sub", "thermostat1");
      command.dispose();
    }
    assertThat(running.join()).as("the last reported version, once the stream ended with the client").isPositive();
  }

  @Test
  void methodHandlerAnswersRebootAndUptimeAnd501Otherwise(HubEmulator hub) {
    DeviceIdentity identity = HUB.createDevice("example-methods");
    AtomicInteger reboots = new AtomicInteger();
    try (DeviceClient client = connect(hub, identity)) {
      Disposable handlers = MethodHandler.register(client, out, reboots::incrementAndGet);
      MethodResult[] reboot = new MethodResult[1];
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        reboot[0] = hub.invokeMethod("example-methods", "reboot", "{}", Duration.ofSeconds(10)).blockingGet();
        return reboot[0].status() != 404;
      });
      MethodResult uptime = hub.invokeMethod("example-methods", "getUptime", null, Duration.ofSeconds(10))
          .blockingGet();
      MethodResult unknown = hub.invokeMethod("example-methods", "selfDestruct", null, Duration.ofSeconds(10))
          .blockingGet();
      handlers.dispose();

      assertThat(reboot[0].status()).isEqualTo(200);
      assertThat(reboot[0].payload()).isEqualTo("{\"rebooting\":true}");
      assertThat(uptime.payload()).startsWith("{\"uptimeSeconds\":");
      assertThat(unknown.status()).isEqualTo(501);
      assertThat(reboots).hasValue(1);
    }
  }
}
