// Sessions and service-side flows: offline C2D, restart, WebSocket and plain listeners, method 404/504,
// desired pushes and twin errors, against a raw HiveMQ-client device.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.reactivex.rxjava3.observers.TestObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class SessionsIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension(b -> b.plainTcpPort(0));

  private static String text(Mqtt3Publish publish) {
    return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void c2dSentWhileOfflineArrivesOnReconnectWithPersistentSessionWithoutResubscribing() throws Exception {
    DeviceIdentity dev = HUB.createDevice("offline-dev");
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
    RawDevice.connect(client, HUB.hub(), dev);
    client.subscribeWith().topicFilter("devices/offline-dev/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE)
        .send();
    client.disconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> !HUB.hub().isConnected("offline-dev"));

    CloudToDeviceMessage queued = HUB.hub().sendCloudToDevice("offline-dev", "later".getBytes(StandardCharsets.UTF_8),
        Map.of()).blockingGet();
    assertThat(queued.state()).isEqualTo(CloudToDeviceMessage.State.QUEUED);
    TestObserver<CloudToDeviceMessage.State> states = queued.states().test();

    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(client)) {
      RawDevice.connect(client, HUB.hub(), dev);
      Mqtt3Publish received = RawDevice.receive(publishes);
      assertThat(text(received)).isEqualTo("later");
      assertThat(received.getTopic().toString()).contains("%24.mid=" + queued.messageId());
    }
    states.awaitDone(5, TimeUnit.SECONDS).assertValues(CloudToDeviceMessage.State.QUEUED,
        CloudToDeviceMessage.State.DELIVERED, CloudToDeviceMessage.State.COMPLETED);
    client.disconnect();
  }

  @Test
  void cleanSessionForgetsSubscriptionsSoC2dWaitsForANewSubscribe() throws Exception {
    DeviceIdentity dev = HUB.createDevice("clean-dev");
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
    RawDevice.connect(client, HUB.hub(), dev, true);
    client.subscribeWith().topicFilter("devices/clean-dev/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE).send();
    client.disconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> !HUB.hub().isConnected("clean-dev"));
    CloudToDeviceMessage queued = HUB.hub().sendCloudToDevice("clean-dev", new byte[] {7}, Map.of()).blockingGet();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(client)) {
      RawDevice.connect(client, HUB.hub(), dev, true);
      assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
      assertThat(queued.state()).isEqualTo(CloudToDeviceMessage.State.QUEUED);
      client.subscribeWith().topicFilter("devices/clean-dev/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE)
          .send();
      assertThat(RawDevice.receive(publishes).getPayloadAsBytes()).containsExactly(7);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> queued.state() == CloudToDeviceMessage.State.COMPLETED);
    client.disconnect();
  }

  @Test
  void c2dExpiresAndQueueIsBoundedAndSizeIsLimited() {
    HUB.createDevice("c2d-limits");
    CloudToDeviceMessage shortLived = HUB.hub().sendCloudToDevice("c2d-limits", new byte[] {1}, Map.of(),
        Duration.ofMillis(200)).blockingGet();
    shortLived.states().test().awaitDone(5, TimeUnit.SECONDS)
        .assertValues(CloudToDeviceMessage.State.QUEUED, CloudToDeviceMessage.State.EXPIRED);
    for (int i = 0; i < 50; i++) {
      HUB.hub().sendCloudToDevice("c2d-limits", new byte[] {1}, Map.of()).blockingGet();
    }
    HUB.hub().sendCloudToDevice("c2d-limits", new byte[] {1}, Map.of()).test()
        .assertError(IllegalStateException.class);
    HUB.createDevice("c2d-big");
    HUB.hub().sendCloudToDevice("c2d-big", new byte[64 * 1024 + 1], Map.of()).test()
        .assertError(IllegalArgumentException.class);
    HUB.hub().sendCloudToDevice("nobody", new byte[1], Map.of()).test().assertError(IllegalArgumentException.class);
  }

  @Test
  void restartKeepsRegistryTwinsAndQueuedC2dAndPorts() throws Exception {
    DeviceIdentity dev = HUB.createDevice("restart-dev");
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
    RawDevice.connect(client, HUB.hub(), dev);
    client.subscribeWith().topicFilter("devices/restart-dev/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE)
        .send();
    HUB.hub().updateDesired("restart-dev", "{\"mode\":\"eco\"}").blockingGet();
    int port = HUB.hub().mqttPort();

    HUB.hub().restart();
    await().atMost(Duration.ofSeconds(5)).until(() -> !client.getState().isConnected());
    CloudToDeviceMessage queued = HUB.hub().sendCloudToDevice("restart-dev", "after".getBytes(StandardCharsets.UTF_8),
        Map.of()).blockingGet();
    assertThat(HUB.hub().mqttPort()).isEqualTo(port);
    assertThat(HUB.hub().twin("restart-dev").blockingGet()).contains("\"mode\":\"eco\"");

    // The broker's sessions do not survive a restart (the hub's state does): reconnect and subscribe again.
    Mqtt3BlockingClient again = RawDevice.client(HUB.hub(), dev);
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(again)) {
      assertThat(RawDevice.connect(again, HUB.hub(), dev, true).getReturnCode())
          .isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
      assertThat(queued.state()).isEqualTo(CloudToDeviceMessage.State.QUEUED);
      again.subscribeWith().topicFilter("devices/restart-dev/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE)
          .send();
      assertThat(text(RawDevice.receive(publishes))).isEqualTo("after");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> queued.state() == CloudToDeviceMessage.State.COMPLETED);
    again.disconnect();
  }

  @Test
  void webSocketListenerAcceptsTheJavaSdkQueryString() {
    DeviceIdentity dev = HUB.createDevice("ws-dev");
    Mqtt3BlockingClient client = Mqtt3Client.builder()
        .identifier("ws-dev")
        .serverHost("127.0.0.1")
        .serverPort(HUB.hub().webSocketPort())
        .sslConfig(RawDevice.ssl(HUB.hub()))
        .webSocketConfig().serverPath("$iothub/websocket").queryString("iothub-no-client-cert=true")
        .subprotocol("mqtt").applyWebSocketConfig()
        .buildBlocking();
    assertThat(RawDevice.connect(client, HUB.hub(), dev).getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
    client.publishWith().topic("devices/ws-dev/messages/events/a=1").qos(MqttQos.AT_LEAST_ONCE)
        .payload(new byte[300_000 / 2]).send();
    assertThat(HUB.hub().telemetry("ws-dev")).singleElement()
        .satisfies(m -> assertThat(m.payload()).hasSize(150_000));
    client.disconnect();
  }

  @Test
  void webSocketOnAnotherPathIsRefused() {
    DeviceIdentity dev = HUB.createDevice("ws-bad");
    Mqtt3BlockingClient client = Mqtt3Client.builder()
        .identifier("ws-bad")
        .serverHost("127.0.0.1")
        .serverPort(HUB.hub().webSocketPort())
        .sslConfig(RawDevice.ssl(HUB.hub()))
        .webSocketConfig().serverPath("mqtt").subprotocol("mqtt").applyWebSocketConfig()
        .buildBlocking();
    assertThatThrownBy(() -> RawDevice.connect(client, HUB.hub(), dev)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void plainTcpListenerWorksWhenEnabled() {
    DeviceIdentity dev = HUB.createDevice("plain-dev");
    Mqtt3BlockingClient client = Mqtt3Client.builder().identifier("plain-dev").serverHost("127.0.0.1")
        .serverPort(HUB.hub().plainTcpPort()).buildBlocking();
    assertThat(RawDevice.connect(client, HUB.hub(), dev).getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
    client.disconnect();
  }

  @Test
  void methodIs404WhenOfflineOrNotSubscribedAnd504OnTimeout() {
    DeviceIdentity dev = HUB.createDevice("method-rules");
    assertThat(HUB.hub().invokeMethod("method-rules", "m", null, Duration.ofSeconds(5)).blockingGet().status())
        .isEqualTo(404);
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
    RawDevice.connect(client, HUB.hub(), dev);
    assertThat(HUB.hub().invokeMethod("method-rules", "m", null, Duration.ofSeconds(5)).blockingGet().status())
        .isEqualTo(404);
    client.subscribeWith().topicFilter("$iothub/methods/POST/#").qos(MqttQos.AT_LEAST_ONCE).send();
    MethodResult timeout = HUB.hub().invokeMethod("method-rules", "m", "{}", Duration.ofMillis(300)).blockingGet();
    assertThat(timeout.status()).isEqualTo(504);
    assertThat(timeout.payload()).contains("504101");
    assertThatThrownBy(() -> HUB.hub().invokeMethod("method-rules", "a/b", null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("methodName");
    client.disconnect();
  }

  @Test
  void desiredUpdateIsPushedWithItsVersionAndReportedPatchRulesHold() throws Exception {
    DeviceIdentity dev = HUB.createDevice("desired-dev");
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
    RawDevice.connect(client, HUB.hub(), dev);
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(client)) {
      client.subscribeWith().topicFilter("$iothub/twin/PATCH/properties/desired/#").qos(MqttQos.AT_LEAST_ONCE)
          .send();
      client.subscribeWith().topicFilter("$iothub/twin/res/#").qos(MqttQos.AT_LEAST_ONCE).send();
      long version = HUB.hub().updateDesired("desired-dev", "{\"rate\":5,\"route\":null}").blockingGet();
      assertThat(version).isEqualTo(2);
      Mqtt3Publish push = RawDevice.receive(publishes);
      assertThat(push.getTopic().toString()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=2");
      assertThat(text(push)).isEqualTo("{\"rate\":5,\"route\":null,\"$version\":2}");

      client.publishWith().topic("$iothub/twin/PATCH/properties/reported/?$rid=r1").qos(MqttQos.AT_LEAST_ONCE)
          .payload("not json".getBytes(StandardCharsets.UTF_8)).send();
      assertThat(RawDevice.receive(publishes).getTopic().toString()).isEqualTo("$iothub/twin/res/400/?$rid=r1");
      client.publishWith().topic("$iothub/twin/PATCH/properties/reported/?$rid=r2").qos(MqttQos.AT_LEAST_ONCE)
          .payload("{\"a\":{\"b\":1,\"c\":2}}".getBytes(StandardCharsets.UTF_8)).send();
      assertThat(RawDevice.receive(publishes).getTopic().toString())
          .isEqualTo("$iothub/twin/res/204/?$rid=r2&$version=2");
      client.publishWith().topic("$iothub/twin/PATCH/properties/reported/?$version=x&$rid=r3")
          .qos(MqttQos.AT_LEAST_ONCE).payload("{\"a\":{\"b\":null}}".getBytes(StandardCharsets.UTF_8)).send();
      assertThat(RawDevice.receive(publishes).getTopic().toString())
          .isEqualTo("$iothub/twin/res/204/?$rid=r3&$version=3");
      client.publishWith().topic("$iothub/twin/GET/?$rid=r4").qos(MqttQos.AT_LEAST_ONCE)
          .payload(" ".getBytes(StandardCharsets.UTF_8)).send();
      Mqtt3Publish get = RawDevice.receive(publishes);
      assertThat(get.getTopic().toString()).isEqualTo("$iothub/twin/res/200/?$rid=r4");
      assertThat(text(get)).isEqualTo("{\"desired\":{\"rate\":5,\"$version\":2},\"reported\":{\"a\":{\"c\":2},"
          + "\"$version\":3}}");
    }
    HUB.hub().updateDesired("desired-dev", "[1]").test().assertError(IllegalArgumentException.class);
    HUB.hub().updateDesired("desired-dev", "{\"bad.key\":1}").test().assertError(IllegalArgumentException.class);
    client.disconnect();
  }
}
