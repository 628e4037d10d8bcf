// A raw HiveMQ-client device against the emulator: telemetry, C2D, twins and methods over MQTT/TLS.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class DeviceFlowsIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private Mqtt3BlockingClient client;

  @AfterEach
  void disconnect() {
    if (client != null && client.getState().isConnected()) {
      client.disconnect();
    }
  }

  private Mqtt3BlockingClient connected(DeviceIdentity identity) {
    client = RawDevice.client(HUB.hub(), identity);
    assertThat(RawDevice.connect(client, HUB.hub(), identity).getReturnCode())
        .isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
    return client;
  }

  @Test
  void telemetryIsCapturedWithDecodedPropertyBag() {
    DeviceIdentity dev = HUB.createDevice("telemetry-dev");
    Mqtt3BlockingClient device = connected(dev);
    TestSubscriber<TelemetryMessage> stream = HUB.hub().telemetry().take(1).test();

    device.publishWith()
        .topic("devices/telemetry-dev/messages/events/%24.mid=msg-1&%24.cid=corr-1&%24.ct=application%2Fjson"
            + "&%24.ce=utf-8&prop%20with%20space=value%20with%20space&weird=a%26b%3Dc%2Fd%25e%20%C3%A9")
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload("{\"t\":21}".getBytes(StandardCharsets.UTF_8))
        .send();

    List<TelemetryMessage> stored = HUB.hub().telemetry("telemetry-dev");
    assertThat(stored).hasSize(1);
    TelemetryMessage message = stored.get(0);
    assertThat(message.deviceId()).isEqualTo("telemetry-dev");
    assertThat(message.moduleId()).isNull();
    assertThat(message.payloadAsString()).isEqualTo("{\"t\":21}");
    assertThat(message.systemProperties()).containsEntry("$.mid", "msg-1").containsEntry("$.cid", "corr-1")
        .containsEntry("$.ct", "application/json").containsEntry("$.ce", "utf-8")
        .containsEntry("iothub-connection-device-id", "telemetry-dev");
    assertThat(message.applicationProperties())
        .containsExactly(Map.entry("prop with space", "value with space"), Map.entry("weird", "a&b=c/d%e é"));
    stream.awaitDone(5, TimeUnit.SECONDS).assertValue(message);
  }

  @Test
  void cloudToDeviceMessageIsDeliveredAndCompletedByPuback() throws Exception {
    DeviceIdentity dev = HUB.createDevice("c2d-dev");
    Mqtt3BlockingClient device = connected(dev);
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(device)) {
      device.subscribeWith().topicFilter("devices/c2d-dev/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE).send();

      CloudToDeviceMessage sent = HUB.hub().sendCloudToDevice("c2d-dev", "hello".getBytes(StandardCharsets.UTF_8),
          Map.of("prop1", "value 1")).blockingGet();
      Mqtt3Publish received = RawDevice.receive(publishes);

      assertThat(received.getTopic().toString()).startsWith("devices/c2d-dev/messages/devicebound/%24.mid=")
          .contains("prop1=value%201").contains("%24.to=%2Fdevices%2Fc2d-dev%2Fmessages%2Fdevicebound");
      assertThat(new String(received.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
      assertThat(received.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
      await().atMost(Duration.ofSeconds(5)).until(() -> sent.state() == CloudToDeviceMessage.State.COMPLETED);
    }
  }

  @Test
  void twinGetAndReportedPatch() throws Exception {
    DeviceIdentity dev = HUB.createDevice("twin-dev");
    Mqtt3BlockingClient device = connected(dev);
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(device)) {
      device.subscribeWith().topicFilter("$iothub/twin/res/#").qos(MqttQos.AT_LEAST_ONCE).send();
      device.publishWith().topic("$iothub/twin/GET/?$rid=1").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt3Publish get = RawDevice.receive(publishes);
      assertThat(get.getTopic().toString()).isEqualTo("$iothub/twin/res/200/?$rid=1");
      assertThat(new String(get.getPayloadAsBytes(), StandardCharsets.UTF_8))
          .isEqualTo("{\"desired\":{\"$version\":1},\"reported\":{\"$version\":1}}");

      device.publishWith().topic("$iothub/twin/PATCH/properties/reported/?$rid=2").qos(MqttQos.AT_LEAST_ONCE)
          .payload("{\"batteryLevel\":60}".getBytes(StandardCharsets.UTF_8)).send();
      Mqtt3Publish patch = RawDevice.receive(publishes);
      assertThat(patch.getTopic().toString()).isEqualTo("$iothub/twin/res/204/?$rid=2&$version=2");
      assertThat(HUB.hub().twin("twin-dev").blockingGet()).contains("\"batteryLevel\":60");
    }
  }

  @Test
  void directMethodRoundTrip() throws Exception {
    DeviceIdentity dev = HUB.createDevice("method-dev");
    Mqtt3BlockingClient device = connected(dev);
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(device)) {
      device.subscribeWith().topicFilter("$iothub/methods/POST/#").qos(MqttQos.AT_LEAST_ONCE).send();
      TestObserver<MethodResult> result = HUB.hub()
          .invokeMethod("method-dev", "reboot", "{\"delay\":1}", Duration.ofSeconds(10)).test();
      Mqtt3Publish request = RawDevice.receive(publishes);
      assertThat(request.getTopic().toString()).startsWith("$iothub/methods/POST/reboot/?$rid=");
      assertThat(new String(request.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"delay\":1}");
      String rid = request.getTopic().toString().substring("$iothub/methods/POST/reboot/?$rid=".length());
      device.publishWith().topic("$iothub/methods/res/200/?$rid=" + rid).qos(MqttQos.AT_LEAST_ONCE)
          .payload("{\"ok\":true}".getBytes(StandardCharsets.UTF_8)).send();
      result.awaitDone(5, TimeUnit.SECONDS).assertValue(MethodResult.of(200, "{\"ok\":true}"));
    }
  }
}
