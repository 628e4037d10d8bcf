// Issue 9: a second client with the same identity takes over; the first reports it and does not fight back.
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
import io.rxiothub.testing.NoLeaksExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(NoLeaksExtension.class)
class SessionTakeoverIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  static long count(TestObserver<ConnectionState> states, Status status) {
    return states.values().stream().filter(s -> s.status() == status).count();
  }

  @Test
  @Timeout(60)
  void theOlderClientReportsTheTakeoverAndStopsWhileTheNewerOneStays() {
    DeviceIdentity id = HUB.createDevice(RobustClients.newId("takeover"));
    try (DeviceClient older = RobustClients.device(HUB.hub(), id).build();
        DeviceClient newer = RobustClients.device(HUB.hub(), id).build()) {
      TestObserver<ConnectionState> olderStates = older.connectionStates().test();
      TestObserver<ConnectionState> newerStates = newer.connectionStates().test();
      older.connect().blockingAwait(20, TimeUnit.SECONDS);
      newer.connect().blockingAwait(20, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(30))
          .until(() -> older.connectionState().status() == Status.DISCONNECTED);
      ConnectionState state = older.connectionState();
      assertThat(state.reason()).isEqualTo(Reason.TAKEN_OVER);
      assertThat(state.error()).isInstanceOf(IotHubConnectionException.class)
          .hasMessageContaining("Another client connected as " + id.deviceId());
      // The older one reconnected twice (a single quick close may be a coincidence), then stopped.
      assertThat(count(olderStates, Status.CONNECTED)).isEqualTo(3);

      // The newer one keeps the identity: connected, and nobody takes turns any more.
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
          .until(() -> newer.connectionState().status() == Status.CONNECTED
              && HUB.hub().isConnected(id.deviceId()));
      long newerConnects = count(newerStates, Status.CONNECTED);
      assertThat(newerConnects).isBetween(1L, 3L);
      assertThat(newerStates.values()).noneMatch(s -> s.reason() == Reason.TAKEN_OVER);
      newer.send(Message.builder().messageId("from-newer").build())
          .blockingAwait(20, TimeUnit.SECONDS);
      assertThat(older.connectionState().status()).isEqualTo(Status.DISCONNECTED);

      // connect() on the same older instance takes the identity back.
      older.connect().blockingAwait(20, TimeUnit.SECONDS);
      older.send(Message.builder().messageId("from-older").build())
          .blockingAwait(20, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(60)
  void withTheDetectionOffBothKeepReconnecting() {
    DeviceIdentity id = HUB.createDevice(RobustClients.newId("fight"));
    try (DeviceClient first = RobustClients.device(HUB.hub(), id).takeoverWindowMillis(0).build();
        DeviceClient second = RobustClients.device(HUB.hub(), id).takeoverWindowMillis(0)
            .build()) {
      TestObserver<ConnectionState> firstStates = first.connectionStates().test();
      TestObserver<ConnectionState> secondStates = second.connectionStates().test();
      first.connect().blockingAwait(20, TimeUnit.SECONDS);
      second.connect().blockingAwait(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> count(firstStates, Status.CONNECTED) >= 3
          && count(secondStates, Status.CONNECTED) >= 3);
      assertThat(firstStates.values()).noneMatch(s -> s.reason() == Reason.TAKEN_OVER);
      assertThat(secondStates.values()).noneMatch(s -> s.reason() == Reason.TAKEN_OVER);
    }
  }
}
