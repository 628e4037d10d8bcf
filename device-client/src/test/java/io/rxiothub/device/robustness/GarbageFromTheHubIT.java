// Issue 9, bad input: malformed topics, invalid JSON, huge payloads and unknown $rids from the hub side
// never kill a stream; each stream still delivers the next good message.
package io.rxiothub.device.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.MethodInvocation;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.testing.NoLeaksExtension;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NoLeaksExtension.class)
class GarbageFromTheHubIT {

  static final String DEVICE = "garbage-dev";
  static final String C2D = "devices/" + DEVICE + "/messages/devicebound/";
  static final String DESIRED = "$iothub/twin/PATCH/properties/desired/?$version=";

  @TempDir
  static Path dir;
  static PlainBroker broker;

  /** A raw peer standing in for the hub: answers twin GETs, records method replies. */
  static Mqtt3AsyncClient hub;
  /** The desired section the raw hub answers GETs with. */
  static final AtomicReference<String> desiredSection = new AtomicReference<>("{\"$version\":1}");
  static final Map<String, String> methodReplies = new ConcurrentHashMap<>();
  static final List<String> twinGets = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    broker = new PlainBroker(dir, "localhost");
    hub = MqttClient.builder().useMqttVersion3().identifier("raw-hub").serverHost("127.0.0.1")
        .serverPort(broker.plainPort).buildAsync();
    hub.connect().get(30, TimeUnit.SECONDS);
    hub.subscribeWith().topicFilter("$iothub/twin/GET/#").qos(MqttQos.AT_LEAST_ONCE)
        .callback(p -> {
          String rid = p.getTopic().toString().replaceAll(".*\\$rid=", "");
          twinGets.add(rid);
          // Not waiting for the PUBACK here: this runs on the raw client's own thread.
          hub.publishWith().topic("$iothub/twin/res/200/?$rid=" + rid).qos(MqttQos.AT_LEAST_ONCE)
              .payload(("{\"desired\":" + desiredSection.get()
                  + ",\"reported\":{\"$version\":1}}").getBytes(StandardCharsets.UTF_8))
              .send();
        }).send().get(30, TimeUnit.SECONDS);
    hub.subscribeWith().topicFilter("$iothub/methods/res/#").qos(MqttQos.AT_LEAST_ONCE)
        .callback(p -> methodReplies.put(p.getTopic().toString().replaceAll(".*\\$rid=", ""),
            p.getTopic().getLevels().get(3) + " "
                + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
        .send().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (hub != null) {
      hub.disconnect().get(10, TimeUnit.SECONDS);
    }
    if (broker != null) {
      broker.close();
    }
  }

  static void publish(String topic, String payload) {
    publish(topic, payload.getBytes(StandardCharsets.UTF_8));
  }

  static void publish(String topic, byte[] payload) {
    hub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send().join();
  }

  @Test
  @Timeout(90)
  void everyStreamSurvivesGarbageAndDeliversTheNextGoodMessage() {
    try (DeviceClient client = DeviceClient.builder()
        .connectionString("HostName=localhost;DeviceId=" + DEVICE
            + ";SharedAccessKey=QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=")
        .port(broker.tlsPort)
        .trustedCertificates(broker.ca)
        .twinRequestTimeoutMillis(5_000)
        .build()) {
      TestObserver<ConnectionState> states = client.connectionStates().test();
      TestSubscriber<CloudMessage> c2d = client.cloudMessages().test();
      TestSubscriber<TwinPatch> desired = client.twin().desiredUpdates().test();
      TestSubscriber<MethodInvocation> requests = client.methods().requests().test();
      client.methods().handle("echo", request -> Single.just(
          MethodResponse.ofJson(200, "{\"echo\":" + request.payloadAsJson() + "}")));
      client.connect().blockingAwait(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(20)).until(() -> !twinGets.isEmpty());
      Twin first = client.twin().get().blockingGet();
      assertThat(first.desiredVersion()).isEqualTo(1);

      // Garbage on every route.
      publish(C2D + "%zz=1&ok=2", "bad escape");
      publish(C2D + "=novalue&&%C3%28=bad-utf8", "bad key");
      publish(C2D + "%24.mid=huge", new byte[4 * 1024 * 1024]);
      publish(DESIRED + "2", "{not json");
      publish(DESIRED + "x", "{\"a\":1}");
      publish(DESIRED + "3", "{\"a\":" + "[".repeat(100_000) + "}");
      publish("$iothub/twin/res/200/?$rid=999999", "{\"desired\":{\"$version\":9}}");
      publish("$iothub/twin/res/abc/?$rid=1", "{}");
      publish("$iothub/twin/res/200/", "{}");
      publish("$iothub/methods/POST/", "{}");
      publish("$iothub/methods/POST/echo", "{}");
      publish("$iothub/methods/POST/echo/?$rid=", "{}");
      publish("$iothub/methods/POST/echo/?$rid=m1", "{not json");
      publish("$iothub/methods/POST/nobody/?$rid=m2", new byte[] {(byte) 0xff, 0x00});

      // Then one good message on each.
      publish(C2D + "%24.mid=good", "good");
      // The skipped versions 2 and 3 make a gap; the client reconciles with a GET, which says 4.
      desiredSection.set("{\"a\":42,\"$version\":4}");
      publish(DESIRED + "4", "{\"a\":42,\"$version\":4}");
      publish("$iothub/methods/POST/echo/?$rid=m3", "{\"n\":3}");

      c2d.awaitCount(2);
      await().atMost(Duration.ofSeconds(20)).until(() -> c2d.values().stream()
          .anyMatch(m -> "good".equals(m.messageId())));
      assertThat(c2d.values()).extracting(CloudMessage::messageId).contains("huge", "good");
      assertThat(c2d.values()).filteredOn(m -> "huge".equals(m.messageId()))
          .allMatch(m -> m.payload().length == 4 * 1024 * 1024);
      await().atMost(Duration.ofSeconds(20)).until(() -> desired.values().stream()
          .anyMatch(p -> p.version() != null && p.version() == 4
              && Long.valueOf(42).equals(p.properties().get("a"))));
      await().atMost(Duration.ofSeconds(20)).until(() -> methodReplies.containsKey("m3"));
      assertThat(methodReplies.get("m3")).isEqualTo("200 {\"echo\":{\"n\":3}}");
      // The request whose payload is not JSON reached the handler, whose payloadAsJson() threw: 500.
      assertThat(methodReplies.get("m1")).startsWith("500 ");
      // The method nobody handles goes to requests() (which has a subscriber) with its raw payload.
      await().atMost(Duration.ofSeconds(20)).until(() -> requests.values().stream()
          .anyMatch(r -> r.request().rid().equals("m2")));

      // Streams are alive: nothing errored or completed, no reconnection, and requests still work.
      c2d.assertNoErrors().assertNotComplete();
      desired.assertNoErrors().assertNotComplete();
      requests.assertNoErrors().assertNotComplete();
      assertThat(states.values()).extracting(ConnectionState::status)
          .containsExactly(Status.DISCONNECTED, Status.CONNECTING, Status.CONNECTED);
      assertThat(client.twin().get().blockingGet().desiredVersion()).isEqualTo(4);
      assertThat(desired.values()).allMatch(p -> p.version() == null || p.version() <= 4);
    }
  }
}
