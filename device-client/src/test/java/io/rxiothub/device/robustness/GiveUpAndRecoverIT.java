// Issue 9: when the reconnect policy gives up, the client says so, and connect() on the same instance works.
package io.rxiothub.device.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.observers.TestObserver;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.ConnectionState.Reason;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubConnectionException;
import io.rxiothub.device.Message;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.testing.NoLeaksExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(NoLeaksExtension.class)
class GiveUpAndRecoverIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  @Test
  @Timeout(60)
  void afterGivingUpTheSameInstanceConnectsAgain() throws Exception {
    DeviceIdentity id = HUB.createDevice(RobustClients.newId("give-up"));
    try (TcpRelay relay = new TcpRelay(HUB.hub().mqttPort());
        DeviceClient client = RobustClients.device(HUB.hub(), id, relay.port())
            .reconnectGiveUpMillis(1_000).connectTimeoutMillis(2_000).build()) {
      TestObserver<ConnectionState> states = client.connectionStates().test();
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      client.send(Message.builder().messageId("before").build()).blockingAwait(20, TimeUnit.SECONDS);

      relay.cut();
      TestObserver<Void> lost = client.send(Message.builder().messageId("while-down").build()).test();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> client.connectionState().status() == Status.DISCONNECTED);
      ConnectionState gaveUp = client.connectionState();
      assertThat(gaveUp.reason()).isEqualTo(Reason.RETRY_EXPIRED);
      assertThat(gaveUp.error()).isInstanceOf(IotHubConnectionException.class)
          .hasMessageContaining("Gave up connecting " + id.deviceId());
      lost.awaitDone(10, TimeUnit.SECONDS).assertError(IotHubConnectionException.class);
      assertThat(states.values()).extracting(ConnectionState::status)
          .contains(Status.RECONNECTING).last().isEqualTo(Status.DISCONNECTED);
      // Given up means given up: no more attempts reach the relay.
      long attempts = relay.accepted();
      await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3))
          .until(() -> relay.accepted() == attempts);

      relay.restore();
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      client.send(Message.builder().messageId("after").build()).blockingAwait(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().telemetry(id.deviceId()).stream()
          .map(TelemetryMessage::systemProperties).anyMatch(p -> "after".equals(p.get("$.mid"))));
      assertThat(client.connectionState().status()).isEqualTo(Status.CONNECTED);

      // The restored client also survives the next loss with a fresh retry budget.
      relay.cut();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> client.connectionState().status() == Status.RECONNECTING);
      relay.restore();
      await().atMost(Duration.ofSeconds(20))
          .until(() -> client.connectionState().status() == Status.CONNECTED);
    }
  }
}
