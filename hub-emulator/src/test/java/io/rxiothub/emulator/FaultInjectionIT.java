// Fault injection (protocol.md §10 and the Java Faults API) against raw HiveMQ-client devices.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.reactivex.rxjava3.observers.TestObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class FaultInjectionIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  /** A raw device that records why its connections ended. */
  private static final class Device {
    final DeviceIdentity identity;
    final List<Throwable> closes = new CopyOnWriteArrayList<>();
    final Mqtt3BlockingClient client;

    Device(String id) {
      identity = HUB.createDevice(id);
      client = RawDevice.builder(HUB.hub(), identity.clientId())
          .addDisconnectedListener((MqttClientDisconnectedContext c) -> closes.add(c.getCause()))
          .transportConfig().serverHost("127.0.0.1").serverPort(HUB.hub().mqttPort()).sslConfig(RawDevice.ssl(HUB.hub()))
          .mqttConnectTimeout(2, TimeUnit.SECONDS).applyTransportConfig()
          .buildBlocking();
    }

    void connect() {
      RawDevice.connect(client, HUB.hub(), identity, true);
    }

    Mqtt3AsyncClient async() {
      return client.toAsync();
    }

    CompletableFuture<Mqtt3Publish> send(String topicBag, String body) {
      return async().publishWith()
          .topic("devices/" + identity.deviceId() + "/messages/events/" + topicBag)
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(body.getBytes(StandardCharsets.UTF_8))
          .send();
    }

    void awaitClosed() {
      await().atMost(Duration.ofSeconds(20)).until(() -> client.getState() != MqttClientState.CONNECTED);
    }

    List<String> captured() {
      return HUB.hub().telemetry(identity.deviceId()).stream()
          .map(t -> t.systemProperties().get("$.mid")).toList();
    }
  }

  private static String faultBag(String type, String reason, int delay, int duration) {
    return "AzIoTHub_FaultOperationType=" + type + "&AzIoTHub_FaultOperationCloseReason=" + reason
        + "&AzIoTHub_FaultOperationDelayInSecs=" + delay + "&AzIoTHub_FaultOperationDurationInSecs=" + duration;
  }

  @Test
  void killTcpFaultRequestResetsTheConnectionIsNeverAcknowledgedAndRefusesReconnectsForItsDuration() {
    Device dev = new Device("kill-tcp");
    dev.connect();
    dev.send("%24.mid=before", "x").join();

    CompletableFuture<Mqtt3Publish> request = dev.send(faultBag("KillTcp", "boom", 0, 60), "fault");
    dev.awaitClosed();
    // The client fails the unacknowledged PUBLISH shortly after it leaves CONNECTED, on its own thread.
    await().atMost(Duration.ofSeconds(20)).until(request::isDone);

    assertThat(request).isCompletedExceptionally();
    // A reset surfaces as "connection reset" or as a close without DISCONNECT, depending on timing.
    assertThat(dev.closes).hasSize(1);
    assertThat(dev.captured()).containsExactly("before");
    // In fault mode: the CONNECT gets no CONNACK, the connection is closed.
    assertThatThrownBy(dev::connect).isNotInstanceOf(Mqtt3ConnAckException.class);
    assertThat(dev.client.getState()).isNotEqualTo(MqttClientState.CONNECTED);

    HUB.hub().faults().clear(dev.identity.clientId());
    dev.connect();
    dev.send("%24.mid=after", "x").join();
    assertThat(dev.captured()).containsExactly("before", "after");
    dev.client.disconnect();
  }

  @Test
  void shutDownMqttClosesInAnOrderlyWayAndTheFaultModeEndsAfterItsDuration() {
    Device dev = new Device("shutdown-mqtt");
    dev.connect();
    CompletableFuture<Mqtt3Publish> request = dev.send(faultBag("ShutDownMqtt", "byebye", 0, 1), "fault");
    dev.awaitClosed();
    // The client fails the unacknowledged PUBLISH shortly after it leaves CONNECTED, on its own thread.
    await().atMost(Duration.ofSeconds(20)).until(request::isDone);
    assertThat(request).isCompletedExceptionally();
    assertThat(dev.closes.get(0)).hasMessageContaining("without DISCONNECT");
    // Fault mode lasts one second: reconnects succeed afterwards.
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(dev::connect);
    dev.send("%24.mid=after", "x").join();
    assertThat(dev.captured()).containsExactly("after");
    dev.client.disconnect();
  }

  @ParameterizedTest
  @ValueSource(strings = {"InvokeThrottling", "InvokeMaxMessageQuota", "InvokeAuthError"})
  void invokeFaultsDisconnectOverMqttAfterTheirDelay(String type) {
    Device dev = new Device("invoke-" + type);
    dev.connect();
    CompletableFuture<Mqtt3Publish> request = dev.send(faultBag(type, "boom", 1, 0), "fault");
    // The request is never acknowledged, while other messages are.
    dev.send("%24.mid=during-delay", "x").join();
    assertThat(request).isNotDone();
    dev.awaitClosed();
    // The client fails the unacknowledged PUBLISH shortly after it leaves CONNECTED, on its own thread.
    await().atMost(Duration.ofSeconds(20)).until(request::isDone);
    assertThat(request).isCompletedExceptionally();
    dev.connect();
    dev.send("%24.mid=after", "x").join();
    assertThat(dev.captured()).containsExactly("during-delay", "after");
    dev.client.disconnect();
  }

  @Test
  void amqpOnlyAndUnknownFaultTypesLeaveTheConnectionAloneButAreNotAcknowledged() {
    Device dev = new Device("amqp-only");
    dev.connect();
    CompletableFuture<Mqtt3Publish> amqp = dev.send(faultBag("KillAmqpConnection", "boom", 0, 0), "fault");
    CompletableFuture<Mqtt3Publish> unknown = dev.send(faultBag("NoSuchFault", "boom", 0, 0), "fault");
    dev.send("%24.mid=next", "x").join();
    assertThat(amqp).isNotDone();
    assertThat(unknown).isNotDone();
    assertThat(dev.client.getState()).isEqualTo(MqttClientState.CONNECTED);
    assertThat(dev.captured()).containsExactly("next");
    dev.client.disconnect();
  }

  @Test
  void killTcpFromJavaResetsTheConnectionAndTheBrokerSendsTheWill() {
    DeviceIdentity identity = HUB.createDevice("api-kill");
    List<Throwable> closes = new CopyOnWriteArrayList<>();
    Mqtt3BlockingClient client = RawDevice.builder(HUB.hub(), "api-kill")
        .addDisconnectedListener(c -> closes.add(c.getCause()))
        .buildBlocking();
    client.connectWith().cleanSession(true)
        .simpleAuth().username(RawDevice.userName(HUB.hub(), identity))
        .password(RawDevice.token(HUB.hub(), identity).getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
        .willPublish().topic("devices/api-kill/messages/events/").payload("gone".getBytes(StandardCharsets.UTF_8))
        .applyWillPublish()
        .send();
    assertThat(HUB.hub().faults().killTcp("api-kill")).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> HUB.hub().telemetry("api-kill").size() == 1);
    assertThat(HUB.hub().telemetry("api-kill").get(0).applicationProperties())
        .containsEntry("iothub-MessageType", "Will");
    assertThat(closes).hasSize(1);
    assertThat(HUB.hub().faults().killTcp("api-kill")).isFalse();
  }

  @Test
  void refuseConnectsClosesWithoutConnackOrAnswersTheGivenCode() {
    Device dev = new Device("refuse");
    HUB.hub().faults().refuseConnects("refuse", Duration.ofMinutes(5));
    assertThatThrownBy(dev::connect).isNotInstanceOf(Mqtt3ConnAckException.class);

    HUB.hub().faults().refuseConnects("refuse", Duration.ofMinutes(5), 3);
    assertThatThrownBy(dev::connect).isInstanceOf(Mqtt3ConnAckException.class)
        .satisfies(e -> assertThat(((Mqtt3ConnAckException) e).getMqttMessage().getReturnCode().getCode())
            .isEqualTo(3));

    HUB.hub().faults().refuseConnects("refuse", Duration.ZERO);
    dev.connect();
    assertThat(HUB.hub().isConnected("refuse")).isTrue();
    dev.client.disconnect();
    assertThatThrownBy(() -> HUB.hub().faults().refuseConnects("refuse", Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..5");
  }

  @Test
  void failTwinRequestsAnswersTheNextRequestsWithTheStatus() throws Exception {
    Device dev = new Device("twin-fail");
    dev.connect();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(dev.client)) {
      dev.client.subscribeWith().topicFilter("$iothub/twin/res/#").qos(MqttQos.AT_LEAST_ONCE).send();
      HUB.hub().faults().failTwinRequests("twin-fail", 429, 2);
      for (int rid = 1; rid <= 3; rid++) {
        dev.client.publishWith().topic("$iothub/twin/GET/?$rid=" + rid).qos(MqttQos.AT_LEAST_ONCE).send();
      }
      assertThat(RawDevice.receive(publishes).getTopic().toString()).isEqualTo("$iothub/twin/res/429/?$rid=1");
      assertThat(RawDevice.receive(publishes).getTopic().toString()).isEqualTo("$iothub/twin/res/429/?$rid=2");
      assertThat(RawDevice.receive(publishes).getTopic().toString()).isEqualTo("$iothub/twin/res/200/?$rid=3");

      HUB.hub().faults().failTwinRequests("twin-fail", 500, 1);
      dev.client.publishWith().topic("$iothub/twin/PATCH/properties/reported/?$rid=4").qos(MqttQos.AT_LEAST_ONCE)
          .payload("{\"a\":1}".getBytes(StandardCharsets.UTF_8)).send();
      Mqtt3Publish failed = RawDevice.receive(publishes);
      assertThat(failed.getTopic().toString()).isEqualTo("$iothub/twin/res/500/?$rid=4");
      assertThat(new String(failed.getPayloadAsBytes(), StandardCharsets.UTF_8)).contains("500001");
      assertThat(HUB.hub().twin("twin-fail").blockingGet()).doesNotContain("\"a\"");
    }
    dev.client.disconnect();
  }

  @Test
  void droppedPubacksLeaveTheMessageUnacknowledgedWhileLaterOnesAreAcknowledged() {
    Device dev = new Device("drop-puback");
    dev.connect();
    HUB.hub().faults().dropPubacks("drop-puback", 1);
    CompletableFuture<Mqtt3Publish> first = dev.send("%24.mid=first", "x");
    dev.send("%24.mid=second", "x").join();
    // PUBACKs travel in order: had the first not been dropped, it would have arrived before the second.
    assertThat(first).isNotDone();
    assertThat(dev.captured()).containsExactly("first", "second");
    HUB.hub().faults().killTcp("drop-puback");
    dev.awaitClosed();
  }

  @Test
  void delayedPubacksArriveAfterLaterUndelayedOnes() {
    Device dev = new Device("delay-puback");
    dev.connect();
    HUB.hub().faults().delayPubacks("delay-puback", Duration.ofHours(1));
    CompletableFuture<Mqtt3Publish> delayed = dev.send("%24.mid=delayed", "x");
    await().atMost(Duration.ofSeconds(20)).until(() -> dev.captured().contains("delayed"));
    HUB.hub().faults().delayPubacks("delay-puback", Duration.ZERO);
    dev.send("%24.mid=prompt", "x").join();
    assertThat(delayed).isNotDone();

    HUB.hub().faults().delayPubacks("delay-puback", Duration.ofMillis(50));
    dev.send("%24.mid=short", "x").join();
    HUB.hub().faults().killTcp("delay-puback");
    dev.awaitClosed();
  }

  @Test
  void partitionBlackholesOpenAndNewConnectionsUntilHealed() {
    Device dev = new Device("partition");
    dev.connect();
    HUB.hub().faults().partition("partition");
    assertThat(HUB.hub().faults().isPartitioned("partition")).isTrue();
    CompletableFuture<Mqtt3Publish> lost = dev.send("%24.mid=lost", "x");

    // A second connection of the same identity: TLS completes, the CONNECT goes nowhere (no CONNACK).
    Device other = new Device("partition-other");
    Mqtt3BlockingClient second = RawDevice.builder(HUB.hub(), "partition").transportConfig()
        .serverHost("127.0.0.1").serverPort(HUB.hub().mqttPort()).sslConfig(RawDevice.ssl(HUB.hub()))
        .mqttConnectTimeout(500, TimeUnit.MILLISECONDS).applyTransportConfig().buildBlocking();
    assertThatThrownBy(() -> RawDevice.connect(second, HUB.hub(), dev.identity, true))
        .hasMessageContaining("Timeout");
    other.connect();
    other.client.disconnect();

    assertThat(lost).isNotDone();
    assertThat(dev.client.getState()).isEqualTo(MqttClientState.CONNECTED);
    assertThat(dev.captured()).isEmpty();

    HUB.hub().faults().heal("partition");
    dev.awaitClosed();
    dev.connect();
    dev.send("%24.mid=healed", "x").join();
    assertThat(dev.captured()).containsExactly("healed");
    dev.client.disconnect();
  }

  @Test
  void brokerOutageDropsEveryoneAndKeepsTheHubsState() throws Exception {
    Device dev = new Device("outage");
    dev.connect();
    HUB.hub().updateDesired("outage", "{\"mode\":\"eco\"}").blockingGet();

    TestObserver<Void> outage = HUB.hub().faults().brokerOutage(Duration.ofMillis(500)).test();
    dev.awaitClosed();
    CloudToDeviceMessage queued = HUB.hub().sendCloudToDevice("outage", "later".getBytes(StandardCharsets.UTF_8),
        Map.of()).blockingGet();
    outage.awaitDone(30, TimeUnit.SECONDS).assertComplete();

    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = RawDevice.publishes(dev.client)) {
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(dev::connect);
      dev.client.subscribeWith().topicFilter("devices/outage/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE)
          .send();
      assertThat(new String(RawDevice.receive(publishes).getPayloadAsBytes(), StandardCharsets.UTF_8))
          .isEqualTo("later");
    }
    assertThat(HUB.hub().twin("outage").blockingGet()).contains("\"mode\":\"eco\"");
    dev.client.disconnect();
  }

  @Test
  void badArgumentsAreRefusedWithClearMessages() {
    Faults faults = HUB.hub().faults();
    assertThatThrownBy(() -> faults.failTwinRequests("x", 200, 1)).hasMessageContaining("400..599");
    assertThatThrownBy(() -> faults.dropPubacks("x", -1)).hasMessageContaining("negative");
    assertThatThrownBy(() -> faults.delayPubacks("x", Duration.ofSeconds(-1))).hasMessageContaining("negative");
    assertThatThrownBy(() -> faults.killTcp("")).hasMessageContaining("clientId");
  }
}
