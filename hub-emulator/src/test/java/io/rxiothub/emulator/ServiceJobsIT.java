// The service REST API's jobs (/jobs/v2 and FROM devices.jobs) against a running emulator, with raw MQTT devices
// that see their effects (docs/service-api.md §15).
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServiceJobsIT {

  private static HubEmulator hub;
  private static ServiceRest rest;
  private final List<Mqtt3BlockingClient> devices = new ArrayList<>();

  @BeforeAll
  static void start() {
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    rest = new ServiceRest(hub);
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @AfterEach
  void disconnect() {
    for (Mqtt3BlockingClient device : devices) {
      if (device.getState().isConnected()) {
        device.disconnect();
      }
    }
  }

  /** A connected device that collects desired patches and answers every method with 200 and its own id. */
  private ConcurrentLinkedQueue<String> online(String deviceId, boolean answerMethods) {
    DeviceIdentity identity = hub.registry().createDevice(deviceId);
    Mqtt3BlockingClient device = RawDevice.client(hub, identity);
    devices.add(device);
    RawDevice.connect(device, hub, identity, true);
    ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    Mqtt3AsyncClient async = device.toAsync();
    async.publishes(MqttGlobalPublishFilter.ALL, publish -> {
      String topic = publish.getTopic().toString();
      seen.add(topic + " " + new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8));
      if (answerMethods && topic.startsWith("$iothub/methods/POST/")) {
        String rid = topic.substring(topic.indexOf("$rid=") + 5);
        async.publishWith().topic("$iothub/methods/res/200/?$rid=" + rid).qos(RawDevice.qos1())
            .payload(("{\"from\":\"" + deviceId + "\"}").getBytes(StandardCharsets.UTF_8)).send();
      }
    });
    device.subscribeWith().topicFilter("$iothub/twin/PATCH/properties/desired/#").qos(RawDevice.qos1()).send();
    device.subscribeWith().topicFilter("$iothub/methods/POST/#").qos(RawDevice.qos1()).send();
    return seen;
  }

  private static JsonNode awaitStatus(String jobId, String status) {
    await().atMost(Duration.ofSeconds(20)).until(() -> rest.get("/jobs/v2/" + jobId).json().path("status").asText(),
        status::equals);
    return rest.get("/jobs/v2/" + jobId).json();
  }

  private static String now() {
    return Instant.now().toString();
  }

  @Test
  void twinJobUpdatesTheDevicesItsConditionSelectsAndTheyAreTold() {
    ConcurrentLinkedQueue<String> seen = online("tj-a", false);
    hub.registry().createDevice("tj-b");
    hub.registry().createDevice("tj-other");
    rest.patch("/twins/tj-a", "{\"tags\":{\"fleet\":\"tj\"}}");
    rest.patch("/twins/tj-b", "{\"tags\":{\"fleet\":\"tj\"}}");

    ServiceRest.Response created = rest.put("/jobs/v2/twin-job-1", "{\"jobId\":\"twin-job-1\",\"type\":"
        + "\"scheduleUpdateTwin\",\"queryCondition\":\"tags.fleet = 'tj'\",\"startTime\":\"" + now() + "\","
        + "\"maxExecutionTimeInSeconds\":60,\"updateTwin\":{\"etag\":\"*\",\"tags\":{\"done\":true},"
        + "\"properties\":{\"desired\":{\"mode\":\"eco\"}}}}");

    assertThat(created.status()).isEqualTo(200);
    assertThat(created.json().path("type").asText()).isEqualTo("scheduleUpdateTwin");
    JsonNode job = awaitStatus("twin-job-1", "completed");
    JsonNode stats = job.path("deviceJobStatistics");
    assertThat(stats.path("deviceCount").asInt()).isEqualTo(2);
    assertThat(stats.path("succeededCount").asInt()).isEqualTo(2);
    assertThat(stats.path("failedCount").asInt()).isZero();
    assertThat(job.path("endTime").asText()).endsWith("Z");
    assertThat(rest.get("/twins/tj-b").json().path("properties").path("desired").path("mode").asText())
        .isEqualTo("eco");
    assertThat(rest.get("/twins/tj-b").json().path("tags").path("done").asBoolean()).isTrue();
    assertThat(rest.get("/twins/tj-other").json().path("tags").has("done")).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(
        s -> s.startsWith("$iothub/twin/PATCH/properties/desired/") && s.contains("\"mode\":\"eco\"")));

    JsonNode rows = rest.post("/devices/query", "{\"query\":\"SELECT * FROM devices.jobs WHERE"
        + " devices.jobs.jobId = 'twin-job-1'\"}").json();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).path("jobType").asText()).isEqualTo("scheduleUpdateTwin");
    assertThat(rows.get(0).path("status").asText()).isEqualTo("completed");
    assertThat(rows.findValuesAsText("deviceId")).containsExactlyInAnyOrder("tj-a", "tj-b");
  }

  @Test
  void methodJobCallsOnlineDevicesAndFailsOfflineOnesWithTheReason() {
    online("mj-on", true);
    hub.registry().createDevice("mj-off");

    rest.put("/jobs/v2/method-job-1", "{\"type\":\"scheduleDeviceMethod\",\"queryCondition\":"
        + "\"deviceId IN ['mj-on', 'mj-off']\",\"startTime\":\"" + now() + "\",\"cloudToDeviceMethod\":"
        + "{\"methodName\":\"reboot\",\"responseTimeoutInSeconds\":10,\"connectTimeoutInSeconds\":0,"
        + "\"payload\":{\"delay\":1}}}");

    JsonNode job = awaitStatus("method-job-1", "completed");
    assertThat(job.path("deviceJobStatistics").path("succeededCount").asInt()).isEqualTo(1);
    assertThat(job.path("deviceJobStatistics").path("failedCount").asInt()).isEqualTo(1);
    assertThat(job.path("cloudToDeviceMethod").path("methodName").asText()).isEqualTo("reboot");
    JsonNode on = rest.post("/devices/query", "{\"query\":\"SELECT * FROM devices.jobs WHERE devices.jobs.jobId ="
        + " 'method-job-1' AND deviceId = 'mj-on'\"}").json().get(0);
    assertThat(on.path("outcome").path("deviceMethodResponse").path("status").asInt()).isEqualTo(200);
    assertThat(on.path("outcome").path("deviceMethodResponse").path("payload").path("from").asText())
        .isEqualTo("mj-on");
    JsonNode off = rest.post("/devices/query", "{\"query\":\"SELECT deviceId, status, error FROM devices.jobs"
        + " WHERE jobId = 'method-job-1' AND status = 'failed'\"}").json().get(0);
    assertThat(off.path("deviceId").asText()).isEqualTo("mj-off");
    assertThat(off.path("error").path("code").asText()).isEqualTo("DeviceNotOnline");
  }

  @Test
  void aJobThatRunsPastItsMaxExecutionTimeFails() {
    online("slow-dev", false);

    rest.put("/jobs/v2/slow-job", "{\"type\":\"scheduleDeviceMethod\",\"queryCondition\":\"deviceId = 'slow-dev'\","
        + "\"startTime\":\"" + now() + "\",\"maxExecutionTimeInSeconds\":1,\"cloudToDeviceMethod\":"
        + "{\"methodName\":\"hang\",\"responseTimeoutInSeconds\":30}}");

    JsonNode job = awaitStatus("slow-job", "failed");
    assertThat(job.path("failureReason").asText()).contains("maxExecutionTimeInSeconds");
    assertThat(job.path("deviceJobStatistics").path("failedCount").asInt()).isEqualTo(1);
  }

  @Test
  void aFutureJobIsScheduledAndCanBeCancelledBeforeItStarts() {
    hub.registry().createDevice("future-dev");
    String later = Instant.now().plusSeconds(3600).toString();

    JsonNode created = rest.put("/jobs/v2/future-job", "{\"type\":\"scheduleUpdateTwin\",\"startTime\":\"" + later
        + "\",\"updateTwin\":{\"tags\":{\"x\":1}}}").json();
    assertThat(created.path("status").asText()).isEqualTo("scheduled");

    JsonNode cancelled = rest.post("/jobs/v2/future-job/cancel", "{}").json();
    assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
    assertThat(rest.get("/twins/future-dev").json().path("tags").has("x")).isFalse();
    JsonNode listed = rest.get("/jobs/v2/query?jobType=scheduleUpdateTwin&jobStatus=cancelled&api-version=2021-04-12")
        .json();
    assertThat(listed.findValuesAsText("jobId")).contains("future-job");
    assertThat(listed.findValuesAsText("status")).containsOnly("cancelled");
  }

  @Test
  void jobQueriesArePaged() {
    hub.registry().createDevice("page-dev");
    for (int i = 0; i < 3; i++) {
      rest.put("/jobs/v2/page-job-" + i, "{\"type\":\"scheduleUpdateTwin\",\"queryCondition\":\"deviceId ="
          + " 'page-dev'\",\"startTime\":\"" + Instant.now().plusSeconds(3600) + "\",\"updateTwin\":{\"tags\":"
          + "{\"p\":" + i + "}}}");
    }
    ServiceRest.Response first = rest.header("x-ms-max-item-count", "2")
        .get("/jobs/v2/query?jobStatus=scheduled&api-version=2021-04-12");
    assertThat(first.json()).hasSize(2);
    String token = first.header("x-ms-continuation");
    assertThat(token).isNotNull();
    ServiceRest.Response second = rest.header("x-ms-max-item-count", "2").header("x-ms-continuation", token)
        .get("/jobs/v2/query?jobStatus=scheduled&api-version=2021-04-12");
    List<String> ids = new ArrayList<>(first.json().findValuesAsText("jobId"));
    ids.addAll(second.json().findValuesAsText("jobId"));
    assertThat(ids).contains("page-job-0", "page-job-1", "page-job-2").doesNotHaveDuplicates();
  }

  @Test
  void badJobsAreRefusedWithTheFieldAndTheRule() {
    ServiceRest.Response noType = rest.put("/jobs/v2/bad-1", "{\"startTime\":\"" + now() + "\"}");
    assertThat(noType.status()).isEqualTo(400);
    assertThat(noType.json().path("Message").asText()).contains("type must be");
    ServiceRest.Response badTime = rest.put("/jobs/v2/bad-2", "{\"type\":\"scheduleUpdateTwin\",\"startTime\":"
        + "\"tomorrow\",\"updateTwin\":{\"tags\":{\"a\":1}}}");
    assertThat(badTime.json().path("Message").asText()).contains("startTime 'tomorrow'");
    ServiceRest.Response badCondition = rest.put("/jobs/v2/bad-3", "{\"type\":\"scheduleUpdateTwin\","
        + "\"queryCondition\":\"tags.a = = 1\",\"startTime\":\"" + now() + "\",\"updateTwin\":{\"tags\":{\"a\":1}}}");
    assertThat(badCondition.status()).isEqualTo(400);
    assertThat(badCondition.json().path("Message").asText()).contains("queryCondition");
    ServiceRest.Response reported = rest.put("/jobs/v2/bad-4", "{\"type\":\"scheduleUpdateTwin\",\"startTime\":\""
        + now() + "\",\"updateTwin\":{\"properties\":{\"reported\":{\"a\":1}}}}");
    assertThat(reported.status()).isEqualTo(400);
    assertThat(rest.get("/jobs/v2/bad-1").errorNumber()).isEqualTo(404002);
    assertThat(rest.put("/jobs/v2/bad%20id", "{}").status()).isEqualTo(400);

    String body = "{\"type\":\"scheduleUpdateTwin\",\"startTime\":\"" + Instant.now().plusSeconds(3600)
        + "\",\"updateTwin\":{\"tags\":{\"a\":1}}}";
    assertThat(rest.put("/jobs/v2/twice", body).status()).isEqualTo(200);
    assertThat(rest.put("/jobs/v2/twice", body).status()).isEqualTo(409);
  }

  @Test
  void registryReadMayReadJobsButNotScheduleThem() {
    ServiceRest reader = new ServiceRest(hub).as("registryRead");
    String body = "{\"type\":\"scheduleUpdateTwin\",\"startTime\":\"" + now() + "\",\"updateTwin\":{\"tags\":"
        + "{\"a\":1}}}";
    assertThat(reader.put("/jobs/v2/reader-job", body).status()).isEqualTo(401);
    assertThat(rest.put("/jobs/v2/reader-job", body).status()).isEqualTo(200);
    assertThat(reader.get("/jobs/v2/reader-job").status()).isEqualTo(200);
  }
}
