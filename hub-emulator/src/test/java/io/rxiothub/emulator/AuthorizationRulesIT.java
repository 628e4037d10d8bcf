// Publish/subscribe authorization, QoS 2, oversize, retain and Will handling (protocol.md §3, §4, §9), raw client.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class AuthorizationRulesIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static Mqtt3BlockingClient connected(String deviceId) {
    DeviceIdentity dev = HUB.createDevice(deviceId);
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
    RawDevice.connect(client, HUB.hub(), dev, true);
    return client;
  }

  private static void assertClosedByHub(Mqtt3BlockingClient client, String deviceId) {
    await().atMost(Duration.ofSeconds(5)).until(() -> !client.getState().isConnected());
    await().atMost(Duration.ofSeconds(5)).until(() -> !HUB.hub().isConnected(deviceId));
  }

  @Test
  void allowedSubscriptionsAreGrantedAndQos2IsDowngradedTo1() {
    Mqtt3BlockingClient client = connected("sub-ok");
    for (String filter : List.of("devices/sub-ok/messages/devicebound/#", "$iothub/twin/res/#",
        "$iothub/twin/PATCH/properties/desired/#", "$iothub/methods/POST/#")) {
      assertThat(client.subscribeWith().topicFilter(filter).qos(MqttQos.EXACTLY_ONCE).send().getReturnCodes())
          .containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
    }
    client.disconnect();
  }

  static Stream<Arguments> forbiddenSubscriptions() {
    return Stream.of(
        Arguments.of("another device's topic", "sub-other", "devices/someone-else/messages/devicebound/#"),
        Arguments.of("a wildcard", "sub-wild", "#"));
  }

  @ParameterizedTest(name = "subscribing to {0} closes the connection")
  @MethodSource("forbiddenSubscriptions")
  void forbiddenSubscriptionClosesTheConnection(String what, String deviceId, String filter) {
    Mqtt3BlockingClient client = connected(deviceId);
    client.toAsync().subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    assertClosedByHub(client, deviceId);
  }

  /** Each publish is refused: {@code {other}} stands for another device of the hub, created for the case. */
  static Stream<Arguments> forbiddenPublishes() {
    return Stream.of(
        Arguments.of("to another device's telemetry", "pub-other", "devices/{other}/messages/events/",
            MqttQos.AT_LEAST_ONCE),
        Arguments.of("to an undocumented topic", "pub-odd", "$iothub/twin/PATCH/properties/desired/?$rid=1",
            MqttQos.AT_LEAST_ONCE),
        Arguments.of("with QoS 2", "pub-qos2", "devices/pub-qos2/messages/events/", MqttQos.EXACTLY_ONCE),
        Arguments.of("with a malformed property bag", "pub-badbag", "devices/pub-badbag/messages/events/a=%zz",
            MqttQos.AT_LEAST_ONCE));
  }

  @ParameterizedTest(name = "publishing {0} closes the connection and nothing is captured")
  @MethodSource("forbiddenPublishes")
  void forbiddenPublishClosesTheConnectionAndNothingIsCaptured(String what, String deviceId, String topic,
      MqttQos qos) {
    String other = deviceId + "-other";
    HUB.createDevice(other);
    Mqtt3BlockingClient client = connected(deviceId);
    String target = topic.replace("{other}", other);
    assertThatThrownBy(() -> client.toAsync().publishWith().topic(target).qos(qos)
        .payload(new byte[] {1}).send().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    assertClosedByHub(client, deviceId);
    assertThat(HUB.hub().telemetry(deviceId)).isEmpty();
    assertThat(HUB.hub().telemetry(other)).isEmpty();
  }

  @Test
  void telemetryOver256KbClosesTheConnectionWithoutPubackAndAtTheLimitIsAccepted() {
    Mqtt3BlockingClient client = connected("pub-big");
    String bag = "key=value";
    byte[] atLimit = new byte[256 * 1024 - "keyvalue".length()];
    client.publishWith().topic("devices/pub-big/messages/events/" + bag).qos(MqttQos.AT_LEAST_ONCE)
        .payload(atLimit).send();
    assertThat(HUB.hub().telemetry("pub-big")).hasSize(1);
    byte[] over = new byte[atLimit.length + 1];
    assertThatThrownBy(() -> client.toAsync().publishWith().topic("devices/pub-big/messages/events/" + bag)
        .qos(MqttQos.AT_LEAST_ONCE).payload(over).send().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    assertClosedByHub(client, "pub-big");
    assertThat(HUB.hub().telemetry("pub-big")).hasSize(1);
  }

  @Test
  void retainedTelemetryIsNotRetainedButMarked() {
    Mqtt3BlockingClient client = connected("pub-retain");
    client.publishWith().topic("devices/pub-retain/messages/events/").qos(MqttQos.AT_LEAST_ONCE).retain(true)
        .payload("r".getBytes(StandardCharsets.UTF_8)).send();
    assertThat(HUB.hub().telemetry("pub-retain")).singleElement()
        .satisfies(m -> assertThat(m.applicationProperties()).containsEntry("mqtt-retain", "true"));
    client.disconnect();
  }

  @Test
  void qos0TelemetryAndTopicWithoutTrailingSlashAndJavaModuleFormAreCaptured() {
    Mqtt3BlockingClient client = connected("pub-forms");
    client.publishWith().topic("devices/pub-forms/messages/events").qos(MqttQos.AT_MOST_ONCE)
        .payload(new byte[] {1}).send();
    await().atMost(Duration.ofSeconds(5)).until(() -> HUB.hub().telemetry("pub-forms").size() == 1);
    client.disconnect();

    HUB.createModule("pub-forms", "m1");
    DeviceIdentity module = HUB.hub().registry().get("pub-forms", "m1").orElseThrow();
    Mqtt3BlockingClient moduleClient = RawDevice.client(HUB.hub(), module);
    RawDevice.connect(moduleClient, HUB.hub(), module);
    moduleClient.publishWith().topic("devices/pub-forms/modules/m1/messages/events/$.mid=msg-1&$.cmid=m1&p=1/")
        .qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {2}).send();
    assertThat(HUB.hub().telemetry("pub-forms", "m1")).singleElement().satisfies(m -> {
      assertThat(m.moduleId()).isEqualTo("m1");
      assertThat(m.systemProperties()).containsEntry("$.mid", "msg-1").containsEntry("$.cmid", "m1")
          .containsEntry("iothub-connection-module-id", "m1");
      assertThat(m.applicationProperties()).containsExactly(java.util.Map.entry("p", "1"));
    });
    assertThat(HUB.hub().telemetry("pub-forms")).hasSize(1);
    moduleClient.disconnect();
  }

  /** Connects with a persistent session and a Will to the device's telemetry topic. */
  private static void connectWithWill(Mqtt3BlockingClient client, DeviceIdentity dev) {
    client.connectWith().cleanSession(false)
        .simpleAuth().username(RawDevice.userName(HUB.hub(), dev))
        .password(RawDevice.token(HUB.hub(), dev).getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
        .willPublish().topic("devices/" + dev.deviceId() + "/messages/events/reason=gone").qos(MqttQos.AT_LEAST_ONCE)
        .payload("bye".getBytes(StandardCharsets.UTF_8)).applyWillPublish()
        .send();
  }

  @Test
  void willIsDeliveredAsTelemetryWhenTheConnectionIsLostButNotOnDisconnect() {
    DeviceIdentity dev = HUB.createDevice("will-dev");
    Mqtt3BlockingClient client = RawDevice.client(HUB.hub(), dev);
    connectWithWill(client, dev);
    client.disconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> !HUB.hub().isConnected("will-dev"));
    assertThat(HUB.hub().telemetry("will-dev")).isEmpty();

    connectWithWill(client, dev);
    HUB.hub().dropConnection("will-dev");
    await().atMost(Duration.ofSeconds(5)).until(() -> HUB.hub().telemetry("will-dev").size() == 1);
    TelemetryMessage will = HUB.hub().telemetry("will-dev").get(0);
    assertThat(will.payloadAsString()).isEqualTo("bye");
    assertThat(will.applicationProperties()).containsEntry("reason", "gone").containsEntry("iothub-MessageType", "Will");
    await().atMost(Duration.ofSeconds(5)).until(() -> !client.getState().isConnected());
  }
}
