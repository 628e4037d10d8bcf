// The back end's file upload notifications over the emulator-only route /messages/serviceBound/filenotifications
// (docs/service-api.md §16.1): a device uploads through the hub's file endpoints and the built-in storage, the back end
// receives the record under a lock, completes or abandons it.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rxiothub.sas.SasToken;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServiceFileNotificationsIT {

  private static final String ROUTE = "/messages/serviceBound/filenotifications";
  private static HubEmulator hub;
  private static ServiceRest rest;
  private static HttpClient http;
  private static DeviceIdentity device;

  @BeforeAll
  static void start() {
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    rest = new ServiceRest(hub);
    device = hub.registry().createDevice("fn-dev");
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(hub.sslContext()).build();
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @Test
  void aSuccessfulUploadIsReceivedUnderALockThenCompleted() throws Exception {
    assertThat(rest.get(ROUTE).status()).as("nothing waits yet").isEqualTo(204);
    upload("failed.bin", "nope", false);
    upload("logs/today.txt", "hello notifications", true);

    ServiceRest.Response received = awaitRecords();
    assertThat(received.json()).as("only successful uploads are notified, as on the hub").hasSize(1);
    JsonNode record = received.json().get(0);
    assertThat(record.path("deviceId").asText()).isEqualTo("fn-dev");
    assertThat(record.path("blobName").asText()).isEqualTo("fn-dev/logs/today.txt");
    assertThat(record.path("blobSizeInBytes").asLong()).isEqualTo(19);
    assertThat(record.path("blobUri").asText()).contains("/emulatorstorage/").endsWith("today.txt")
        .doesNotContain("sig=");
    assertThat(record.path("enqueuedTimeUtc").asText()).isNotEmpty();
    assertThat(record.path("lastUpdatedTime").asText()).isEqualTo(record.path("enqueuedTimeUtc").asText());
    String lock = received.header("ETag").replace("\"", "");
    assertThat(received.header("iothub-lockuntil")).isNotEmpty();
    assertThat(rest.get(ROUTE).status()).as("the record is locked").isEqualTo(204);

    assertThat(rest.delete(ROUTE + "/" + lock).status()).isEqualTo(204);
    assertThat(rest.delete(ROUTE + "/" + lock).status()).as("a completed lock is gone").isEqualTo(412);
    assertThat(rest.get(ROUTE).status()).isEqualTo(204);
  }

  @Test
  void anAbandonedBatchIsReceivedAgain() throws Exception {
    upload("again.txt", "twice", true);
    ServiceRest.Response first = awaitRecords();
    String lock = first.header("ETag").replace("\"", "");

    assertThat(rest.post(ROUTE + "/" + lock + "/abandon", "").status()).isEqualTo(204);
    ServiceRest.Response second = rest.get(ROUTE);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().get(0).path("blobName").asText()).isEqualTo("fn-dev/again.txt");
    assertThat(rest.delete(ROUTE + "/" + second.header("ETag").replace("\"", "")).status()).isEqualTo(204);
  }

  @Test
  void needsServiceConnect() {
    ServiceRest.Response answer = rest.as("registryReadWrite").get(ROUTE);
    rest.as("iothubowner");
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.body()).contains("ServiceConnect");
  }

  private static ServiceRest.Response awaitRecords() {
    ServiceRest.Response[] answer = new ServiceRest.Response[1];
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
      answer[0] = rest.get(ROUTE);
      return answer[0].status() == 200;
    });
    return answer[0];
  }

  /** A device's upload: SAS URI from the hub, Put Blob to the built-in storage, the notification. */
  private static void upload(String blobName, String content, boolean success) throws Exception {
    String token = SasToken.generate(hub.hostName() + "/devices/fn-dev", device.primaryKey(),
        Instant.now().getEpochSecond() + 600, null).format();
    JsonNode sas = ServiceRest.JSON.readTree(send("POST", hub("/devices/fn-dev/files"), token,
        "{\"blobName\":\"" + blobName + "\"}").body());
    String blob = "https://" + sas.get("hostName").asText() + "/" + sas.get("containerName").asText() + "/"
        + URLEncoder.encode(sas.get("blobName").asText(), StandardCharsets.UTF_8) + sas.get("sasToken").asText();
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(blob)).header("x-ms-blob-type",
        "BlockBlob").PUT(HttpRequest.BodyPublishers.ofString(content)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(send("POST", hub("/devices/fn-dev/files/notifications"), token, "{\"correlationId\":\""
        + sas.get("correlationId").asText() + "\",\"isSuccess\":" + success + ",\"statusCode\":" + (success ? 200
        : 500) + ",\"statusDescription\":\"x\"}").statusCode()).isEqualTo(204);
  }

  private static String hub(String path) {
    return "https://localhost:" + hub.webSocketPort() + path + "?api-version=2020-03-13";
  }

  private static HttpResponse<String> send(String method, String uri, String token, String body)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(uri)).header("Authorization", token)
        .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
