// Issue 9: session takeover is detected and not fought; a client that gave up reconnecting connects again.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.observers.TestObserver;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.ConnectionState.Reason;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.device.IotHubConnectionException;
import io.rxiothub.device.internal.TestCores;
import io.rxiothub.transport.internal.FakeConnector.FakeAttempt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TakeoverAndGiveUpTest extends CoreFixture {

  ClientCore core(long takeoverWindowMillis) {
    CoreSettings settings = TestCores.settings(DEVICE, 3600, scheduler)
        .backoff(new Backoff(100, 1000, new Random(3))).giveUpMillis(30_000)
        .takeoverWindowMillis(takeoverWindowMillis).build();
    return new ClientCore(settings, connector, () -> { });
  }

  /** The hub closes the connection in an orderly way, as it does to the older of two clients. */
  static void closedByHub(FakeAttempt a) {
    a.listener.onClosed(new MqttConnector.ClosedByHubException("the hub closed the connection",
        null));
  }

  /** Lets the reconnect timer fire and accepts the new attempt. */
  FakeAttempt reconnect() {
    int before = connector.attempts.size();
    scheduler.advanceTimeBy(1000, TimeUnit.MILLISECONDS);
    assertThat(connector.attempts).as("a reconnection attempt").hasSize(before + 1);
    FakeAttempt a = connector.last().accept();
    scheduler.triggerActions();
    return a;
  }

  @Test
  void aSecondCloseByTheHubRightAfterReconnectingIsATakeoverAndIsNotFought() {
    ClientCore core = core(10_000);
    TestObserver<ConnectionState> states = TestCores.states(core).test();
    FakeAttempt first = connect(core);
    scheduler.advanceTimeBy(30, TimeUnit.MINUTES);
    closedByHub(first);
    scheduler.triggerActions();
    assertThat(TestCores.state(core).status()).isEqualTo(Status.RECONNECTING);

    FakeAttempt second = reconnect();
    assertThat(TestCores.state(core).status()).isEqualTo(Status.CONNECTED);
    scheduler.advanceTimeBy(300, TimeUnit.MILLISECONDS);
    closedByHub(second);
    scheduler.triggerActions();
    assertThat(TestCores.state(core).status()).as("one quick close may be a coincidence")
        .isEqualTo(Status.RECONNECTING);

    FakeAttempt third = reconnect();
    TestObserver<Void> waiting = core.publish("t", bytes("m"), false, null).test();
    scheduler.advanceTimeBy(300, TimeUnit.MILLISECONDS);
    closedByHub(third);
    scheduler.triggerActions();

    ConnectionState state = TestCores.state(core);
    assertThat(state.status()).isEqualTo(Status.DISCONNECTED);
    assertThat(state.reason()).isEqualTo(Reason.TAKEN_OVER);
    assertThat(state.error()).isInstanceOf(IotHubConnectionException.class)
        .hasMessageContaining("Another client connected as dev1")
        .hasMessageContaining("3 times in a row")
        .hasMessageContaining("call connect() to take the identity back");
    int attempts = connector.attempts.size();
    scheduler.advanceTimeBy(10, TimeUnit.MINUTES);
    assertThat(connector.attempts).as("no reconnect loop against the other client")
        .hasSize(attempts);
    waiting.assertError(e -> e == state.error());
    assertThat(states.values()).extracting(ConnectionState::reason).containsSubsequence(
        Reason.CONNECTION_OK, Reason.NETWORK_LOST, Reason.CONNECTION_OK, Reason.NETWORK_LOST,
        Reason.CONNECTION_OK, Reason.TAKEN_OVER);

    // connect() on the same instance takes the identity back.
    FakeAttempt back = connect(core);
    TestObserver<Void> sent = core.publish("t", bytes("again"), false, null).test();
    back.ackAll();
    scheduler.triggerActions();
    sent.assertComplete();
  }

  @Test
  void theNewerClientIsOneCloseBehindAndWins() {
    // The other side of the takeover: its connection is first closed by the older client's first
    // reconnection, so when the older one stops (its third close) the newer one has seen two closes
    // and stays connected.
    ClientCore core = core(10_000);
    FakeAttempt a = connect(core);
    for (int close = 1; close <= 2; close++) {
      scheduler.advanceTimeBy(200, TimeUnit.MILLISECONDS);
      closedByHub(a);
      scheduler.triggerActions();
      a = reconnect();
    }
    assertThat(TestCores.state(core).status()).isEqualTo(Status.CONNECTED);
    assertThat(a.cancelled).isFalse();
  }

  @Test
  void aNetworkErrorBetweenHubClosesStartsTheCountAgain() {
    ClientCore core = core(10_000);
    FakeAttempt a = connect(core);
    closedByHub(a);
    scheduler.triggerActions();
    a = reconnect();
    closedByHub(a);
    scheduler.triggerActions();
    a = reconnect();
    a.listener.onClosed(new IOException("connection reset"));
    scheduler.triggerActions();
    for (int i = 0; i < 2; i++) {
      a = reconnect();
      closedByHub(a);
      scheduler.triggerActions();
    }
    assertThat(TestCores.state(core).status()).isEqualTo(Status.RECONNECTING);
    reconnect();
    assertThat(TestCores.state(core).status()).isEqualTo(Status.CONNECTED);
  }

  @Test
  void closesByTheHubFurtherApartThanTheWindowAreOrdinaryLosses() {
    ClientCore core = core(10_000);
    FakeAttempt a = connect(core);
    for (int i = 0; i < 5; i++) {
      closedByHub(a);
      scheduler.triggerActions();
      a = reconnect();
      scheduler.advanceTimeBy(10_000, TimeUnit.MILLISECONDS);
    }
    assertThat(TestCores.state(core).status()).isEqualTo(Status.CONNECTED);
  }

  @Test
  void networkErrorsRightAfterReconnectingAreNotATakeover() {
    ClientCore core = core(10_000);
    FakeAttempt a = connect(core);
    closedByHub(a);
    for (int i = 0; i < 5; i++) {
      scheduler.triggerActions();
      a = reconnect();
      a.listener.onClosed(new IOException("connection reset"));
    }
    scheduler.triggerActions();
    assertThat(TestCores.state(core).status()).isEqualTo(Status.RECONNECTING);
    assertThat(TestCores.state(core).reason()).isEqualTo(Reason.NETWORK_LOST);
  }

  @Test
  void quickHubClosesWhileAResentMessageIsUnacknowledgedAreNotATakeover() {
    // A message the hub answers by closing the connection (a poison message, or a fault request
    // resent until it expires) must not be mistaken for another client taking the identity over.
    ClientCore core = core(10_000);
    FakeAttempt a = connect(core);
    TestObserver<Void> poison = core.publish("t/poison", bytes("p"), false, null).test();
    for (int close = 0; close < 6; close++) {
      closedByHub(a);
      scheduler.triggerActions();
      a = reconnect();
      assertThat(a.topics()).as("resent after close %d", close).containsExactly("t/poison");
    }
    assertThat(TestCores.state(core).status()).isEqualTo(Status.CONNECTED);
    // Once it is acknowledged, quick closes count again.
    a.ackAll();
    scheduler.triggerActions();
    poison.assertComplete();
    for (int close = 0; close < 3 && TestCores.state(core).status() != Status.DISCONNECTED; close++) {
      closedByHub(a);
      scheduler.triggerActions();
      if (TestCores.state(core).status() != Status.DISCONNECTED) {
        a = reconnect();
      }
    }
    assertThat(TestCores.state(core).reason()).isEqualTo(Reason.TAKEN_OVER);
  }

  @Test
  void aZeroWindowAlwaysReconnects() {
    ClientCore core = core(0);
    FakeAttempt a = connect(core);
    for (int i = 0; i < 5; i++) {
      closedByHub(a);
      scheduler.triggerActions();
      a = reconnect();
    }
    assertThat(TestCores.state(core).status()).isEqualTo(Status.CONNECTED);
  }

  @Test
  void afterGivingUpAConnectOnTheSameInstanceWorksAndTheRetryBudgetStartsAfresh() {
    ClientCore core = core(10_000);
    FakeAttempt first = connect(core);
    first.drop("network down");
    scheduler.triggerActions();
    TestObserver<Void> queued = core.publish("t", bytes("lost"), false, null).test();
    while (TestCores.state(core).status() != Status.DISCONNECTED) {
      scheduler.advanceTimeBy(1000, TimeUnit.MILLISECONDS);
      FakeAttempt attempt = connector.last();
      if (!attempt.cancelled) {
        attempt.refuse(new IotHubConnectionException("unreachable", null));
      }
      assertThat(scheduler.now(TimeUnit.MILLISECONDS)).isLessThan(120_000);
    }
    assertThat(TestCores.state(core).reason()).isEqualTo(Reason.RETRY_EXPIRED);
    assertThat(TestCores.state(core).error()).hasMessageContaining("Gave up connecting dev1");
    scheduler.triggerActions();
    queued.assertError(IotHubConnectionException.class);
    int attempts = connector.attempts.size();
    scheduler.advanceTimeBy(10, TimeUnit.MINUTES);
    assertThat(connector.attempts).hasSize(attempts);

    // Same instance: connect() works, sends flow.
    FakeAttempt again = connect(core);
    TestObserver<Void> sent = core.publish("t", bytes("after"), false, null).test();
    again.ackAll();
    scheduler.triggerActions();
    sent.assertComplete();

    // And the give-up clock starts from the new failures, not the old ones.
    again.drop("network down again");
    scheduler.triggerActions();
    for (int i = 0; i < 3; i++) {
      scheduler.advanceTimeBy(1000, TimeUnit.MILLISECONDS);
      connector.last().refuse(new IotHubConnectionException("unreachable", null));
    }
    assertThat(TestCores.state(core).status()).isEqualTo(Status.RECONNECTING);
    reconnect();
    assertThat(TestCores.state(core).status()).isEqualTo(Status.CONNECTED);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
