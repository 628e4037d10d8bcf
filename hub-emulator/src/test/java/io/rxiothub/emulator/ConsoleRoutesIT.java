// The web console's server side over real HTTPS: static files with their security headers, the page registry, and
// the emulator-only routes the pages use (connections, C2D states, faults) with the service API's SAS policies.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.rxiothub.emulator.console.internal.ConsolePages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class ConsoleRoutesIT {

  private static HubEmulator hub;
  private static ServiceRest rest;

  @BeforeAll
  static void start() {
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    rest = new ServiceRest(hub);
    hub.registry().createDevice("con-dev");
    hub.registry().createModule("con-dev", "m1");
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  static Stream<Arguments> files() {
    return Stream.of(
        Arguments.of("/console/", "text/html", "<title>rxiothub hub emulator console</title>"),
        Arguments.of("/console/app.js", "text/javascript", "import * as api from './api.js';"),
        Arguments.of("/console/pages/devices.js", "text/javascript", "export async function render"),
        Arguments.of("/console/console.css", "text/css", ":root"),
        Arguments.of("/console/lib/uPlot.esm.js", "text/javascript", "export { uPlot as default };"),
        Arguments.of("/console/lib/uPlot.min.css", "text/css", ".uplot"),
        Arguments.of("/console/lib/uPlot-LICENSE.txt", "text/plain", "MIT"),
        Arguments.of("/console/pages.json", "application/json", "\"module\":\"telemetry.js\""),
        Arguments.of("/console/pages/files.js", "text/javascript", "/emulator/files/notifications"));
  }

  @ParameterizedTest(name = "{0} is served as {1} without credentials, confined to its origin")
  @MethodSource("files")
  void servesTheConsoleFiles(String path, String type, String content) {
    ServiceRest.Response answer = rest.authorization(null).get(path + "?v=1");
    rest.as("iothubowner");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).startsWith(type);
    assertThat(answer.body()).contains(content);
    assertThat(answer.header("Content-Security-Policy")).contains("default-src 'self'").contains("script-src 'self'")
        .doesNotContain("unsafe");
    assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
  }

  @Test
  void theConsoleWithoutTrailingSlashRedirects() {
    ServiceRest.Response answer = rest.get("/console?x=1");
    assertThat(answer.status()).isEqualTo(301);
    assertThat(answer.header("Location")).isEqualTo("/console/");
  }

  @ParameterizedTest(name = "{0} is 404")
  @MethodSource("unknownFiles")
  void unknownOrEscapingNamesAreNotFound(String path) {
    assertThat(rest.get(path).status()).isEqualTo(404);
  }

  static Stream<String> unknownFiles() {
    return Stream.of("/console/nope.js", "/console/%2e%2e%2fpom.xml", "/console/pages/..%2f..%2fHubCore.class",
        "/console/lib/uPlot.iife.js", "/console/app.exe", "/console/pages/%2Fetc%2Fpasswd");
  }

  @Test
  void theEmulatorPrintsTheConsoleUrl() {
    assertThat(hub.consoleUrl()).isEqualTo("https://localhost:" + hub.webSocketPort() + "/console/");
  }

  @Test
  void consoleRoutesNeedAServicePolicyToken() {
    ServiceRest.Response none = rest.authorization(null).get("/emulator/connections");
    ServiceRest.Response device = rest.as("device").get("/emulator/connections");
    rest.as("iothubowner");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.errorCode()).isEqualTo("IotHubUnauthorizedAccess");
    assertThat(device.status()).isEqualTo(401);
    assertThat(device.body()).contains("lacks");
  }

  @Test
  void connectionsShowStateAcceptedConnectionsAndLastTelemetry() {
    DeviceIdentity identity = hub.registry().createDevice("con-live");
    Mqtt3BlockingClient client = RawDevice.client(hub, identity);
    RawDevice.connect(client, hub, identity, true);
    try {
      client.publishWith().topic("devices/con-live/messages/events/").qos(RawDevice.qos1())
          .payload("{\"t\":1}".getBytes(StandardCharsets.UTF_8)).send();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonNode row = row("con-live", null);
        assertThat(row.path("connected").asBoolean()).isTrue();
        assertThat(row.path("acceptedConnections").asLong()).isEqualTo(1);
        assertThat(row.path("lastTelemetryTime").isTextual()).isTrue();
      });
      assertThat(row("con-dev", "m1").path("connected").asBoolean()).isFalse();
      assertThat(row("con-dev", "m1").path("lastTelemetryTime").isNull()).isTrue();
    } finally {
      client.disconnect();
    }
  }

  private static JsonNode row(String deviceId, String moduleId) {
    for (JsonNode row : rest.get("/emulator/connections").json()) {
      if (row.path("deviceId").asText().equals(deviceId) && row.path("moduleId").asText("").equals(
          moduleId == null ? "" : moduleId)) {
        return row;
      }
    }
    throw new AssertionError(deviceId + "/" + moduleId + " is not listed");
  }

  @Test
  void cloudToDeviceMessagesKeepTheirStateAfterLeavingTheQueue() {
    DeviceIdentity identity = hub.registry().createDevice("con-c2d");
    String id = rest.post("/emulator/devices/con-c2d/messages", "{\"payload\":\"hello\",\"properties\":{\"k\":\"v\"}}")
        .json().path("messageId").asText();
    JsonNode queued = rest.get("/emulator/devices/con-c2d/messages").json();
    assertThat(queued).hasSize(1);
    assertThat(queued.get(0).path("state").asText()).isEqualTo("QUEUED");
    assertThat(queued.get(0).path("payload").asText()).isEqualTo("hello");
    assertThat(queued.get(0).path("properties").path("k").asText()).isEqualTo("v");
    Mqtt3BlockingClient client = RawDevice.client(hub, identity);
    RawDevice.connect(client, hub, identity, true);
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = client.publishes(
        com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter("devices/con-c2d/messages/devicebound/#").qos(RawDevice.qos1()).send();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
          rest.get("/emulator/devices/con-c2d/messages").json().get(0).path("state").asText()).isEqualTo("COMPLETED"));
      assertThat(rest.get("/emulator/devices/con-c2d/messages").json().get(0).path("messageId").asText())
          .isEqualTo(id);
    } finally {
      client.disconnect();
    }
  }

  @Test
  void messagesOfAnUnknownDeviceAreNotFound() {
    ServiceRest.Response answer = rest.get("/emulator/devices/ghost/messages");
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.errorCode()).isEqualTo("DeviceNotFound");
  }

  @Test
  void faultButtonsSetAndClearRules() {
    hub.registry().createDevice("con-fault");
    assertThat(rest.post("/emulator/devices/con-fault/faults", "{\"fault\":\"partition\"}").status()).isEqualTo(200);
    assertThat(rest.post("/emulator/devices/con-fault/faults", "{\"fault\":\"heal\"}").status()).isEqualTo(200);
    ServiceRest.Response throttle = rest.post("/emulator/devices/con-fault/faults",
        "{\"fault\":\"throttle\",\"delayMillis\":250}");
    assertThat(throttle.json().path("delayMillis").asLong()).isEqualTo(250);
    assertThat(rest.post("/emulator/devices/con-dev/modules/m1/faults", "{\"fault\":\"clear\"}").json()
        .path("clientId").asText()).isEqualTo("con-dev/m1");
    hub.registry().createDevice("modules");
    assertThat(rest.post("/emulator/devices/modules/faults", "{\"fault\":\"heal\"}").json().path("clientId")
        .asText()).isEqualTo("modules");
  }

  static Stream<Arguments> badFaults() {
    return Stream.of(
        Arguments.of("{\"fault\":\"explode\"}", "fault must be one of partition, heal, throttle, clear"),
        Arguments.of("{\"fault\":\"throttle\",\"delayMillis\":-1}", "delayMillis must be in 0..60000"),
        Arguments.of("{\"fault\":\"throttle\"}", "delayMillis must be in 0..60000"),
        Arguments.of("{fault", "not valid JSON"));
  }

  @ParameterizedTest(name = "{0} is 400 saying {1}")
  @MethodSource("badFaults")
  void badFaultRequestsSayWhatIsWrong(String body, String message) {
    ServiceRest.Response answer = rest.post("/emulator/devices/con-dev/faults", body);
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().path("Message").asText()).contains(message);
  }

  @Test
  void aFaultOnAnUnknownModuleIsNotFound() {
    ServiceRest.Response answer = rest.post("/emulator/devices/con-dev/modules/nope/faults", "{\"fault\":\"heal\"}");
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.errorCode()).isEqualTo("ModuleNotFound");
  }

  /**
   * What a device does to upload (docs/protocol.md §16): SAS URI from the hub, Put Blob to the built-in storage face,
   * notification. Over the wire with the device's own SAS token; our DeviceClient does the same in the cli module's
   * ConsoleBrowserIT (hub-emulator cannot depend on device-client, which tests against it).
   */
  private static String upload(DeviceIdentity id, String name, @Nullable String content, boolean success) {
    String token = io.rxiothub.sas.SasToken.generate(hub.hostName() + "/devices/" + id.deviceId(), id.primaryKey(),
        java.time.Instant.now().getEpochSecond() + 600, null).format();
    JsonNode sas = rest.authorization(token).call("POST", "/devices/" + id.deviceId() + "/files?api-version=2020-03-13",
        "{\"blobName\":\"" + name + "\"}").json();
    if (content != null) {
      String path = "/" + sas.path("hostName").asText().split("/", 2)[1] + "/" + sas.path("containerName").asText()
          + "/" + java.net.URLEncoder.encode(sas.path("blobName").asText(), StandardCharsets.UTF_8)
          + sas.path("sasToken").asText();
      assertThat(rest.authorization(null).header("x-ms-blob-type", "BlockBlob").call("PUT", path, content).status())
          .isEqualTo(201);
    }
    String correlationId = sas.path("correlationId").asText();
    assertThat(rest.authorization(token).call("POST", "/devices/" + id.deviceId()
        + "/files/notifications?api-version=2020-03-13", "{\"correlationId\":\"" + correlationId + "\",\"isSuccess\":"
        + success + ",\"statusCode\":" + (success ? 200 : 500) + ",\"statusDescription\":\""
        + (success ? "stored" : "disk full") + "\"}").status()).isEqualTo(204);
    rest.as("iothubowner");
    return correlationId;
  }

  @Test
  void theFilesFaceAddsItsPageToTheConsole() {
    assertThat(rest.get("/console/pages.json").body())
        .contains("{\"id\":\"files\",\"title\":\"Uploaded files\",\"module\":\"files.js\"}");
  }

  @Test
  void fileNotificationsNeedAServicePolicyToken() {
    ServiceRest.Response none = rest.authorization(null).get("/emulator/files/notifications");
    ServiceRest.Response device = rest.as("device").get("/emulator/files/notifications");
    ServiceRest.Response blob = rest.authorization(null).get("/emulator/files/blob?name=x/y.txt");
    rest.as("iothubowner");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.errorCode()).isEqualTo("IotHubUnauthorizedAccess");
    assertThat(device.status()).isEqualTo(401);
    assertThat(blob.status()).isEqualTo(401);
  }

  @Test
  void fileNotificationsListRealUploadsNewestFirstWithoutSas() {
    DeviceIdentity a = hub.registry().createDevice("con-files-a");
    DeviceIdentity b = hub.registry().createDevice("con-files-b");
    String first = upload(a, "first.txt", "hello", true);
    String failed = upload(b, "lost.bin", null, false);
    String last = upload(a, "dir/last.txt", "hello again", true);

    ServiceRest.Response all = rest.get("/emulator/files/notifications");
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.body()).doesNotContain("sig=").doesNotContain("SharedAccessSignature")
        .doesNotContain(a.primaryKey());
    java.util.List<String> order = new java.util.ArrayList<>();
    all.json().forEach(row -> order.add(row.path("correlationId").asText()));
    assertThat(order).containsSubsequence(last, failed, first);

    JsonNode ofA = rest.get("/emulator/files/notifications?deviceId=con-files-a").json();
    assertThat(ofA).hasSize(2);
    JsonNode newest = ofA.get(0);
    assertThat(newest.path("blobName").asText()).isEqualTo("con-files-a/dir/last.txt");
    assertThat(newest.path("deviceId").asText()).isEqualTo("con-files-a");
    assertThat(newest.has("moduleId")).isFalse();
    assertThat(newest.path("success").asBoolean()).isTrue();
    assertThat(newest.path("statusCode").asInt()).isEqualTo(200);
    assertThat(newest.path("statusDescription").asText()).isEqualTo("stored");
    assertThat(newest.path("blobSizeInBytes").asLong()).isEqualTo(11);
    assertThat(newest.path("correlationId").asText()).isEqualTo(last);
    assertThat(newest.path("downloadable").asBoolean()).isTrue();
    assertThat(java.time.Instant.parse(newest.path("enqueuedTime").asText()))
        .isAfterOrEqualTo(java.time.Instant.parse(ofA.get(1).path("enqueuedTime").asText()));

    JsonNode lost = rest.get("/emulator/files/notifications?deviceId=con-files-b").json().get(0);
    assertThat(lost.path("success").asBoolean()).isFalse();
    assertThat(lost.path("statusCode").asInt()).isEqualTo(500);
    assertThat(lost.path("statusDescription").asText()).isEqualTo("disk full");
    assertThat(lost.has("blobSizeInBytes")).isFalse();
    assertThat(lost.path("downloadable").asBoolean()).isFalse();
  }

  @Test
  void anUploadedBlobDownloadsWithTheServiceToken() {
    upload(hub.registry().createDevice("con-files-dl"), "photo.jpg", "jpeg bytes", true);
    ServiceRest.Response blob = rest.get("/emulator/files/blob?name=con-files-dl/photo.jpg");
    assertThat(blob.status()).isEqualTo(200);
    assertThat(blob.body()).isEqualTo("jpeg bytes");
    assertThat(blob.header("Content-Disposition")).isEqualTo("attachment; filename=\"photo.jpg\"");
    assertThat(blob.header("Content-Type")).isEqualTo("application/octet-stream");
  }

  static Stream<Arguments> badFileQueries() {
    return Stream.of(
        Arguments.of("/emulator/files/notifications?deviceId=ghost", 404, "device 'ghost' is not registered"),
        Arguments.of("/emulator/files/blob?name=ghost/none.txt", 404, "the built-in storage has no blob"),
        Arguments.of("/emulator/files/blob?api-version=2021-04-12", 400, "name is missing"));
  }

  @ParameterizedTest(name = "{0} is {1} saying {2}")
  @MethodSource("badFileQueries")
  void badFileQueriesSayWhatIsWrong(String path, int status, String message) {
    ServiceRest.Response answer = rest.get(path);
    assertThat(answer.status()).isEqualTo(status);
    assertThat(answer.json().path("Message").asText()).contains(message);
    assertThat(answer.body()).doesNotContain("java.").doesNotContain("at io.");
  }

  @Test
  void pageRegistryTakesNewPagesAndRejectsBadOnes() {
    ConsolePages pages = ConsolePages.hub();
    pages.add("dps", "DPS enrollments", "dps.js");
    assertThat(pages.list()).extracting(ConsolePages.Page::id).endsWith("faults", "dps");
    assertThatThrownBy(() -> pages.add("dps", "again", "dps2.js")).hasMessageContaining("already has a page 'dps'");
    assertThatThrownBy(() -> pages.add("x", "X", "../x.js")).hasMessageContaining("module must be a file name");
    assertThatThrownBy(() -> pages.add("Bad Id", "X", "x.js")).hasMessageStartingWith("id must be");
  }
}
