// The service REST API's twin and direct-method routes against a running emulator, with a raw MQTT device that
// sees their effects.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServiceTwinMethodsIT {

  private static HubEmulator hub;
  private static ServiceRest rest;
  private Mqtt3BlockingClient device;

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
    if (device != null && device.getState().isConnected()) {
      device.disconnect();
    }
  }

  private Mqtt3BlockingClient.Mqtt3Publishes connect(DeviceIdentity identity, String filter) {
    device = RawDevice.client(hub, identity);
    RawDevice.connect(device, hub, identity, true);
    Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(device);
    device.subscribeWith().topicFilter(filter).qos(RawDevice.qos1()).send();
    return publishes;
  }

  @Test
  void desiredPatchReachesTheConnectedDeviceAndTagsStayInTheCloud() throws Exception {
    DeviceIdentity identity = hub.registry().createDevice("twin-dev");
    Mqtt3BlockingClient.Mqtt3Publishes publishes = connect(identity, "$iothub/twin/PATCH/properties/desired/#");
    JsonNode before = rest.get("/twins/twin-dev").json();

    ServiceRest.Response patched = rest.patch("/twins/twin-dev",
        "{\"tags\":{\"site\":\"lyon\"},\"properties\":{\"desired\":{\"fan\":{\"speed\":3}}}}");

    assertThat(patched.status()).isEqualTo(200);
    JsonNode twin = patched.json();
    assertThat(twin.path("tags").path("site").asText()).isEqualTo("lyon");
    assertThat(twin.path("properties").path("desired").path("fan").path("speed").asInt()).isEqualTo(3);
    assertThat(twin.path("properties").path("desired").path("$version").asLong()).isEqualTo(2);
    assertThat(twin.path("etag").asText()).isNotEqualTo(before.path("etag").asText());
    assertThat(twin.path("version").asLong()).isGreaterThan(before.path("version").asLong());
    Mqtt3Publish pushed = RawDevice.receive(publishes);
    assertThat(pushed.getTopic().toString()).startsWith("$iothub/twin/PATCH/properties/desired/?$version=2");
    JsonNode body = ServiceRest.JSON.readTree(pushed.getPayloadAsBytes());
    assertThat(body.path("fan").path("speed").asInt()).isEqualTo(3);
    assertThat(body.has("site")).isFalse();
  }

  @Test
  void ifMatchGuardsTwinChanges() {
    hub.registry().createDevice("twin-etag");
    String etag = rest.get("/twins/twin-etag").json().path("etag").asText();

    ServiceRest.Response stale = rest.header("If-Match", "\"stale\"").patch("/twins/twin-etag",
        "{\"tags\":{\"a\":1}}");
    assertThat(stale.status()).isEqualTo(412);
    assertThat(rest.header("If-Match", etag).patch("/twins/twin-etag", "{\"tags\":{\"a\":1}}").status())
        .isEqualTo(200);
    assertThat(rest.header("If-Match", etag).patch("/twins/twin-etag", "{\"tags\":{\"a\":2}}").status())
        .isEqualTo(412);
    assertThat(rest.get("/twins/twin-etag").json().path("tags").path("a").asInt()).isEqualTo(1);
  }

  @Test
  void replaceRemovesWhatTheNewTwinLacksAndTellsTheDevice() throws Exception {
    DeviceIdentity identity = hub.registry().createDevice("twin-replace");
    rest.patch("/twins/twin-replace", "{\"tags\":{\"old\":1,\"keep\":1},\"properties\":{\"desired\":"
        + "{\"a\":{\"x\":1,\"y\":2},\"b\":true}}}");
    Mqtt3BlockingClient.Mqtt3Publishes publishes = connect(identity, "$iothub/twin/PATCH/properties/desired/#");

    JsonNode twin = rest.put("/twins/twin-replace", "{\"tags\":{\"keep\":2},\"properties\":{\"desired\":"
        + "{\"a\":{\"x\":1}}}}").json();

    assertThat(twin.path("tags").toString()).isEqualTo("{\"keep\":2}");
    JsonNode desired = twin.path("properties").path("desired");
    assertThat(desired.path("a").toString()).isEqualTo("{\"x\":1}");
    assertThat(desired.has("b")).isFalse();
    JsonNode pushed = ServiceRest.JSON.readTree(RawDevice.receive(publishes).getPayloadAsBytes());
    assertThat(pushed.path("b").isNull()).isTrue();
    assertThat(pushed.path("a").path("y").isNull()).isTrue();
  }

  @Test
  void moduleTwinsAreAddressable() {
    hub.registry().createDevice("twin-parent");
    hub.registry().createModule("twin-parent", "mod");

    JsonNode twin = rest.patch("/twins/twin-parent/modules/mod", "{\"properties\":{\"desired\":{\"k\":\"v\"}}}")
        .json();

    assertThat(twin.path("moduleId").asText()).isEqualTo("mod");
    assertThat(hub.twin("twin-parent", "mod").blockingGet()).contains("\"k\":\"v\"");
    assertThat(hub.twin("twin-parent").blockingGet()).doesNotContain("\"k\"");
  }

  @Test
  void reportedCannotBePatchedAndLimitsAreBadRequests() {
    hub.registry().createDevice("twin-bad");
    assertThat(rest.patch("/twins/twin-bad", "{\"properties\":{\"reported\":{\"a\":1}}}").status()).isEqualTo(400);
    ServiceRest.Response badKey = rest.patch("/twins/twin-bad", "{\"properties\":{\"desired\":{\"a.b\":1}}}");
    assertThat(badKey.status()).isEqualTo(400);
    assertThat(badKey.json().path("Message").asText()).contains("forbidden character");
    assertThat(rest.get("/twins/nobody").errorCode()).isEqualTo("DeviceNotFound");
  }

  @Test
  void methodInvokedThroughRestReachesTheDeviceAndAnswersItsPayload() throws Exception {
    DeviceIdentity identity = hub.registry().createDevice("method-dev");
    Mqtt3BlockingClient.Mqtt3Publishes publishes = connect(identity, "$iothub/methods/POST/#");
    CompletableFuture<String> seen = new CompletableFuture<>();
    Thread responder = new Thread(() -> {
      try {
        Mqtt3Publish request = RawDevice.receive(publishes);
        String topic = request.getTopic().toString();
        seen.complete(topic + " " + new String(request.getPayloadAsBytes(), StandardCharsets.UTF_8));
        String rid = topic.substring(topic.indexOf("$rid=") + 5);
        device.publishWith().topic("$iothub/methods/res/201/?$rid=" + rid).qos(RawDevice.qos1())
            .payload("{\"rebooting\":true}".getBytes(StandardCharsets.UTF_8)).send();
      } catch (Exception e) {
        seen.completeExceptionally(e);
      }
    });
    responder.start();

    ServiceRest.Response answer = rest.post("/twins/method-dev/methods",
        "{\"methodName\":\"reboot\",\"responseTimeoutInSeconds\":10,\"payload\":{\"delay\":5}}");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().path("status").asInt()).isEqualTo(201);
    assertThat(answer.json().path("payload").path("rebooting").asBoolean()).isTrue();
    assertThat(seen.get(10, TimeUnit.SECONDS)).startsWith("$iothub/methods/POST/reboot/?$rid=")
        .endsWith(" {\"delay\":5}");
    responder.join(5000);
  }

  @Test
  void methodOnAnOfflineDeviceIsDeviceNotOnline() {
    hub.registry().createDevice("method-offline");

    ServiceRest.Response answer = rest.post("/twins/method-offline/methods", "{\"methodName\":\"reboot\"}");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.errorCode()).isEqualTo("DeviceNotOnline");
    assertThat(answer.errorNumber()).isEqualTo(404103);
  }

  @Test
  void connectTimeoutWaitsForTheDeviceToComeOnline() throws Exception {
    DeviceIdentity identity = hub.registry().createDevice("method-late");
    CompletableFuture<ServiceRest.Response> call = CompletableFuture.supplyAsync(() -> rest.post(
        "/twins/method-late/methods", "{\"methodName\":\"ping\",\"responseTimeoutInSeconds\":10,"
            + "\"connectTimeoutInSeconds\":10}"));
    Thread.sleep(300);
    assertThat(call).isNotDone();
    Mqtt3BlockingClient.Mqtt3Publishes publishes = connect(identity, "$iothub/methods/POST/#");
    Mqtt3Publish request = RawDevice.receive(publishes);
    String topic = request.getTopic().toString();
    device.publishWith().topic("$iothub/methods/res/200/?$rid=" + topic.substring(topic.indexOf("$rid=") + 5))
        .qos(RawDevice.qos1()).payload("\"pong\"".getBytes(StandardCharsets.UTF_8)).send();

    ServiceRest.Response answer = call.get(15, TimeUnit.SECONDS);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().path("payload").asText()).isEqualTo("pong");
  }

  @Test
  void deviceThatDoesNotAnswerIsGatewayTimeout() {
    DeviceIdentity identity = hub.registry().createDevice("method-silent");
    connect(identity, "$iothub/methods/POST/#");

    ServiceRest.Response answer = rest.post("/twins/method-silent/methods",
        "{\"methodName\":\"reboot\",\"responseTimeoutInSeconds\":5}");

    assertThat(answer.status()).isEqualTo(504);
    assertThat(answer.errorNumber()).isEqualTo(504101);
  }

  @Test
  void badInvocationsAreBadRequests() {
    hub.registry().createDevice("method-bad");
    assertThat(rest.post("/twins/method-bad/methods", "{\"payload\":1}").status()).isEqualTo(400);
    assertThat(rest.post("/twins/method-bad/methods", "{\"methodName\":\"a/b\"}").status()).isEqualTo(400);
    ServiceRest.Response timeout = rest.post("/twins/method-bad/methods",
        "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":301}");
    assertThat(timeout.status()).isEqualTo(400);
    assertThat(timeout.json().path("Message").asText()).contains("responseTimeoutInSeconds");
  }
}
