// The built-in Blob storage face with a data dir (docs/protocol.md §16.3): committed blobs, uncommitted blocks and the
// account key survive a restart, so a blob reads back byte for byte and a SAS URI handed out before still works.
package io.rxiothub.emulator.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.sas.PercentEncoding;
import io.rxiothub.sas.SasToken;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class BuiltInStorageRestartIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static HubEmulator start(Path dataDir) {
    return HubEmulator.builder().mqttPort(0).webSocketPort(0).dataDir(dataDir).build().start();
  }

  private static HttpResponse<byte[]> send(HubEmulator hub, String method, String uri, byte[] body, String... headers)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(hub.sslContext())
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The blob's path and SAS query as a SAS URI names them: /emulatorstorage/{container}/{blob}?{sas}. */
  private static String sasPath(HubEmulator hub, DeviceIdentity device, String blobName) throws Exception {
    String token = SasToken.generate(hub.hostName() + "/devices/" + device.deviceId(), device.primaryKey(),
        Instant.now().getEpochSecond() + 600, null).format();
    HttpResponse<byte[]> answer = send(hub, "POST", "https://localhost:" + hub.webSocketPort() + "/devices/"
        + device.deviceId() + "/files?api-version=2020-03-13", ("{\"blobName\":\"" + blobName + "\"}")
        .getBytes(StandardCharsets.UTF_8), "Authorization", token, "Content-Type", "application/json");
    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode sas = JSON.readTree(answer.body());
    return "/" + FileUploads.STORAGE_ACCOUNT + "/" + sas.get("containerName").asText() + "/"
        + PercentEncoding.encode(sas.get("blobName").asText()) + sas.get("sasToken").asText();
  }

  private static String at(HubEmulator hub, String sasPath) {
    return "https://localhost:" + hub.webSocketPort() + sasPath;
  }

  private static String blockId(int n) {
    return URLEncoder.encode(Base64.getEncoder().encodeToString(("block-" + n).getBytes(StandardCharsets.UTF_8)),
        StandardCharsets.UTF_8);
  }

  private static byte[] blockList(int... ns) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
    for (int n : ns) {
      xml.append("<Latest>").append(Base64.getEncoder().encodeToString(("block-" + n)
          .getBytes(StandardCharsets.UTF_8))).append("</Latest>");
    }
    return xml.append("</BlockList>").toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void blobsBlocksAndTheAccountKeySurviveARestart(@TempDir Path dataDir) throws Exception {
    byte[] first = new byte[70_000];
    byte[] second = new byte[123];
    byte[] pending = new byte[5_000];
    Random random = new Random(42);
    random.nextBytes(first);
    random.nextBytes(second);
    random.nextBytes(pending);
    String committedPath;
    String pendingPath;
    try (HubEmulator hub = start(dataDir)) {
      DeviceIdentity device = hub.registry().createDevice("keeper");
      committedPath = sasPath(hub, device, "logs/day 1.bin");
      assertThat(send(hub, "PUT", at(hub, committedPath) + "&comp=block&blockid=" + blockId(1), first,
          "x-ms-version", "2020-10-02").statusCode()).isEqualTo(201);
      assertThat(send(hub, "PUT", at(hub, committedPath) + "&comp=block&blockid=" + blockId(2), second,
          "x-ms-version", "2020-10-02").statusCode()).isEqualTo(201);
      assertThat(send(hub, "PUT", at(hub, committedPath) + "&comp=blocklist", blockList(1, 2),
          "x-ms-version", "2020-10-02").statusCode()).isEqualTo(201);
      pendingPath = sasPath(hub, device, "pending.bin");
      assertThat(send(hub, "PUT", at(hub, pendingPath) + "&comp=block&blockid=" + blockId(7), pending,
          "x-ms-version", "2020-10-02").statusCode()).isEqualTo(201);
    }

    try (HubEmulator restarted = start(dataDir)) {
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.write(first);
      expected.write(second);
      assertThat(restarted.files().blob("keeper/logs/day 1.bin")).hasValueSatisfying(b ->
          assertThat(b).isEqualTo(expected.toByteArray()));
      assertThat(restarted.files().blobNames()).containsExactly("keeper/logs/day 1.bin");
      HttpResponse<byte[]> read = send(restarted, "GET", at(restarted, committedPath), new byte[0],
          "x-ms-version", "2020-10-02");
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.body()).isEqualTo(expected.toByteArray());
      assertThat(send(restarted, "PUT", at(restarted, pendingPath) + "&comp=blocklist", blockList(7),
          "x-ms-version", "2020-10-02").statusCode()).isEqualTo(201);
      assertThat(restarted.files().blob("keeper/pending.bin")).hasValueSatisfying(b ->
          assertThat(b).isEqualTo(pending));
    }
  }
}
