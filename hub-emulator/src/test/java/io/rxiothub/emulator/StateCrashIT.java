// Every change the service REST API acknowledged survives the emulator's process being SIGKILLed (issue 17's
// storage): a child JVM runs HubEmulatorMain on a data dir, writers create devices, patch twins, delete identities
// and queue C2D through REST while the process is killed mid-stream; the data dir reopened holds all of it, with
// an identity's service fields, jobs (finished, running: failed on restart, scheduled) and C2D feedback.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.rxiothub.sas.SasToken;
import io.rxiothub.testing.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(240)
class StateCrashIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WRITERS = 4;
  /** Acknowledged creations before the kill (the writers go on meanwhile: the kill lands mid-stream). */
  private static final int ACKED_BEFORE_KILL = 120;

  private JsonNode metaBefore;
  private String feedbackId;

  @Test
  void everyAcknowledgedChangeSurvivesSigkill(@TempDir Path dataDir) throws Exception {
    ChildJvm child = ChildJvm.builder(HubEmulatorMain.class).args("--mqtt-port", "0", "--ws-port", "0",
        "--data-dir", dataDir.toString(), "--device", "seed").start();
    Set<String> created = ConcurrentHashMap.newKeySet();
    Map<String, Integer> tagged = new ConcurrentHashMap<>();
    Set<String> deleting = ConcurrentHashMap.newKeySet();
    Set<String> deleted = ConcurrentHashMap.newKeySet();
    List<Thread> writers = new ArrayList<>();
    try {
      EmulatorBanner banner = EmulatorBanner.read(child, Duration.ofSeconds(120));
      String url = banner.value("service REST API").split(" ")[0];
      String key = banner.lineAfter("service connection string").split("SharedAccessKey=")[1];
      Rest rest = new Rest(url, trusting(Paths.get(banner.value("CA certificate"))),
          SasToken.generate("localhost", key, Instant.now().getEpochSecond() + 3600, "iothubowner").format());

      assertThat(rest.call("PUT", "/devices/seed/modules/mod1", "{}")).isEqualTo(200);
      assertThat(rest.call("POST", "/emulator/devices/seed/messages", "{\"payload\":\"before the kill\"}"))
          .isEqualTo(200);
      metaBefore = JSON.readTree(rest.body("PUT", "/devices/meta-dev",
          "{\"status\":\"disabled\",\"statusReason\":\"kept across the kill\"}"));
      String now = Instant.now().toString();
      rest.body("PUT", "/jobs/v2/job-done", "{\"type\":\"scheduleUpdateTwin\",\"startTime\":\"" + now
          + "\",\"queryCondition\":\"deviceId = 'meta-dev'\",\"updateTwin\":{\"tags\":{\"job\":1}}}");
      rest.body("PUT", "/jobs/v2/job-running", "{\"type\":\"scheduleDeviceMethod\",\"startTime\":\"" + now
          + "\",\"queryCondition\":\"deviceId = 'meta-dev'\",\"cloudToDeviceMethod\":{\"methodName\":\"m\","
          + "\"responseTimeoutInSeconds\":5,\"connectTimeoutInSeconds\":300}}");
      rest.body("PUT", "/jobs/v2/job-later", "{\"type\":\"scheduleUpdateTwin\",\"startTime\":\""
          + Instant.now().plus(Duration.ofDays(1)) + "\",\"updateTwin\":{\"tags\":{\"later\":1}}}");
      feedbackId = JSON.readTree(rest.body("POST", "/emulator/devices/meta-dev/messages",
          "{\"payload\":\"expires\",\"ttlSeconds\":1,\"ack\":\"negative\"}")).path("messageId").asText();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!JSON.readTree(rest.body("GET", "/jobs/v2/job-done", null)).path("status").asText().equals("completed")
          || !rest.send("GET", "/messages/serviceBound/feedback?lockSeconds=1", null).body().contains(feedbackId)
          || !JSON.readTree(rest.body("GET", "/jobs/v2/job-running", null)).path("status").asText()
              .equals("running")) {
        assertThat(System.nanoTime()).as("the job ran and the feedback was queued").isLessThan(until);
        Thread.sleep(100);
      }
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch enough = new CountDownLatch(ACKED_BEFORE_KILL);
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Thread thread = new Thread(() -> {
          for (int i = 0; !stop.get(); i++) {
            String id = "crash-" + writer + "-" + i;
            try {
              if (rest.call("PUT", "/devices/" + id, "{}") != 200) {
                return;
              }
              created.add(id);
              enough.countDown();
              if (rest.call("PATCH", "/twins/" + id, "{\"tags\":{\"n\":" + i + "}}") != 200) {
                return;
              }
              tagged.put(id, i);
              if (i % 5 == 0) {
                deleting.add(id); // before the request: a kill after the delete and before its answer leaves either
                if (rest.call("DELETE", "/devices/" + id, null) == 204) {
                  deleted.add(id);
                }
              }
            } catch (IOException | RuntimeException e) {
              return; // the process is gone
            }
          }
        }, "crash-writer-" + w);
        thread.setDaemon(true);
        thread.start();
        writers.add(thread);
      }
      assertThat(enough.await(120, TimeUnit.SECONDS)).as("the writers got acknowledgements").isTrue();
      child.kill(); // SIGKILL: no shutdown hook, no close
      assertThat(child.awaitExit(Duration.ofSeconds(60))).as("killed by SIGKILL").isEqualTo(137);
      stop.set(true);
      for (Thread thread : writers) {
        thread.join(60_000);
      }
    } finally {
      child.close();
    }

    try (HubEmulator reopened = HubEmulator.builder().mqttPort(0).webSocketPort(0).dataDir(dataDir).build()
        .start()) {
      ServiceRest service = new ServiceRest(reopened);
      JsonNode meta = service.get("/devices/meta-dev").json();
      for (String field : new String[] {"generationId", "status", "statusReason", "statusUpdatedTime"}) {
        assertThat(meta.path(field).asText()).as("meta-dev's " + field).isEqualTo(metaBefore.path(field).asText());
      }
      JsonNode done = service.get("/jobs/v2/job-done").json();
      assertThat(done.path("status").asText()).isEqualTo("completed");
      assertThat(done.path("deviceJobStatistics").path("succeededCount").asInt()).isEqualTo(1);
      JsonNode running = service.get("/jobs/v2/job-running").json();
      assertThat(running.path("status").asText()).as("a job running at the kill fails").isEqualTo("failed");
      assertThat(running.path("failureReason").asText()).contains("emulator stopped");
      assertThat(running.path("deviceJobStatistics").path("failedCount").asInt()).isEqualTo(1);
      assertThat(service.get("/jobs/v2/job-later").json().path("status").asText()).isEqualTo("scheduled");
      assertThat(service.get("/messages/serviceBound/feedback").body())
          .as("the feedback queued (and locked) before the kill").contains(feedbackId).contains("Expired");
      Set<String> registered = ConcurrentHashMap.newKeySet();
      reopened.registry().list().forEach(identity -> registered.add(identity.clientId()));
      assertThat(registered).contains("seed", "seed/mod1");
      for (String id : created) {
        if (deleted.contains(id)) {
          assertThat(registered).as("acknowledged delete of " + id).doesNotContain(id);
        } else if (!deleting.contains(id)) {
          assertThat(registered).as("acknowledged creation of " + id).contains(id);
        }
      }
      for (Map.Entry<String, Integer> tag : tagged.entrySet()) {
        if (!deleting.contains(tag.getKey())) {
          assertThat(JSON.readTree(reopened.twin(tag.getKey()).blockingGet()).path("tags").path("n").asInt(-1))
              .as("acknowledged tag patch of " + tag.getKey()).isEqualTo(tag.getValue());
        }
      }
      DeviceIdentity seed = reopened.registry().get("seed").orElseThrow();
      Mqtt3BlockingClient client = RawDevice.client(reopened, seed);
      try (Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(client)) {
        RawDevice.connect(client, reopened, seed);
        client.subscribeWith().topicFilter("devices/seed/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(new String(RawDevice.receive(publishes).getPayloadAsBytes(), StandardCharsets.UTF_8))
            .as("the C2D message queued before the kill").isEqualTo("before the kill");
      }
      client.disconnect();
    }
    assertThat(created).hasSizeGreaterThanOrEqualTo(ACKED_BEFORE_KILL);
    assertThat(deleted).isNotEmpty();
    Set<String> unanswered = ConcurrentHashMap.newKeySet();
    unanswered.addAll(deleting);
    unanswered.removeAll(deleted);
    assertThat(unanswered).as("deletes the kill left unanswered: one per writer at most")
        .hasSizeLessThanOrEqualTo(WRITERS);
  }

  /** java.net.http against the child's REST face. */
  private record Rest(String url, HttpClient http, String authorization) {
    Rest(String url, SSLContext ssl, String authorization) {
      this(url, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl)
          .connectTimeout(Duration.ofSeconds(10)).build(), authorization);
    }

    int call(String method, String path, String body) throws IOException {
      return send(method, path, body).statusCode();
    }

    /** The answer's body; fails unless 200. */
    String body(String method, String path, String body) throws IOException {
      HttpResponse<String> response = send(method, path, body);
      assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
      return response.body();
    }

    HttpResponse<String> send(String method, String path, String body) throws IOException {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url + path + (path.contains("?") ? "&" : "?")
              + "api-version=2021-04-12"))
          .timeout(Duration.ofSeconds(60))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
          .header("Content-Type", "application/json")
          .header("Authorization", authorization)
          .build();
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  private static SSLContext trusting(Path caPem) throws Exception {
    TrustManagerFactory factory = EmulatorBanner.trusting(caPem);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, factory.getTrustManagers(), null);
    return ssl;
  }
}
