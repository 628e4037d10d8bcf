// The emulator's file upload face over its real TLS with java.net.http: SAS URI, the built-in storage face (Put Blob,
// Put Block, Put Block List, Get Blob, its SAS), the notification, and the hub's rules and errors.
package io.rxiothub.emulator.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.sas.SasToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class FileUploadFaceIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static HubEmulator hub;
  private static HttpClient http;
  private static DeviceIdentity device;

  @BeforeAll
  static void start() {
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    device = hub.registry().createDevice("up-dev");
    hub.registry().createDevice("other-dev");
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(hub.sslContext())
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @AfterEach
  void clearFaults() {
    hub.files().failStorage(500, 0);
    hub.files().failHubRequests(500, 0);
    hub.files().sasTimeToLive(Duration.ofHours(1));
  }

  private static String token(DeviceIdentity id) {
    return SasToken.generate(hub.hostName() + "/devices/" + id.deviceId(), id.primaryKey(),
        Instant.now().getEpochSecond() + 600, null).format();
  }

  private static HttpResponse<byte[]> send(String method, String uri, @Nullable String authorization, byte[] body,
      String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String hubUri(String path) {
    return "https://localhost:" + hub.webSocketPort() + path + "?api-version=2020-03-13";
  }

  private static HttpResponse<byte[]> sasRequest(DeviceIdentity id, String blobName) {
    return send("POST", hubUri("/devices/" + id.deviceId() + "/files"), token(id),
        ("{\"blobName\":" + JSON.valueToTree(blobName) + "}").getBytes(StandardCharsets.UTF_8),
        "Content-Type", "application/json");
  }

  private static JsonNode json(HttpResponse<byte[]> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The blob URI as the official SDKs build it: https://{hostName}/{container}/{encoded blob name}{sasToken}. */
  private static String blobUri(JsonNode sas) {
    return "https://" + sas.get("hostName").asText() + "/" + sas.get("containerName").asText() + "/"
        + java.net.URLEncoder.encode(sas.get("blobName").asText(), StandardCharsets.UTF_8)
        + sas.get("sasToken").asText();
  }

  private static HttpResponse<byte[]> notify(DeviceIdentity id, String correlationId, boolean success) {
    String body = "{\"correlationId\":\"" + correlationId + "\",\"isSuccess\":" + success + ",\"statusCode\":"
        + (success ? 200 : 500) + ",\"statusDescription\":\"" + (success ? "done" : "failed") + "\"}";
    return send("POST", hubUri("/devices/" + id.deviceId() + "/files/notifications"), token(id),
        body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
  }

  @Test
  void blocksCommittedThroughTheBuiltInStorageAreReadBackAndNotified() throws Exception {
    TestSubscriber<FileUploadNotification> notifications = hub.files().notifications().test();
    HttpResponse<byte[]> answer = sasRequest(device, "dir/report.bin");
    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode sas = json(answer);
    assertThat(sas.get("blobName").asText()).isEqualTo("up-dev/dir/report.bin");
    assertThat(sas.get("hostName").asText()).isEqualTo("localhost:" + hub.webSocketPort() + "/emulatorstorage");
    assertThat(sas.get("sasToken").asText()).startsWith("?sv=").contains("&sig=");
    String uri = blobUri(sas);
    byte[] first = "first block, ".getBytes(StandardCharsets.UTF_8);
    byte[] second = "second block".getBytes(StandardCharsets.UTF_8);
    String id1 = Base64.getEncoder().encodeToString("block-000001".getBytes(StandardCharsets.UTF_8));
    String id2 = Base64.getEncoder().encodeToString("block-000002".getBytes(StandardCharsets.UTF_8));

    assertThat(send("PUT", uri + "&comp=block&blockid=" + id2, null, second).statusCode()).isEqualTo(201);
    assertThat(send("PUT", uri + "&comp=block&blockid=" + id1, null, first).statusCode()).isEqualTo(201);
    String list = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><Latest>" + id1 + "</Latest><Latest>" + id2
        + "</Latest></BlockList>";
    assertThat(send("PUT", uri + "&comp=blocklist", null, list.getBytes(StandardCharsets.UTF_8)).statusCode())
        .isEqualTo(201);
    assertThat(hub.files().activeUploads("up-dev")).isEqualTo(1);
    assertThat(notify(device, sas.get("correlationId").asText(), true).statusCode()).isEqualTo(204);

    HttpResponse<byte[]> read = send("GET", uri, null, new byte[0]);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(new String(read.body(), StandardCharsets.UTF_8)).isEqualTo("first block, second block");
    assertThat(hub.files().blob("up-dev/dir/report.bin")).hasValueSatisfying(
        b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("first block, second block"));
    assertThat(hub.files().activeUploads("up-dev")).isZero();
    notifications.awaitCount(1);
    FileUploadNotification n = notifications.values().get(0);
    assertThat(n.deviceId()).isEqualTo("up-dev");
    assertThat(n.success()).isTrue();
    assertThat(n.blobName()).isEqualTo("up-dev/dir/report.bin");
    assertThat(n.blobSizeInBytes()).isEqualTo(25);
    assertThat(n.blobUri()).doesNotContain("sig=");
    assertThat(hub.files().notifications("up-dev")).contains(n);
    notifications.cancel();
  }

  @Test
  void putBlobStoresTheBodyAndAWrongMd5IsRefused() {
    JsonNode sas = json(sasRequest(device, "small.txt"));
    String uri = blobUri(sas);
    byte[] body = "hello".getBytes(StandardCharsets.UTF_8);

    HttpResponse<byte[]> badMd5 = send("PUT", uri, null, body, "x-ms-blob-type", "BlockBlob", "Content-MD5",
        Base64.getEncoder().encodeToString(new byte[16]));
    HttpResponse<byte[]> put = send("PUT", uri, null, body, "x-ms-blob-type", "BlockBlob");

    assertThat(badMd5.statusCode()).isEqualTo(400);
    assertThat(badMd5.headers().firstValue("x-ms-error-code")).hasValue("Md5Mismatch");
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(hub.files().blob("up-dev/small.txt")).hasValueSatisfying(b -> assertThat(b).isEqualTo(body));
    assertThat(notify(device, sas.get("correlationId").asText(), true).statusCode()).isEqualTo(204);
  }

  static Stream<Arguments> badSas() {
    return Stream.of(
        Arguments.of("no SAS at all", (java.util.function.UnaryOperator<String>) u -> u.substring(0, u.indexOf('?'))),
        Arguments.of("a tampered signature", (java.util.function.UnaryOperator<String>) u -> u.replaceAll(
            "sig=[^&]*", "sig=AAAA")),
        Arguments.of("another blob's SAS", (java.util.function.UnaryOperator<String>) u -> u.replace(
            "sas-rules.txt", "other.txt")));
  }

  @ParameterizedTest(name = "storage refuses {0} with 403")
  @MethodSource("badSas")
  void storageRefusesRequestsWithoutAValidSas(String what, java.util.function.UnaryOperator<String> spoil) {
    JsonNode sas = json(sasRequest(device, "sas-rules.txt"));

    HttpResponse<byte[]> put = send("PUT", spoil.apply(blobUri(sas)), null, new byte[] {1},
        "x-ms-blob-type", "BlockBlob");

    assertThat(put.statusCode()).isEqualTo(403);
    assertThat(put.headers().firstValue("x-ms-error-code")).hasValue("AuthenticationFailed");
    assertThat(new String(put.body(), StandardCharsets.UTF_8)).doesNotContain(sas.get("sasToken").asText()
        .replaceAll(".*sig=", ""));
    notify(device, sas.get("correlationId").asText(), false);
  }

  @Test
  void anExpiredSasIsRefusedByStorage() throws Exception {
    hub.files().sasTimeToLive(Duration.ofSeconds(1));
    JsonNode sas = json(sasRequest(device, "late.txt"));
    TimeUnit.MILLISECONDS.sleep(2100); // the SAS is signed with whole seconds of the real clock

    HttpResponse<byte[]> put = send("PUT", blobUri(sas), null, new byte[] {1}, "x-ms-blob-type", "BlockBlob");

    assertThat(put.statusCode()).isEqualTo(403);
    assertThat(new String(put.body(), StandardCharsets.UTF_8)).contains("expired");
    assertThat(hub.files().activeUploads("up-dev")).isZero();
  }

  @Test
  void theEleventhConcurrentUploadIsRefusedUntilOneIsNotified() {
    DeviceIdentity busy = hub.registry().createDevice("busy-dev");
    String first = null;
    for (int i = 0; i < FileUploads.MAX_CONCURRENT_UPLOADS; i++) {
      HttpResponse<byte[]> ok = sasRequest(busy, "f" + i);
      assertThat(ok.statusCode()).isEqualTo(200);
      first = first == null ? json(ok).get("correlationId").asText() : first;
    }

    HttpResponse<byte[]> refused = sasRequest(busy, "f10");
    assertThat(notify(busy, first, false).statusCode()).isEqualTo(204);
    HttpResponse<byte[]> afterwards = sasRequest(busy, "f10");

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).get("errorCode").asInt()).isEqualTo(403006);
    assertThat(json(refused).get("Message").asText()).contains("DeviceMaximumActiveFileUploadLimitExceeded");
    assertThat(afterwards.statusCode()).isEqualTo(200);
  }

  static Stream<Arguments> badBlobNames() {
    return Stream.of(Arguments.of("a/", "must not end with '.' or '/'"),
        Arguments.of("a//b", "empty path segment"),
        Arguments.of("x".repeat(1020), "at most 1024 characters"),
        Arguments.of("bad\u0001name", "control characters"),
        Arguments.of("", "must not be empty"));
  }

  @ParameterizedTest(name = "blob name rule: {1}")
  @MethodSource("badBlobNames")
  void blobNamesBreakingStorageRulesAreRefusedWithTheRule(String name, String rule) {
    HttpResponse<byte[]> answer = sasRequest(device, name);

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(json(answer).get("Message").asText()).contains(rule);
  }

  @Test
  void hubEndpointsNeedTheDevicesOwnValidToken() {
    byte[] body = "{\"blobName\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    DeviceIdentity other = hub.registry().get("other-dev").orElseThrow();
    String expired = SasToken.generate(hub.hostName() + "/devices/up-dev", device.primaryKey(),
        Instant.now().getEpochSecond() - 10, null).format();

    HttpResponse<byte[]> none = send("POST", hubUri("/devices/up-dev/files"), null, body);
    HttpResponse<byte[]> foreign = send("POST", hubUri("/devices/up-dev/files"), token(other), body);
    HttpResponse<byte[]> old = send("POST", hubUri("/devices/up-dev/files"), expired, body);
    HttpResponse<byte[]> unknown = send("POST", hubUri("/devices/ghost/files"), token(device), body);

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(foreign.statusCode()).isEqualTo(401);
    assertThat(json(foreign).get("Message").asText()).contains("does not cover");
    assertThat(old.statusCode()).isEqualTo(401);
    assertThat(json(old).get("Message").asText()).contains("expired");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new String(foreign.body(), StandardCharsets.UTF_8)).doesNotContain("sig=");
  }

  @Test
  void aNotificationOfAnUnknownCorrelationIdIsRefused() {
    HttpResponse<byte[]> answer = notify(device, "no-such-correlation", true);

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(json(answer).get("Message").asText()).contains("no-such-correlation");
  }

  @Test
  void injectedFaultsAnswerTheNextRequestsOnly() {
    hub.files().failHubRequests(429, 1);
    HttpResponse<byte[]> throttled = sasRequest(device, "fault.txt");
    JsonNode sas = json(sasRequest(device, "fault.txt"));
    hub.files().failStorage(503, 1);

    HttpResponse<byte[]> busy = send("PUT", blobUri(sas), null, new byte[] {1}, "x-ms-blob-type", "BlockBlob");
    HttpResponse<byte[]> ok = send("PUT", blobUri(sas), null, new byte[] {1}, "x-ms-blob-type", "BlockBlob");

    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(busy.statusCode()).isEqualTo(503);
    assertThat(busy.headers().firstValue("x-ms-error-code")).hasValue("ServerBusy");
    assertThat(ok.statusCode()).isEqualTo(201);
    notify(device, sas.get("correlationId").asText(), true);
  }

  @Test
  void aStorageBodyMayExceedTheRestLimitButAServiceBodyMayNot() {
    JsonNode sas = json(sasRequest(device, "big.bin"));
    byte[] big = new byte[1024 * 1024];

    HttpResponse<byte[]> put = send("PUT", blobUri(sas), null, big, "x-ms-blob-type", "BlockBlob");
    HttpResponse<byte[]> rest = send("POST", hubUri("/devices/up-dev/files"), token(device), big);

    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(hub.files().blob("up-dev/big.bin")).hasValueSatisfying(b -> assertThat(b).hasSize(big.length));
    assertThat(rest.statusCode()).isEqualTo(413);
    notify(device, sas.get("correlationId").asText(), true);
  }
}
