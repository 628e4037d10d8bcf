// GET /emulator/monitor: telemetry as Server-Sent Events with system and application properties, from the latest or
// the earliest stored message, filtered by device.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.rxiothub.sas.SasToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServiceMonitorIT {

  private static HubEmulator hub;
  private static Mqtt3BlockingClient device;

  @BeforeAll
  static void start() {
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    DeviceIdentity identity = hub.registry().createDevice("mon-dev");
    hub.registry().createDevice("other-dev");
    device = RawDevice.client(hub, identity);
    RawDevice.connect(device, hub, identity, true);
  }

  @AfterAll
  static void stop() {
    device.disconnect();
    hub.close();
  }

  private static void send(String payload) {
    device.publishWith().topic("devices/mon-dev/messages/events/%24.mid=" + payload + "&%24.ct=text%2Fplain&room=lab")
        .qos(RawDevice.qos1()).payload(payload.getBytes(StandardCharsets.UTF_8)).send();
  }

  private static HttpResponse<Stream<String>> open(String query, String policy) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(hub.sslContext())
        .build();
    String token = SasToken.generate(hub.hostName(), hub.registry().policyKey(policy).orElseThrow(),
        Instant.now().getEpochSecond() + 600, policy).format();
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + hub.webSocketPort()
        + "/emulator/monitor?api-version=2021-04-12" + query)).header("Authorization", token).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
  }

  private static JsonNode nextEvent(Iterator<String> lines) throws Exception {
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("data: ")) {
        return ServiceRest.JSON.readTree(line.substring(6));
      }
    }
    throw new AssertionError("the stream ended");
  }

  @Test
  void liveTelemetryArrivesWithItsProperties() throws Exception {
    HttpResponse<Stream<String>> response = open("", "service");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    Iterator<String> lines = response.body().iterator();
    send("live-1");

    JsonNode event = nextEvent(lines);
    assertThat(event.path("deviceId").asText()).isEqualTo("mon-dev");
    assertThat(event.path("payload").asText()).isEqualTo("live-1");
    assertThat(event.path("systemProperties").path("$.mid").asText()).isEqualTo("live-1");
    assertThat(event.path("systemProperties").path("$.ct").asText()).isEqualTo("text/plain");
    assertThat(event.path("applicationProperties").path("room").asText()).isEqualTo("lab");
    response.body().close();
  }

  @Test
  void earliestReplaysStoredMessagesFirstAndFiltersByDevice() throws Exception {
    send("stored-a");
    send("stored-b");
    HttpResponse<Stream<String>> response = open("&from=earliest&deviceId=mon-dev", "iothubowner");
    Iterator<String> lines = response.body().iterator();
    StringBuilder seen = new StringBuilder();
    JsonNode event;
    do {
      event = nextEvent(lines);
      seen.append(event.path("payload").asText()).append(' ');
    } while (!event.path("payload").asText().equals("stored-b"));
    assertThat(seen.toString()).contains("stored-a stored-b");
    send("after");
    assertThat(nextEvent(lines).path("payload").asText()).isEqualTo("after");
    response.body().close();
  }

  @Test
  void monitorNeedsServiceConnectAndAKnownFrom() throws Exception {
    assertThat(open("", "registryRead").statusCode()).isEqualTo(401);
    assertThat(open("&from=yesterday", "service").statusCode()).isEqualTo(400);
  }
}
