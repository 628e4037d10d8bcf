// sendAll against the hub emulator over MQTT/TLS on loopback: order, completeness, a connection loss.
package io.rxiothub.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.testing.NoLeaksExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(NoLeaksExtension.class)
class SendAllIT {

  private static final int MESSAGES = 5_000;

  @RegisterExtension
  static final HubEmulatorExtension HUB =
      new HubEmulatorExtension(b -> b.telemetryRetention(2 * MESSAGES));

  static DeviceClient client(DeviceIdentity id) {
    return DeviceClient.builder().connectionString(id.connectionString())
        .port(HUB.hub().mqttPort()).trustStore(HUB.hub().trustStore()).reconnectBackoff(50, 500)
        .build();
  }

  static void awaitTelemetry(String deviceId, int count) {
    await().atMost(Duration.ofSeconds(20)).until(() -> HUB.hub().telemetry(deviceId).size() >= count);
  }

  static Message message(int i) {
    return Message.builder().payload(DeviceClientIT.utf8("{\"seq\":" + i + "}"))
        .messageId("m-" + i).property("seq", Integer.toString(i)).build();
  }

  static List<String> ids(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("m-" + i);
    }
    return out;
  }

  static List<String> resultIds(List<SendResult> results) {
    List<String> out = new ArrayList<>();
    for (SendResult r : results) {
      out.add(r.message().messageId());
    }
    return out;
  }

  static Set<String> receivedIds(String deviceId) {
    Set<String> out = new LinkedHashSet<>();
    for (TelemetryMessage t : HUB.hub().telemetry(deviceId)) {
      out.add(t.systemProperties().get("$.mid"));
    }
    return out;
  }

  @Test
  @Timeout(60)
  void streamsEveryMessageInOrderAndReportsEachOnce() {
    DeviceIdentity id = HUB.createDevice(DeviceClientIT.newId("stream"));
    try (DeviceClient client = client(id)) {
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      TestSubscriber<SendResult> results =
          client.sendAll(Flowable.range(0, MESSAGES).map(SendAllIT::message)).test();

      results.awaitDone(40, TimeUnit.SECONDS).assertComplete();
      assertThat(results.values()).allMatch(SendResult::isSuccess);
      assertThat(resultIds(results.values())).isEqualTo(ids(MESSAGES));
      awaitTelemetry(id.deviceId(), MESSAGES);
      assertThat(receivedIds(id.deviceId())).containsExactlyElementsOf(ids(MESSAGES));
      assertThat(HUB.hub().telemetry(id.deviceId()).get(42).applicationProperties())
          .containsEntry("seq", "42");
    }
  }

  @Test
  @Timeout(60)
  void aConnectionLossInTheMiddleLosesNothing() {
    DeviceIdentity id = HUB.createDevice(DeviceClientIT.newId("stream-loss"));
    try (DeviceClient client = client(id)) {
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      AtomicInteger taken = new AtomicInteger();
      AtomicBoolean killed = new AtomicBoolean();
      TestObserver<ConnectionState> states = client.connectionStates().test();
      Flowable<Message> source = Flowable.range(0, MESSAGES).map(i -> {
        if (taken.incrementAndGet() == MESSAGES / 2) {
          killed.set(HUB.hub().faults().killTcp(id.deviceId()));
        }
        return message(i);
      });
      TestSubscriber<SendResult> results = client.sendAll(source).test();

      results.awaitDone(40, TimeUnit.SECONDS).assertComplete();
      assertThat(killed).isTrue();
      assertThat(states.values()).extracting(ConnectionState::status)
          .contains(ConnectionState.Status.RECONNECTING);
      assertThat(results.values()).hasSize(MESSAGES).allMatch(SendResult::isSuccess);
      assertThat(resultIds(results.values())).containsExactlyInAnyOrderElementsOf(ids(MESSAGES));
      // At least once: a message whose PUBACK was lost with the connection may arrive twice.
      awaitTelemetry(id.deviceId(), MESSAGES);
      assertThat(receivedIds(id.deviceId())).containsExactlyInAnyOrderElementsOf(ids(MESSAGES));
    }
  }

  @Test
  @Timeout(60)
  void aClosedClientEndsTheStreamWithItsStateError() {
    DeviceIdentity id = HUB.createDevice(DeviceClientIT.newId("stream-closed"));
    DeviceClient client = client(id);
    client.connect().blockingAwait(20, TimeUnit.SECONDS);
    client.close();

    TestSubscriber<SendResult> results =
        client.sendAll(Flowable.range(0, 10).map(SendAllIT::message)).test();

    results.awaitDone(20, TimeUnit.SECONDS).assertError(IotHubClientStateException.class);
    assertThat(results.values()).hasSize(10)
        .allMatch(r -> r.error() instanceof IotHubClientStateException);
    assertThat(HUB.hub().telemetry(id.deviceId())).isEmpty();
  }
}
