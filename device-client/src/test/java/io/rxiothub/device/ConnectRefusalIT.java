// CONNACK refusals injected by the hub emulator: 3 (server unavailable) is retried with the reconnect backoff on the
// first connect as on a reconnect, until the give-up time; the others fail a connect() at once.
package io.rxiothub.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.observers.TestObserver;
import io.rxiothub.device.ConnectionState.Reason;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.testing.NoLeaksExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(NoLeaksExtension.class)
class ConnectRefusalIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  /** Longer than any test: a refusal lasts until the test clears it. */
  private static final Duration UNTIL_CLEARED = Duration.ofMinutes(10);

  private static DeviceClient client(DeviceIdentity id, Consumer<DeviceClient.Builder> extra) {
    DeviceClient.Builder b = DeviceClient.builder().connectionString(id.connectionString())
        .port(HUB.hub().mqttPort()).trustStore(HUB.hub().trustStore()).reconnectBackoff(50, 500);
    extra.accept(b);
    return b.build();
  }

  /** The states that report a CONNECT refused with {@code returnCode}. */
  private static long refusals(TestObserver<ConnectionState> states, int returnCode) {
    return states.values().stream().filter(s -> s.error() instanceof IotHubConnectionRefusedException
        && ((IotHubConnectionRefusedException) s.error()).returnCode() == returnCode).count();
  }

  @Test
  @Timeout(60)
  void aFirstConnectRefusedAsServerUnavailableIsRetriedUntilTheHubAccepts() throws InterruptedException {
    DeviceIdentity id = HUB.createDevice(DeviceClientIT.newId("unavailable-first"));
    HUB.hub().faults().refuseConnects(id.deviceId(), UNTIL_CLEARED, 3);
    try (DeviceClient client = client(id, b -> { })) {
      TestObserver<ConnectionState> states = client.connectionStates().test();
      TestObserver<Void> connect = client.connect().test();

      await().atMost(Duration.ofSeconds(20))
          .until(() -> refusals(states, 3) >= 2 || client.connectionState().status() == Status.DISCONNECTED);
      connect.assertNoErrors().assertNotComplete();
      HUB.hub().faults().clear(id.deviceId());

      assertThat(connect.await(20, TimeUnit.SECONDS)).as("connect() ended").isTrue();
      connect.assertComplete();
      assertThat(client.connectionState().status()).isEqualTo(Status.CONNECTED);
      assertThat(HUB.hub().faults().acceptedConnections(id.deviceId())).isEqualTo(1);
      ConnectionState refused = states.values().stream().filter(s -> s.error() != null).findFirst().orElseThrow();
      assertThat(refused.status()).isEqualTo(Status.CONNECTING);
      assertThat(refused.reason()).isEqualTo(Reason.NETWORK_LOST);
      assertThat(refused.error()).hasMessageContaining("CONNACK return code 3 (server unavailable");
    }
  }

  @Test
  @Timeout(60)
  void aFirstConnectStillRefusedAsServerUnavailableAtTheGiveUpTimeFails() throws InterruptedException {
    DeviceIdentity id = HUB.createDevice(DeviceClientIT.newId("unavailable-give-up"));
    HUB.hub().faults().refuseConnects(id.deviceId(), UNTIL_CLEARED, 3);
    try (DeviceClient client = client(id, b -> b.reconnectGiveUpMillis(1_500))) {
      TestObserver<ConnectionState> states = client.connectionStates().test();
      TestObserver<Void> connect = client.connect().test();

      assertThat(connect.await(30, TimeUnit.SECONDS)).as("connect() ended").isTrue();
      connect.assertError(e -> e.getClass() == IotHubConnectionException.class
          && e.getMessage().startsWith("Gave up connecting " + id.deviceId())
          && e.getCause() instanceof IotHubConnectionRefusedException
          && ((IotHubConnectionRefusedException) e.getCause()).returnCode() == 3);
      assertThat(refusals(states, 3)).as("refusals reported (the last one in the give-up)").isGreaterThan(1);
      assertThat(client.connectionState().status()).isEqualTo(Status.DISCONNECTED);
      assertThat(client.connectionState().reason()).isEqualTo(Reason.RETRY_EXPIRED);
      assertThat(HUB.hub().faults().acceptedConnections(id.deviceId())).isZero();
    }
  }

  @ParameterizedTest(name = "CONNACK {0}")
  @ValueSource(ints = {1, 2, 4, 5})
  @Timeout(60)
  void aFirstConnectRefusedForAnotherReasonFailsAtOnce(int returnCode) throws InterruptedException {
    DeviceIdentity id = HUB.createDevice(DeviceClientIT.newId("refused-" + returnCode));
    HUB.hub().faults().refuseConnects(id.deviceId(), UNTIL_CLEARED, returnCode);
    // the default give-up time (4 minutes) is far beyond the wait: only a connect() that is not retried ends in it
    try (DeviceClient client = client(id, b -> { })) {
      TestObserver<ConnectionState> states = client.connectionStates().test();
      TestObserver<Void> connect = client.connect().test();

      assertThat(connect.await(30, TimeUnit.SECONDS)).as("connect() ended").isTrue();
      connect.assertError(e -> e instanceof IotHubConnectionRefusedException
          && ((IotHubConnectionRefusedException) e).returnCode() == returnCode
          && !((IotHubConnectionRefusedException) e).isRetryable()
          && e.getMessage().contains("CONNACK return code " + returnCode + " ("));
      // states reach their observer on the callback thread, possibly after connect()'s error
      await().atMost(Duration.ofSeconds(5)).until(() -> states.values().size() >= 3);
      assertThat(states.values()).extracting(ConnectionState::status)
          .containsExactly(Status.DISCONNECTED, Status.CONNECTING, Status.DISCONNECTED);
      assertThat(client.connectionState().reason()).isEqualTo(Reason.REFUSED);
    }
  }

  @Test
  @Timeout(60)
  void aReconnectRefusedAsServerUnavailableIsRetriedUntilTheHubAccepts() {
    DeviceIdentity id = HUB.createDevice(DeviceClientIT.newId("unavailable-reconnect"));
    try (DeviceClient client = client(id, b -> { })) {
      assertThat(client.connect().blockingAwait(20, TimeUnit.SECONDS)).as("connected").isTrue();
      TestObserver<ConnectionState> states = client.connectionStates().test();
      HUB.hub().faults().refuseConnects(id.deviceId(), UNTIL_CLEARED, 3);
      assertThat(HUB.hub().faults().killTcp(id.deviceId())).isTrue();

      await().atMost(Duration.ofSeconds(20))
          .until(() -> refusals(states, 3) >= 2 || client.connectionState().status() == Status.DISCONNECTED);
      assertThat(client.connectionState().status()).isEqualTo(Status.RECONNECTING);
      HUB.hub().faults().clear(id.deviceId());

      await().atMost(Duration.ofSeconds(20)).until(() -> client.connectionState().status() == Status.CONNECTED);
      List<Status> statuses = states.values().stream().map(ConnectionState::status).toList();
      assertThat(statuses).doesNotContain(Status.DISCONNECTED);
      assertThat(HUB.hub().faults().acceptedConnections(id.deviceId())).isEqualTo(2);
    }
  }
}
