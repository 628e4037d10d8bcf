// C2D purge (DELETE /devices/{id}/commands) and the emulator's HTTPS feedback queue
// (/messages/serviceBound/feedback) against a running emulator with a raw MQTT device (docs/service-api.md §16).
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ServiceC2dFeedbackIT {

  private static HubEmulator hub;
  private static ServiceRest rest;

  @BeforeAll
  static void start() {
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    rest = new ServiceRest(hub);
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  /** Every feedback record available now, each batch completed. */
  private static List<JsonNode> drainFeedback() {
    return drainFeedback(rest);
  }

  private static List<JsonNode> drainFeedback(ServiceRest rest) {
    List<JsonNode> records = new ArrayList<>();
    while (true) {
      ServiceRest.Response batch = rest.get("/messages/serviceBound/feedback?max=2&api-version=2021-04-12");
      if (batch.status() == 204) {
        return records;
      }
      assertThat(batch.status()).isEqualTo(200);
      batch.json().forEach(records::add);
      String lock = batch.header("ETag");
      assertThat(rest.delete("/messages/serviceBound/feedback/" + lock.replace("\"", "")).status()).isEqualTo(204);
    }
  }

  private static List<JsonNode> awaitFeedback(String messageId) {
    return awaitFeedback(rest, messageId);
  }

  private static List<JsonNode> awaitFeedback(ServiceRest rest, String messageId) {
    List<JsonNode> seen = new ArrayList<>();
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      seen.addAll(drainFeedback(rest));
      return seen.stream().anyMatch(r -> r.path("originalMessageId").asText().equals(messageId));
    });
    return seen;
  }

  @Test
  void aCompletedMessageWithAnAckRequestGivesSuccessFeedback() throws Exception {
    DeviceIdentity identity = hub.registry().createDevice("fb-ok");
    Mqtt3BlockingClient device = RawDevice.client(hub, identity);
    RawDevice.connect(device, hub, identity, true);
    try {
      Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(device);
      device.subscribeWith().topicFilter("devices/fb-ok/messages/devicebound/#").qos(RawDevice.qos1()).send();
      String id = rest.post("/emulator/devices/fb-ok/messages", "{\"payload\":\"hi\",\"ack\":\"full\"}").json()
          .path("messageId").asText();
      RawDevice.receive(publishes);

      JsonNode record = awaitFeedback(id).stream()
          .filter(r -> r.path("originalMessageId").asText().equals(id)).findFirst().orElseThrow();
      assertThat(record.path("statusCode").asText()).isEqualTo("Success");
      assertThat(record.path("deviceId").asText()).isEqualTo("fb-ok");
      assertThat(record.path("deviceGenerationId").asText())
          .isEqualTo(rest.get("/devices/fb-ok").json().path("generationId").asText());
    } finally {
      device.disconnect();
    }
  }

  @Test
  void theDeviceSeesTheAckRequestAndFeedbackOwedBeforeARestartIsGivenAfterIt(@TempDir Path dataDir)
      throws Exception {
    DeviceIdentity identity;
    String id;
    try (HubEmulator first = HubEmulator.builder().mqttPort(0).webSocketPort(0).dataDir(dataDir).build().start()) {
      identity = first.registry().createDevice("fb-restart");
      id = new ServiceRest(first).post("/emulator/devices/fb-restart/messages",
          "{\"payload\":\"kept\",\"ack\":\"positive\"}").json().path("messageId").asText();
    }
    try (HubEmulator second = HubEmulator.builder().mqttPort(0).webSocketPort(0).dataDir(dataDir).build()
        .start()) {
      Mqtt3BlockingClient device = RawDevice.client(second, identity);
      RawDevice.connect(device, second, identity, true);
      try {
        Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(device);
        device.subscribeWith().topicFilter("devices/fb-restart/messages/devicebound/#").qos(RawDevice.qos1())
            .send();
        Mqtt3Publish message = RawDevice.receive(publishes);
        assertThat(message.getTopic().toString()).contains("iothub-ack=positive");

        JsonNode record = awaitFeedback(new ServiceRest(second), id).stream()
            .filter(r -> r.path("originalMessageId").asText().equals(id)).findFirst().orElseThrow();
        assertThat(record.path("statusCode").asText()).isEqualTo("Success");
      } finally {
        device.disconnect();
      }
    }
  }

  @Test
  void anExpiredMessageGivesExpiredFeedbackOnlyWhenNegativeAcksAreAsked() {
    hub.registry().createDevice("fb-late");
    String negative = rest.post("/emulator/devices/fb-late/messages", "{\"payload\":\"a\",\"ttlSeconds\":1,"
        + "\"ack\":\"negative\"}").json().path("messageId").asText();
    String positiveOnly = rest.post("/emulator/devices/fb-late/messages", "{\"payload\":\"b\",\"ttlSeconds\":1,"
        + "\"ack\":\"positive\"}").json().path("messageId").asText();

    List<JsonNode> records = awaitFeedback(negative);
    JsonNode expired = records.stream().filter(r -> r.path("originalMessageId").asText().equals(negative))
        .findFirst().orElseThrow();
    assertThat(expired.path("statusCode").asText()).isEqualTo("Expired");
    assertThat(records).noneMatch(r -> r.path("originalMessageId").asText().equals(positiveOnly));
    assertThat(rest.post("/emulator/devices/fb-late/messages", "{\"payload\":\"c\",\"ack\":\"maybe\"}").status())
        .isEqualTo(400);
  }

  @Test
  void purgeEmptiesTheQueueWithoutFeedback() {
    hub.registry().createDevice("fb-purge");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(rest.post("/emulator/devices/fb-purge/messages", "{\"payload\":\"m" + i + "\",\"ack\":\"full\"}")
          .json().path("messageId").asText());
    }
    assertThat(rest.get("/devices/fb-purge").json().path("cloudToDeviceMessageCount").asInt()).isEqualTo(3);

    ServiceRest.Response purged = rest.delete("/devices/fb-purge/commands");

    assertThat(purged.status()).isEqualTo(200);
    assertThat(purged.json().path("totalMessagesPurged").asInt()).isEqualTo(3);
    assertThat(purged.json().path("deviceId").asText()).isEqualTo("fb-purge");
    assertThat(rest.get("/devices/fb-purge").json().path("cloudToDeviceMessageCount").asInt()).isZero();
    assertThat(drainFeedback()).noneMatch(r -> ids.contains(r.path("originalMessageId").asText()));
    assertThat(rest.delete("/devices/nobody/commands").errorCode()).isEqualTo("DeviceNotFound");
  }

  @Test
  void anAbandonedBatchComesBackAndAStaleLockIsRefused() {
    hub.registry().createDevice("fb-abandon");
    String id = rest.post("/emulator/devices/fb-abandon/messages", "{\"payload\":\"x\",\"ttlSeconds\":1,"
        + "\"ack\":\"full\"}").json().path("messageId").asText();
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      ServiceRest.Response batch = rest.get("/messages/serviceBound/feedback?max=1000&api-version=2021-04-12");
      if (batch.status() != 200) {
        return false;
      }
      String lock = batch.header("ETag").replace("\"", "");
      assertThat(rest.post("/messages/serviceBound/feedback/" + lock + "/abandon", "").status()).isEqualTo(204);
      return batch.body().contains(id);
    });
    ServiceRest.Response again = rest.get("/messages/serviceBound/feedback?max=1000&api-version=2021-04-12");
    assertThat(again.body()).contains(id);
    String lock = again.header("ETag").replace("\"", "");
    assertThat(rest.delete("/messages/serviceBound/feedback/" + lock).status()).isEqualTo(204);
    ServiceRest.Response stale = rest.delete("/messages/serviceBound/feedback/" + lock);
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.errorNumber()).isEqualTo(412002);
    assertThat(new ServiceRest(hub).as("registryRead").get("/messages/serviceBound/feedback").status())
        .isEqualTo(401);
  }
}
