// The Watson organisation seen by raw MQTT 3.1.1 clients over TLS: event retention and counting, the limit of 128
// pending auto-registrations, device-management JSON, and the connection status messages applications receive.
package io.rxiothub.emulator.watson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.rxiothub.testing.SecretScanner;
import io.rxiothub.watson.ConnectionStatus;
import io.rxiothub.watson.DmMessage;
import io.rxiothub.watson.ManageRequest;
import io.rxiothub.watson.Notification;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WatsonOrganisationIT {

  private WatsonEmulator org;

  private WatsonEmulator start(WatsonEmulator.Builder builder) {
    org = builder.build();
    org.start();
    return org;
  }

  @AfterEach
  void stop() {
    if (org != null) {
      org.close();
    }
  }

  private Mqtt3BlockingClient connected(String clientId, String user, String password) {
    return connected(clientId, user, password, false);
  }

  private Mqtt3BlockingClient connected(String clientId, String user, String password, boolean webSocket) {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(org.trustStore());
      var builder = Mqtt3Client.builder().identifier(clientId).serverHost("localhost")
          .serverPort(webSocket ? org.webSocketPort() : org.mqttPort())
          .sslConfig(MqttClientSslConfig.builder().trustManagerFactory(trust).build());
      if (webSocket) {
        builder = builder.webSocketConfig().serverPath("mqtt").subprotocol("mqtt").applyWebSocketConfig();
      }
      Mqtt3BlockingClient c = builder.buildBlocking();
      c.connectWith().simpleAuth().username(user).password(password.getBytes(UTF_8)).applySimpleAuth().send();
      return c;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Mqtt3BlockingClient gateway(String id) {
    String token = org.registerGateway("gw", id);
    SecretScanner.register(token);
    return connected("g:abc123:gw:" + id, "use-token-auth", token);
  }

  private static void publish(Mqtt3BlockingClient c, String topic, String payload) {
    c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload.getBytes(UTF_8)).send();
  }

  @Test
  void eventsKeepsTheLatestRetainedEventsAndEventCountCountsEveryAcceptedOne() {
    start(WatsonEmulator.builder().eventRetention(2));
    Mqtt3BlockingClient gw = gateway("keep");
    for (int i = 0; i < 5; i++) {
      publish(gw, "iot-2/type/sensor/id/r" + i + "/evt/e/fmt/json", "{\"i\":" + i + "}");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> org.eventCount() == 5);
    assertThat(org.events()).extracting(WatsonEvent::deviceId).containsExactly("r3", "r4");
    gw.disconnect();
  }

  @Test
  void the129thConcurrentPendingRegistrationIsRefusedWith503AndTheOthersComplete() throws Exception {
    start(WatsonEmulator.builder());
    org.registrationDelay(Duration.ofSeconds(3));
    Mqtt3BlockingClient gw = gateway("pending");
    try (Mqtt3BlockingClient.Mqtt3Publishes notes = gw.publishes(MqttGlobalPublishFilter.ALL)) {
      gw.subscribeWith().topicFilter("iot-2/type/gw/id/pending/notify").send();
      for (int i = 0; i < 129; i++) {
        publish(gw, "iot-2/type/sensor/id/p" + i + "/evt/e/fmt/json", "{\"i\":" + i + "}");
      }
      // 128 wait for their registration; the 129th distinct device is refused while they are pending
      assertThat(org.pendingRegistrations()).isEqualTo(128);
      Notification refused = Notification.parse(notes.receive(10, TimeUnit.SECONDS).orElseThrow()
          .getPayloadAsBytes());
      assertThat(refused.rc()).isEqualTo(Notification.RC_REGISTRATION_BACKED_OFF);
      assertThat(refused.deviceId()).isEqualTo("p128");
      assertThat(refused.message()).contains("128 registrations are pending");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> org.eventCount() == 128);
    assertThat(org.pendingRegistrations()).isZero();
    assertThat(org.deviceExists("sensor", "p127")).isTrue();
    assertThat(org.deviceExists("sensor", "p128")).isFalse();
    // once the queue has drained, the refused device registers on its next message
    org.registrationDelay(Duration.ZERO);
    publish(gw, "iot-2/type/sensor/id/p128/evt/e/fmt/json", "{}");
    await().atMost(Duration.ofSeconds(10)).until(() -> org.deviceExists("sensor", "p128"));
    gw.disconnect();
  }

  @Test
  void manageRequestsAreParsedAsJsonAndOnesBreakingARuleAreAnswered400WithTheStateKept() throws Exception {
    start(WatsonEmulator.builder());
    Mqtt3BlockingClient gw = gateway("dm");
    try (Mqtt3BlockingClient.Mqtt3Publishes in = gw.publishes(MqttGlobalPublishFilter.ALL)) {
      gw.subscribeWith().topicFilter("iotdm-1/type/+/id/+/response").send();
      assertThat(manage(gw, in, "{\"lifetime\":3600,\"supports\":{\"deviceActions\":true},"
          + "\"deviceInfo\":{\"model\":\"m-7\"},\"metadata\":{\"floor\":2}}", "ok-1")).isEqualTo(200);
      // "lifetime":36000 read as text once looked like 3600; a string, a short lifetime or a bad type is refused
      assertThat(manage(gw, in, "{\"lifetime\":\"36000\"}", "bad-1")).isEqualTo(400);
      assertThat(manage(gw, in, "{\"lifetime\":60}", "bad-2")).isEqualTo(400);
      assertThat(manage(gw, in, "{\"supports\":{\"deviceActions\":\"true\"}}", "bad-3")).isEqualTo(400);
      assertThat(manage(gw, in, "{\"deviceInfo\":{\"fwVersion\":2}}", "bad-4")).isEqualTo(400);
    }
    ManageRequest state = org.deviceManagement().manageRequest("sensor", "s1");
    assertThat(state).isNotNull();
    assertThat(state.lifetimeSeconds()).isEqualTo(3600);
    assertThat(state.deviceActions()).isTrue();
    assertThat(state.firmwareActions()).isFalse();
    assertThat(state.deviceInfoJson()).isEqualTo("{\"model\":\"m-7\"}");
    assertThat(state.metadataJson()).isEqualTo("{\"floor\":2}");
    assertThat(org.deviceManagement().manageCount("sensor", "s1")).isEqualTo(1);
    gw.disconnect();
  }

  private static int manage(Mqtt3BlockingClient gw, Mqtt3BlockingClient.Mqtt3Publishes in, String d, String reqId)
      throws InterruptedException {
    publish(gw, "iotdevice-1/type/sensor/id/s1/mgmt/manage", "{\"d\":" + d + ",\"reqId\":\"" + reqId + "\"}");
    Mqtt3Publish response = in.receive(10, TimeUnit.SECONDS).orElseThrow();
    DmMessage parsed = DmMessage.parseResponse(response.getPayloadAsBytes());
    assertThat(parsed.reqId()).isEqualTo(reqId);
    return parsed.rc();
  }

  @Test
  void mqttOverSecureWebSocketOnPathMqttFollowsTheSameRules() {
    start(WatsonEmulator.builder().webSocketPort(0));
    assertThat(org.webSocketPort()).isPositive().isNotEqualTo(org.mqttPort());
    String token = org.registerGateway("gw", "ws");
    SecretScanner.register(token);
    Mqtt3BlockingClient gw = connected("g:abc123:gw:ws", "use-token-auth", token, true);
    publish(gw, "iot-2/type/sensor/id/over-ws/evt/e/fmt/json", "{\"ws\":1}");
    publish(gw, "iot-2/type/gw/id/other/cmd/x/fmt/json", "{}");
    await().atMost(Duration.ofSeconds(10)).until(() -> org.eventCount() == 1 && org.droppedPublishes() == 1);
    assertThat(org.events()).singleElement().satisfies(e -> {
      assertThat(e.deviceId()).isEqualTo("over-ws");
      assertThat(e.publisher()).isEqualTo("g:abc123:gw:ws");
    });
    gw.disconnect();
  }

  @Test
  void applicationsReceiveConnectAndDisconnectStatusOfGatewaysAndApplicationsWithoutTokens() throws Exception {
    start(WatsonEmulator.builder());
    ApiKey key = org.createApiKey();
    SecretScanner.register(key.token());
    Mqtt3BlockingClient app = connected("a:abc123:monitor", key.key(), key.token());
    try (Mqtt3BlockingClient.Mqtt3Publishes status = app.publishes(MqttGlobalPublishFilter.ALL)) {
      app.subscribeWith().topicFilter("iot-2/type/+/id/+/mon").send();
      app.subscribeWith().topicFilter("iot-2/app/+/mon").send();
      String token = org.registerGateway("gw", "watched");
      SecretScanner.register(token);
      Mqtt3BlockingClient gw = connected("g:abc123:gw:watched", "use-token-auth", token);
      Mqtt3Publish up = status.receive(10, TimeUnit.SECONDS).orElseThrow();
      assertThat(up.getTopic().toString()).isEqualTo("iot-2/type/gw/id/watched/mon");
      ConnectionStatus connect = ConnectionStatus.parse(up.getPayloadAsBytes());
      assertThat(connect.action()).isEqualTo(ConnectionStatus.CONNECT);
      assertThat(connect.clientId()).isEqualTo("g:abc123:gw:watched");
      assertThat(connect.user()).isEqualTo("use-token-auth");
      assertThat(connect.port()).isEqualTo(org.mqttPort());
      assertThat(up.getPayloadAsBytes()).asString(UTF_8).doesNotContain(token);

      gw.disconnect();
      ConnectionStatus down = ConnectionStatus.parse(status.receive(10, TimeUnit.SECONDS).orElseThrow()
          .getPayloadAsBytes());
      assertThat(down.action()).isEqualTo(ConnectionStatus.DISCONNECT);
      assertThat(down.reason()).isEqualTo("The connection was closed by the client");
      assertThat(down.connectTime()).isEqualTo(connect.time());

      Mqtt3BlockingClient other = connected("a:abc123:other", key.key(), key.token());
      Mqtt3Publish appUp = status.receive(10, TimeUnit.SECONDS).orElseThrow();
      assertThat(appUp.getTopic().toString()).isEqualTo("iot-2/app/other/mon");
      assertThat(ConnectionStatus.parse(appUp.getPayloadAsBytes()).user()).isEqualTo(key.key());
      assertThat(appUp.getPayloadAsBytes()).asString(UTF_8).doesNotContain(key.token());
      other.disconnect();
    }
    app.disconnect();
  }
}
