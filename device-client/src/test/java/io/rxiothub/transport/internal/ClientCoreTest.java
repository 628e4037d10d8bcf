// The connection state machine driven by a TestScheduler and a scripted connector.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.ConnectionState.Reason;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.device.IotHubClientStateException;
import io.rxiothub.device.IotHubConnectionException;
import io.rxiothub.device.IotHubConnectionRefusedException;
import io.rxiothub.device.IotHubQueueFullException;
import io.rxiothub.device.IotHubTokenExpiredException;
import io.rxiothub.device.OverflowPolicy;
import io.rxiothub.transport.internal.FakeConnector.FakeAttempt;
import io.rxiothub.transport.internal.FakeConnector.FakeInbound;
import io.rxiothub.device.internal.TestCores;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.sas.SasToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClientCoreTest extends CoreFixture {

  static List<Status> statuses(TestObserver<ConnectionState> states) {
    List<Status> out = new ArrayList<>();
    for (ConnectionState s : states.values()) {
      out.add(s.status());
    }
    return out;
  }

  @Test
  void connectSendsTheRequestAndCompletesOnConnack() {
    ClientCore core = core();
    TestObserver<ConnectionState> states = TestCores.states(core).test();
    TestObserver<Void> connected = core.connect().test();
    scheduler.triggerActions();
    connected.assertNotComplete();

    FakeAttempt a = connector.last();
    assertThat(a.request.clientId()).isEqualTo("dev1");
    assertThat(a.request.username()).isEqualTo("user");
    assertThat(a.request.cleanSession()).isFalse();
    assertThat(a.request.keepAliveSeconds()).isEqualTo(230);
    SasToken token = SasToken.parse(new String(a.request.password(), StandardCharsets.UTF_8));
    assertThat(token.resourceUri()).isEqualTo("hub.example.net/devices/dev1");
    assertThat(token.expiryEpochSeconds()).isEqualTo(3600);
    assertThat(token.verify(KEY)).isTrue();

    a.accept();
    scheduler.triggerActions();
    connected.assertComplete();
    assertThat(statuses(states))
        .containsExactly(Status.DISCONNECTED, Status.CONNECTING, Status.CONNECTED);
    assertThat(states.values().get(2).reason()).isEqualTo(Reason.CONNECTION_OK);
  }

  @Test
  void refusedCredentialsAreReportedAndNotRetried() {
    ClientCore core = core();
    TestObserver<Void> connected = core.connect().test();
    scheduler.triggerActions();
    connector.last().refuse(new IotHubConnectionRefusedException(5, "not authorized", null));
    scheduler.advanceTimeBy(10, TimeUnit.MINUTES);

    connected.assertError(IotHubConnectionRefusedException.class);
    assertThat(connector.attempts).hasSize(1);
    ConnectionState state = TestCores.state(core);
    assertThat(state.status()).isEqualTo(Status.DISCONNECTED);
    assertThat(state.reason()).isEqualTo(Reason.REFUSED);
    assertThat(((IotHubConnectionRefusedException) state.error()).returnCode()).isEqualTo(5);
  }

  @Test
  void serverUnavailableIsRetriedWithTheBackoffOnTheFirstConnectAndOnReconnects() {
    ClientCore core = core();
    TestObserver<ConnectionState> states = TestCores.states(core).test();
    TestObserver<Void> connected = core.connect().test();
    scheduler.triggerActions();
    connector.last().refuse(new IotHubConnectionRefusedException(3, "server unavailable", null));
    scheduler.advanceTimeBy(backoff.ceilingMillis(0), TimeUnit.MILLISECONDS);
    assertThat(connector.attempts).as("attempts of the first connect").hasSize(2);
    connected.assertNotComplete();
    FakeAttempt accepted = connector.last().accept();
    scheduler.triggerActions();
    connected.assertComplete();

    accepted.drop("connection reset");
    scheduler.advanceTimeBy(backoff.ceilingMillis(0), TimeUnit.MILLISECONDS);
    connector.last().refuse(new IotHubConnectionRefusedException(3, "server unavailable", null));
    scheduler.advanceTimeBy(backoff.ceilingMillis(0), TimeUnit.MILLISECONDS);
    assertThat(connector.attempts).as("attempts in all").hasSize(4);
    connector.last().accept();
    scheduler.triggerActions();

    assertThat(statuses(states)).containsExactly(Status.DISCONNECTED, Status.CONNECTING, Status.CONNECTING,
        Status.CONNECTED, Status.RECONNECTING, Status.RECONNECTING, Status.CONNECTED);
    for (int refused : new int[] {2, 5}) {
      assertThat(states.values().get(refused).reason()).isEqualTo(Reason.NETWORK_LOST);
      assertThat(((IotHubConnectionRefusedException) states.values().get(refused).error()).returnCode())
          .isEqualTo(3);
    }
  }

  @Test
  void transientFailuresAreRetriedWithinTheBackoffCeilingThenGiveUp() {
    ClientCore core = core();
    TestObserver<Void> connected = core.connect().test();
    scheduler.triggerActions();
    for (int failure = 0; failure < 6; failure++) {
      assertThat(connector.attempts).hasSize(failure + 1);
      connector.last().refuse(new IotHubConnectionException("refused by the network", null));
      scheduler.advanceTimeBy(backoff.ceilingMillis(failure), TimeUnit.MILLISECONDS);
      assertThat(connector.attempts).as("attempt after failure %d", failure).hasSize(failure + 2);
    }
    connected.assertNotComplete();
    // Keep failing: the failure that comes 60 s or more after the first one ends the retries.
    long gaveUpAt = -1;
    for (int i = 0; i < 50 && gaveUpAt < 0; i++) {
      long now = scheduler.now(TimeUnit.MILLISECONDS);
      connector.last().refuse(new IotHubConnectionException("still down", null));
      if (TestCores.state(core).status() == Status.DISCONNECTED) {
        gaveUpAt = now;
      } else {
        assertThat(now).isLessThan(60_000);
        scheduler.advanceTimeBy(8000, TimeUnit.MILLISECONDS);
      }
    }
    assertThat(gaveUpAt).isGreaterThanOrEqualTo(60_000);
    scheduler.triggerActions();
    int attempts = connector.attempts.size();
    scheduler.advanceTimeBy(10, TimeUnit.MINUTES);
    assertThat(connector.attempts).hasSize(attempts);
    connected.assertError(IotHubConnectionException.class);
    assertThat(TestCores.state(core).reason()).isEqualTo(Reason.RETRY_EXPIRED);
  }

  @Test
  void lostConnectionResendsUnacknowledgedMessagesInOrderAfterReconnecting() {
    ClientCore core = core();
    TestObserver<ConnectionState> states = TestCores.states(core).test();
    FakeAttempt first = connect(core);
    List<TestObserver<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sends.add(core.publish("t/" + i, bytes("m" + i), false, null).test());
    }
    assertThat(first.topics()).containsExactly("t/0", "t/1", "t/2");
    first.published.get(0).ack();
    first.drop("connection reset");
    TestObserver<Void> whileAway = core.publish("t/3", bytes("m3"), false, null).test();
    scheduler.advanceTimeBy(backoff.ceilingMillis(0), TimeUnit.MILLISECONDS);

    assertThat(connector.attempts).hasSize(2);
    FakeAttempt second = connector.last().accept();
    assertThat(second.topics()).containsExactly("t/1", "t/2", "t/3");
    second.ackAll();
    scheduler.triggerActions();
    for (TestObserver<Void> send : sends) {
      send.assertComplete();
    }
    whileAway.assertComplete();
    assertThat(statuses(states)).containsSubsequence(Status.CONNECTED, Status.RECONNECTING,
        Status.CONNECTED);
    assertThat(states.values().stream().filter(s -> s.status() == Status.RECONNECTING)
        .findFirst().get().reason()).isEqualTo(Reason.NETWORK_LOST);
  }

  @Test
  void fullOfflineQueueRefusesNewMessagesWithFailPolicy() {
    ClientCore core = core(DEVICE, 3600, 2, OverflowPolicy.FAIL);
    connect(core).drop("gone");
    TestObserver<Void> a = core.publish("t/a", bytes("a"), false, null).test();
    TestObserver<Void> b = core.publish("t/b", bytes("b"), false, null).test();
    TestObserver<Void> c = core.publish("t/c", bytes("c"), false, null).test();
    scheduler.triggerActions();
    c.assertError(IotHubQueueFullException.class);
    scheduler.advanceTimeBy(backoff.ceilingMillis(0), TimeUnit.MILLISECONDS);
    FakeAttempt second = connector.last().accept();
    assertThat(second.topics()).containsExactly("t/a", "t/b");
    second.ackAll();
    scheduler.triggerActions();
    a.assertComplete();
    b.assertComplete();
  }

  @Test
  void fullOfflineQueueDropsTheOldestWithASignalWithDropOldestPolicy() {
    ClientCore core = core(DEVICE, 3600, 2, OverflowPolicy.DROP_OLDEST);
    connect(core).drop("gone");
    TestObserver<Void> a = core.publish("t/a", bytes("a"), false, null).test();
    TestObserver<Void> b = core.publish("t/b", bytes("b"), false, null).test();
    TestObserver<Void> c = core.publish("t/c", bytes("c"), false, null).test();
    scheduler.triggerActions();
    a.assertError(IotHubQueueFullException.class);
    scheduler.advanceTimeBy(backoff.ceilingMillis(0), TimeUnit.MILLISECONDS);
    FakeAttempt second = connector.last().accept();
    assertThat(second.topics()).containsExactly("t/b", "t/c");
    second.ackAll();
    scheduler.triggerActions();
    b.assertComplete();
    c.assertComplete();
  }

  @Test
  void tokenIsRenewedAt85PercentOfItsLifetimeByACleanReconnect() {
    ClientCore core = core(DEVICE, 100, 100, OverflowPolicy.FAIL);
    TestObserver<ConnectionState> states = TestCores.states(core).test();
    FakeAttempt first = connect(core);
    scheduler.advanceTimeBy(84_999, TimeUnit.MILLISECONDS);
    assertThat(first.disconnected).isFalse();
    assertThat(connector.attempts).hasSize(1);

    scheduler.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    assertThat(first.disconnected).isTrue();
    assertThat(connector.attempts).hasSize(2);
    SasToken renewed = SasToken.parse(
        new String(connector.last().request.password(), StandardCharsets.UTF_8));
    assertThat(renewed.expiryEpochSeconds()).isEqualTo(85 + 100);
    assertThat(states.values()).contains(
        ConnectionState.of(Status.RECONNECTING, Reason.TOKEN_RENEWAL, null));
  }

  @Test
  void renewalWaitsForOutstandingPubacksAndLosesNothing() {
    ClientCore core = core(DEVICE, 100, 100, OverflowPolicy.FAIL);
    FakeAttempt first = connect(core);
    TestObserver<Void> early = core.publish("t/early", bytes("e"), false, null).test();
    scheduler.advanceTimeBy(85, TimeUnit.SECONDS);
    assertThat(first.disconnected).as("waits for the PUBACK").isFalse();
    TestObserver<Void> during = core.publish("t/during", bytes("d"), false, null).test();
    assertThat(first.topics()).containsExactly("t/early");

    first.published.get(0).ack();
    assertThat(first.disconnected).isTrue();
    FakeAttempt second = connector.last().accept();
    assertThat(second.topics()).containsExactly("t/during");
    second.ackAll();
    scheduler.triggerActions();
    early.assertComplete();
    during.assertComplete();
  }

  @Test
  void fixedTokenIsUsedAsIsAndItsExpiryIsReportedClearly() {
    SasToken token = SasToken.generate("hub.example.net/devices/dev1", KEY, 50, null);
    ConnectionString cs = ConnectionString.builder().hostName("hub.example.net").deviceId("dev1")
        .sharedAccessSignature(token).build();
    ClientCore core = core(cs, 3600, 100, OverflowPolicy.FAIL);
    FakeAttempt a = connect(core);
    assertThat(new String(a.request.password(), StandardCharsets.UTF_8)).isEqualTo(token.format());

    scheduler.advanceTimeBy(50, TimeUnit.SECONDS);
    ConnectionState state = TestCores.state(core);
    assertThat(state.status()).isEqualTo(Status.DISCONNECTED);
    assertThat(state.reason()).isEqualTo(Reason.TOKEN_EXPIRED);
    assertThat(state.error()).isInstanceOf(IotHubTokenExpiredException.class)
        .hasMessageContaining("cannot be renewed")
        .hasMessageNotContaining(token.format());
    scheduler.advanceTimeBy(10, TimeUnit.MINUTES);
    assertThat(connector.attempts).hasSize(1);

    TestObserver<Void> again = core.connect().test();
    scheduler.triggerActions();
    again.assertError(IotHubTokenExpiredException.class);
    assertThat(connector.attempts).hasSize(1);
  }

  @Test
  void sendBeforeConnectFailsWithAClientStateError() {
    ClientCore core = core();
    TestObserver<Void> send = core.publish("t", bytes("x"), false, null).test();
    scheduler.triggerActions();
    send.assertError(IotHubClientStateException.class);
  }

  @Test
  void inboundMessagesWaitUnacknowledgedForDemandAndAreAcknowledgedAfterHandOff() {
    ClientCore core = core();
    TestSubscriber<String> subscriber = core.<String>inbound("in/#",
        p -> p.topic().equals("in/garbage") ? null : p.topic()).test(0);
    FakeAttempt a = connect(core);
    assertThat(a.subscribed).containsExactly("in/#");

    FakeInbound garbage = new FakeInbound("in/garbage", new byte[0]);
    FakeInbound one = new FakeInbound("in/1", new byte[0]);
    FakeInbound two = new FakeInbound("in/2", new byte[0]);
    a.listener.onPublish(garbage);
    a.listener.onPublish(one);
    a.listener.onPublish(two);
    scheduler.triggerActions();
    assertThat(garbage.acks).as("garbage is acknowledged and skipped").isEqualTo(1);
    assertThat(one.acks).as("no demand yet").isZero();

    subscriber.request(1);
    scheduler.triggerActions();
    subscriber.assertValuesOnly("in/1");
    assertThat(one.acks).isEqualTo(1);
    assertThat(two.acks).isZero();

    subscriber.request(1);
    scheduler.triggerActions();
    subscriber.assertValuesOnly("in/1", "in/2");
    assertThat(two.acks).isEqualTo(1);
  }

  @Test
  void subscriptionsAreRenewedAfterEveryReconnectAndStaleMessagesDropped() {
    ClientCore core = core();
    TestSubscriber<String> subscriber = core.<String>inbound("in/#", p -> p.topic()).test(0);
    FakeAttempt first = connect(core);
    FakeInbound stale = new FakeInbound("in/stale", new byte[0]);
    first.listener.onPublish(stale);
    first.drop("gone");
    scheduler.advanceTimeBy(backoff.ceilingMillis(0), TimeUnit.MILLISECONDS);
    FakeAttempt second = connector.last().accept();
    assertThat(second.subscribed).containsExactly("in/#");
    FakeInbound fresh = new FakeInbound("in/fresh", new byte[0]);
    second.listener.onPublish(fresh);
    subscriber.request(5);
    scheduler.triggerActions();
    subscriber.assertValuesOnly("in/fresh");
    assertThat(stale.acks).as("the hub redelivers it on the new connection").isZero();
  }

  @Test
  void closeFailsWaitingSendsCompletesStreamsAndReleasesResources() {
    ClientCore core = core();
    TestObserver<ConnectionState> states = TestCores.states(core).test();
    TestSubscriber<String> inbound = core.<String>inbound("in/#", p -> p.topic()).test();
    FakeAttempt a = connect(core);
    TestObserver<Void> send = core.publish("t", bytes("x"), false, null).test();
    core.close();
    core.close();
    scheduler.triggerActions();
    send.assertError(IotHubClientStateException.class);
    inbound.assertComplete();
    states.assertComplete();
    assertThat(states.values().get(states.values().size() - 1).status()).isEqualTo(Status.CLOSED);
    assertThat(a.disconnected).isTrue();
    assertThat(closeHooks).hasValue(1);
  }

  @Test
  void disconnectWaitsForOutstandingPubacksThenStopsReconnecting() {
    ClientCore core = core();
    FakeAttempt a = connect(core);
    TestObserver<Void> send = core.publish("t", bytes("x"), false, null).test();
    TestObserver<Void> disconnected = core.disconnect().test();
    scheduler.triggerActions();
    assertThat(a.disconnected).isFalse();
    a.ackAll();
    scheduler.triggerActions();
    assertThat(a.disconnected).isTrue();
    disconnected.assertComplete();
    send.assertComplete();
    assertThat(TestCores.state(core).reason()).isEqualTo(Reason.USER_DISCONNECT);
    scheduler.advanceTimeBy(10, TimeUnit.MINUTES);
    assertThat(connector.attempts).hasSize(1);
  }

  @Test
  void everyOperationAfterCloseFailsWithAClientStateError() {
    ClientCore core = core();
    core.close();
    TestObserver<Void> connect = core.connect().test();
    TestObserver<Void> send = core.publish("t", bytes("x"), false, null).test();
    scheduler.triggerActions();
    connect.assertError(IotHubClientStateException.class);
    send.assertError(IotHubClientStateException.class);
    TestObserver<Void> disconnect = core.disconnect().test();
    scheduler.triggerActions();
    disconnect.assertComplete();
    assertThat(connector.attempts).isEmpty();
  }

  @Test
  void disposingAQueuedSendRemovesItFromTheQueue() {
    ClientCore core = core();
    connect(core).drop("gone");
    TestObserver<Void> dropped = core.publish("t/dropped", bytes("a"), false, null).test();
    TestObserver<Void> kept = core.publish("t/kept", bytes("b"), false, null).test();
    dropped.dispose();
    scheduler.advanceTimeBy(backoff.ceilingMillis(0), TimeUnit.MILLISECONDS);
    FakeAttempt second = connector.last().accept();
    assertThat(second.topics()).containsExactly("t/kept");
    second.ackAll();
    scheduler.triggerActions();
    kept.assertComplete();
  }

  @Test
  void expiredMessagesInTheQueueAreNotSent() {
    ClientCore core = core();
    connect(core).drop("gone");
    TestObserver<Void> stale = core.publish("t/stale", bytes("a"), false, 10L).test();
    scheduler.advanceTimeBy(backoff.ceilingMillis(0) + 10, TimeUnit.MILLISECONDS);
    FakeAttempt second = connector.last().accept();
    scheduler.triggerActions();
    assertThat(second.topics()).isEmpty();
    stale.assertError(io.rxiothub.device.IotHubTimeoutException.class);
  }

  @Test
  void aMessageAlreadyExpiredWhenSentFailsAtOnceAndIsNotPublished() {
    ClientCore core = core();
    FakeAttempt first = connect(core);
    long now = scheduler.now(TimeUnit.MILLISECONDS);
    TestObserver<Void> stale = core.publish("t/stale", bytes("a"), false, now).test();
    TestObserver<Void> fresh = core.publish("t/fresh", bytes("b"), false, now + 1).test();
    scheduler.triggerActions();
    assertThat(first.topics()).containsExactly("t/fresh");
    stale.assertError(io.rxiothub.device.IotHubTimeoutException.class);
    stale.assertError(e -> e.getMessage().contains("before it was sent"));
  }

  @Test
  void aMessageWithoutPubackEndsAtItsExpiryAndIsNeverSentAgain() {
    // A fault request is never acknowledged by the hub (protocol.md §10): it must not be resent forever, nor hold
    // up the drain before a token renewal or disconnect.
    ClientCore core = core();
    FakeAttempt first = connect(core);
    TestObserver<Void> request = core.publish("t/fault", bytes("f"), false, 500L).test();
    TestObserver<Void> normal = core.publish("t/normal", bytes("n"), false, null).test();
    scheduler.triggerActions();
    assertThat(first.topics()).containsExactly("t/fault", "t/normal");

    scheduler.advanceTimeBy(500, TimeUnit.MILLISECONDS);
    request.assertError(io.rxiothub.device.IotHubTimeoutException.class);
    request.assertError(e -> e.getMessage().contains("will not be sent again"));
    normal.assertNotComplete();

    first.drop("gone");
    scheduler.advanceTimeBy(backoff.ceilingMillis(0) + 10, TimeUnit.MILLISECONDS);
    FakeAttempt second = connector.last().accept();
    scheduler.triggerActions();
    assertThat(second.topics()).containsExactly("t/normal");
    second.ackAll();
    scheduler.triggerActions();
    normal.assertComplete();
    request.assertValueCount(0).assertError(io.rxiothub.device.IotHubTimeoutException.class);
  }

  @Test
  void hubClosesSeparatedByFailedReconnectsAreAnOutageNotATakeover() {
    // Found by the chaos suite: a hub that throttles, restarts and restarts again closes the connection
    // soon after each reconnect, like a takeover, but refuses or drops reconnects in between. The
    // client must keep reconnecting, not stop with TAKEN_OVER.
    ClientCore core = new ClientCore(TestCores.settings(DEVICE, 3600, scheduler).backoff(backoff)
        .takeoverWindowMillis(10_000).build(), connector, () -> { });
    FakeAttempt current = connect(core);
    for (int close = 0; close < 4; close++) {
      current.listener.onClosed(new MqttConnector.ClosedByHubException("the hub closed the connection",
          null));
      scheduler.advanceTimeBy(backoff.ceilingMillis(0) + 10, TimeUnit.MILLISECONDS);
      connector.last().refuse(new io.rxiothub.device.IotHubConnectionException("closed before CONNACK",
          null));
      scheduler.advanceTimeBy(backoff.ceilingMillis(1) + 10, TimeUnit.MILLISECONDS);
      current = connector.last().accept();
      scheduler.triggerActions();
      assertThat(TestCores.state(core).status()).as("after close %s", close + 1).isEqualTo(Status.CONNECTED);
      scheduler.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    }
  }
}
