// The twin engine on a scripted connection: lazy subscriptions, $rid matching, retries, timeouts, desired order.
package io.rxiothub.device.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.device.IotHubClientStateException;
import io.rxiothub.device.IotHubRequestException;
import io.rxiothub.device.IotHubTimeoutException;
import io.rxiothub.transport.internal.FakeConnector.FakeAttempt;
import io.rxiothub.transport.internal.FakeConnector.FakeInbound;
import io.rxiothub.transport.internal.FakeConnector.Published;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import io.rxiothub.twin.TwinTopic;
import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.transport.internal.FakeConnector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TwinEngineTest {

  static final ConnectionString DEVICE = ConnectionString.parse(
      "HostName=hub.example.net;DeviceId=dev1;SharedAccessKey=" + TestCores.KEY);
  static final String TWIN_JSON = "{\"desired\":{\"mode\":\"a\",\"$version\":2},"
      + "\"reported\":{\"battery\":50,\"$version\":9}}";

  final TestScheduler scheduler = new TestScheduler();
  final FakeConnector connector = new FakeConnector();
  final ClientCore core = new ClientCore(TestCores.settings(DEVICE, 3600, scheduler).build(),
      connector, () -> { });
  // timeout 5 s; 2 retries, delays in [100, 200] then [200, 400] ms
  final TwinEngine twin = new TwinEngine(core, new FeatureSettings(5_000, 2, 200, 1_000, false));

  FakeAttempt connect() {
    core.connect().test();
    scheduler.triggerActions();
    FakeAttempt a = connector.last().accept();
    scheduler.triggerActions();
    return a;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<String> twinTopics(FakeAttempt a) {
    return a.topics().stream().filter(t -> t.startsWith("$iothub/twin/")).collect(Collectors.toList());
  }

  /** Connects with the hub holding back every SUBACK until the test releases it. */
  FakeAttempt connectHoldingSubAcks() {
    core.connect().test();
    scheduler.triggerActions();
    FakeAttempt a = connector.last();
    a.holdSubAcks = true;
    a.accept();
    scheduler.triggerActions();
    return a;
  }

  /** Drops {@code a}'s connection and returns the next one, accepted. */
  FakeAttempt reconnect(FakeAttempt a) {
    a.drop("network");
    scheduler.advanceTimeBy(1, TimeUnit.SECONDS);
    FakeAttempt b = connector.last();
    assertThat(b).isNotSameAs(a);
    b.accept();
    scheduler.triggerActions();
    return b;
  }

  /** PUBACKs what the client sent, then delivers the hub's answer. */
  void answer(FakeAttempt a, String topic, String body) {
    a.ackAll();
    a.listener.onPublish(new FakeInbound(topic, utf8(body)));
    scheduler.triggerActions();
  }

  @Test
  void getSubscribesToResponsesAndWaitsForTheSubAckBeforePublishing() {
    FakeAttempt a = connectHoldingSubAcks();
    assertThat(a.subscribed).isEmpty();

    TestObserver<Twin> got = twin.get().test();
    scheduler.triggerActions();
    assertThat(a.subscribed).containsExactly(TwinTopic.RESPONSE_FILTER);
    assertThat(twinTopics(a)).as("no request before the SUBACK").isEmpty();

    a.heldSubAcks.get(0).done(null);
    scheduler.triggerActions();
    assertThat(twinTopics(a)).containsExactly("$iothub/twin/GET/?$rid=1");
    assertThat(a.published.get(0).payload).isEmpty();
    assertThat(a.published.get(0).atMostOnce).as("QoS 1").isFalse();

    answer(a, "$iothub/twin/res/200/?$rid=1", TWIN_JSON);
    got.assertValueCount(1);
    Twin value = got.values().get(0);
    assertThat(value.desiredVersion()).isEqualTo(2);
    assertThat(value.reported().getLong("battery")).isEqualTo(50L);
    assertThat(twin.pendingCount()).isZero();
  }

  @Test
  void nothingIsSubscribedUntilTheTwinIsUsed() {
    FakeAttempt a = connect();
    assertThat(a.subscribed).isEmpty();
    twin.desiredUpdates().test();
    scheduler.triggerActions();
    assertThat(a.subscribed).containsExactlyInAnyOrder(TwinTopic.DESIRED_PATCH_FILTER,
        TwinTopic.RESPONSE_FILTER);
  }

  @Test
  void updateReportedSendsThePatchAndEmitsTheNewVersion() {
    FakeAttempt a = connect();
    TestObserver<Long> done = twin.updateReported(TwinPatch.builder().put("battery", 60)
        .put("gone", null).build()).test();
    scheduler.triggerActions();
    Published p = a.published.get(0);
    assertThat(p.topic).isEqualTo("$iothub/twin/PATCH/properties/reported/?$rid=1");
    assertThat(new String(p.payload, StandardCharsets.UTF_8))
        .isEqualTo("{\"battery\":60,\"gone\":null}");
    answer(a, "$iothub/twin/res/204/?$rid=1&$version=10", "");
    done.assertValue(10L);
  }

  @Test
  void throttledAnswersAreRetriedWithBackoffThenSucceed() {
    FakeAttempt a = connect();
    TestObserver<Long> done = twin.updateReported(TwinPatch.builder().put("x", 1).build()).test();
    scheduler.triggerActions();
    answer(a, "$iothub/twin/res/429/?$rid=1", "");
    done.assertNoValues().assertNoErrors();

    scheduler.advanceTimeBy(99, TimeUnit.MILLISECONDS);
    assertThat(twinTopics(a)).as("no retry before half the first delay").hasSize(1);
    scheduler.advanceTimeBy(101, TimeUnit.MILLISECONDS);
    assertThat(twinTopics(a)).as("a fresh $rid for the retry")
        .containsExactly("$iothub/twin/PATCH/properties/reported/?$rid=1",
            "$iothub/twin/PATCH/properties/reported/?$rid=2");
    answer(a, "$iothub/twin/res/503/?$rid=2", "");
    scheduler.advanceTimeBy(199, TimeUnit.MILLISECONDS);
    assertThat(twinTopics(a)).as("the second delay doubles").hasSize(2);
    scheduler.advanceTimeBy(201, TimeUnit.MILLISECONDS);
    assertThat(twinTopics(a)).hasSize(3);

    answer(a, "$iothub/twin/res/204/?$rid=3&$version=4", "");
    done.assertValue(4L);
  }

  static Stream<Arguments> answersThatEndARequest() {
    return Stream.of(
        Arguments.of("get", 500, 3), Arguments.of("get", 429, 3), Arguments.of("updateReported", 503, 3),
        Arguments.of("updateReported", 400, 1), Arguments.of("get", 404, 1));
  }

  @ParameterizedTest(name = "{0} answered {1} fails with status and $rid after {2} attempt(s)")
  @MethodSource
  void answersThatEndARequest(String operation, int status, int attempts) {
    FakeAttempt a = connect();
    TestObserver<?> done = operation.equals("get") ? twin.get().test()
        : twin.updateReported(TwinPatch.builder().put("x", 1).build()).test();
    scheduler.triggerActions();
    String errorCode = status + "001";
    for (int rid = 1; rid <= attempts; rid++) {
      answer(a, "$iothub/twin/res/" + status + "/?$rid=" + rid, "{\"errorCode\":" + errorCode + "}");
      scheduler.advanceTimeBy(1, TimeUnit.SECONDS);
    }
    scheduler.advanceTimeBy(10, TimeUnit.SECONDS);
    assertThat(twinTopics(a)).as("retried only while retryable and retries are left").hasSize(attempts);
    String lastRid = Integer.toString(attempts);
    boolean retryable = status == 429 || status >= 500;
    done.assertError(e -> e instanceof IotHubRequestException
        && ((IotHubRequestException) e).status() == status
        && ((IotHubRequestException) e).requestId().equals(lastRid)
        && ((IotHubRequestException) e).isRetryable() == retryable
        && e.getMessage().contains(errorCode));
  }

  @Test
  void aRequestWithoutAnswerTimesOutAndALateAnswerIsIgnored() {
    FakeAttempt a = connect();
    TestObserver<Twin> got = twin.get().test();
    scheduler.triggerActions();
    scheduler.advanceTimeBy(4_999, TimeUnit.MILLISECONDS);
    got.assertNoErrors();
    scheduler.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    got.assertError(IotHubTimeoutException.class);
    assertThat(twin.pendingCount()).isZero();

    FakeInbound late = new FakeInbound("$iothub/twin/res/200/?$rid=1", utf8(TWIN_JSON));
    a.listener.onPublish(late);
    scheduler.triggerActions();
    got.assertValueCount(0);
    assertThat(late.acks).isEqualTo(1);
  }

  @Test
  void aRequestWaitingForItsSubscriptionTimesOutInsteadOfHanging() {
    FakeAttempt a = connectHoldingSubAcks();
    TestObserver<Twin> got = twin.get().test();
    scheduler.triggerActions();
    scheduler.advanceTimeBy(4_999, TimeUnit.MILLISECONDS);
    got.assertEmpty();
    scheduler.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    got.assertError(e -> e instanceof IotHubTimeoutException && e.getMessage().contains("dev1"));

    a.heldSubAcks.get(0).done(null);
    scheduler.triggerActions();
    assertThat(twinTopics(a)).as("a timed-out request is never sent").isEmpty();
    assertThat(twin.pendingCount()).isZero();
  }

  @Test
  void theTimeoutOfARequestMadeWhileReconnectingCountsFromTheRequest() {
    FakeAttempt a = connect();
    a.drop("network");
    scheduler.triggerActions();
    TestObserver<Twin> got = twin.get().test();
    scheduler.advanceTimeBy(3_000, TimeUnit.MILLISECONDS);
    FakeAttempt b = connector.last();
    assertThat(b).isNotSameAs(a);
    b.accept();
    scheduler.triggerActions();
    assertThat(twinTopics(b)).containsExactly("$iothub/twin/GET/?$rid=1");
    scheduler.advanceTimeBy(1_999, TimeUnit.MILLISECONDS);
    got.assertEmpty();
    scheduler.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    got.assertError(IotHubTimeoutException.class);
    assertThat(twin.pendingCount()).isZero();
  }

  @Test
  void aRequestMadeWhileReconnectingEndsWhenTheClientIsDisconnected() {
    FakeAttempt a = connect();
    a.drop("network");
    scheduler.triggerActions();
    TestObserver<Long> done = twin.updateReported(TwinPatch.builder().put("x", 1).build()).test();
    scheduler.triggerActions();
    core.disconnect().test();
    scheduler.advanceTimeBy(5, TimeUnit.SECONDS);
    done.assertError(IotHubTimeoutException.class);
  }

  @Test
  void theReconcilingGetWaitsForTheDesiredSubscriptionButOtherRequestsDoNot() {
    FakeAttempt a = connectHoldingSubAcks();
    TestSubscriber<TwinPatch> updates = twin.desiredUpdates().test();
    scheduler.triggerActions();
    int responses = a.subscribed.indexOf(TwinTopic.RESPONSE_FILTER);
    int desired = a.subscribed.indexOf(TwinTopic.DESIRED_PATCH_FILTER);
    assertThat(responses).isNotNegative();
    assertThat(desired).isNotNegative();

    a.heldSubAcks.get(responses).done(null);
    scheduler.triggerActions();
    assertThat(twinTopics(a)).as("protocol.md §6: subscribe to desired, then GET").isEmpty();
    TestObserver<Twin> got = twin.get().test();
    scheduler.triggerActions();
    assertThat(twinTopics(a)).as("a user GET needs only the response subscription")
        .containsExactly("$iothub/twin/GET/?$rid=1");

    a.heldSubAcks.get(desired).done(null);
    scheduler.triggerActions();
    assertThat(twinTopics(a)).containsExactly("$iothub/twin/GET/?$rid=1",
        "$iothub/twin/GET/?$rid=2");
    answer(a, "$iothub/twin/res/200/?$rid=1", TWIN_JSON);
    answer(a, "$iothub/twin/res/200/?$rid=2", TWIN_JSON);
    got.assertValueCount(1);
    answer(a, "$iothub/twin/PATCH/properties/desired/?$version=3", "{\"mode\":\"b\",\"$version\":3}");
    assertThat(updates.values()).extracting(TwinPatch::version).containsExactly(3L);
  }

  @Test
  void disposingForgetsTheRid() {
    FakeAttempt a = connect();
    TestObserver<Twin> got = twin.get().test();
    scheduler.triggerActions();
    assertThat(twin.pendingCount()).isEqualTo(1);
    got.dispose();
    assertThat(twin.pendingCount()).isZero();
    answer(a, "$iothub/twin/res/200/?$rid=1", TWIN_JSON);
    got.assertEmpty();
  }

  @Test
  void requestsFailWhenNotConnectedAndWhenClosed() {
    TestObserver<Twin> notConnected = twin.get().test();
    scheduler.triggerActions();
    notConnected.assertError(IotHubClientStateException.class);

    FakeAttempt a = connect();
    a.holdSubAcks = true;
    TestObserver<Twin> waiting = twin.get().test();
    scheduler.triggerActions();
    core.close();
    scheduler.triggerActions();
    waiting.assertError(IotHubClientStateException.class);
    TestObserver<Twin> afterClose = twin.get().test();
    scheduler.triggerActions();
    afterClose.assertError(IotHubClientStateException.class);
  }

  @Test
  void requestsMadeWhileReconnectingGoOutOnTheNextConnection() {
    FakeAttempt a = connect();
    twin.get().test();
    scheduler.triggerActions();
    answer(a, "$iothub/twin/res/200/?$rid=1", TWIN_JSON);

    a.drop("network");
    scheduler.triggerActions();
    TestObserver<Long> done = twin.updateReported(TwinPatch.builder().put("x", 2).build()).test();
    scheduler.advanceTimeBy(1, TimeUnit.SECONDS);
    FakeAttempt b = connector.last();
    assertThat(b).isNotSameAs(a);
    b.accept();
    scheduler.triggerActions();
    assertThat(b.subscribed).containsExactly(TwinTopic.RESPONSE_FILTER);
    assertThat(twinTopics(b)).containsExactly("$iothub/twin/PATCH/properties/reported/?$rid=2");
    answer(b, "$iothub/twin/res/204/?$rid=2&$version=11", "");
    done.assertValue(11L);
  }

  @Test
  void aRequestWhoseConnectionEndsBeforeItsAnswerIsSentAgainOnTheNextConnection() {
    FakeAttempt a = connect();
    TestObserver<Twin> got = twin.get().test();
    scheduler.triggerActions();
    a.ackAll();
    FakeAttempt b = reconnect(a);
    assertThat(twinTopics(b)).as("a fresh $rid, at once, not after the 5 s timeout")
        .containsExactly("$iothub/twin/GET/?$rid=2");
    answer(b, "$iothub/twin/res/200/?$rid=1", TWIN_JSON);
    got.assertEmpty();
    answer(b, "$iothub/twin/res/200/?$rid=2", TWIN_JSON);
    got.assertValueCount(1);
    assertThat(twin.pendingCount()).isZero();
  }

  @Test
  void anUnacknowledgedRequestGoesOutOnceOnTheNextConnectionWithItsRid() {
    FakeAttempt a = connect();
    TestObserver<Long> done = twin.updateReported(TwinPatch.builder().put("x", 1).build()).test();
    scheduler.triggerActions();
    FakeAttempt b = reconnect(a);
    assertThat(twinTopics(b)).as("the client's own resend of the unacknowledged PUBLISH, only once")
        .containsExactly("$iothub/twin/PATCH/properties/reported/?$rid=1");
    answer(b, "$iothub/twin/res/204/?$rid=1&$version=5", "");
    done.assertValue(5L);
  }

  @Test
  void desiredUpdatesKeepVersionOrderAcrossGapsAndReconnects() {
    FakeAttempt a = connect();
    TestSubscriber<TwinPatch> updates = twin.desiredUpdates().test();
    scheduler.triggerActions();
    assertThat(twinTopics(a)).as("baseline GET").containsExactly("$iothub/twin/GET/?$rid=1");
    answer(a, "$iothub/twin/res/200/?$rid=1", TWIN_JSON);
    updates.assertNoValues();

    answer(a, "$iothub/twin/PATCH/properties/desired/?$version=3", "{\"mode\":\"b\",\"$version\":3}");
    answer(a, "$iothub/twin/PATCH/properties/desired/?$version=2", "{\"mode\":\"a\",\"$version\":2}");
    assertThat(updates.values()).extracting(TwinPatch::version).containsExactly(3L);

    // A gap (5 after 3): buffered, and a GET reconciles.
    answer(a, "$iothub/twin/PATCH/properties/desired/?$version=5", "{\"speed\":5,\"$version\":5}");
    assertThat(twinTopics(a)).endsWith("$iothub/twin/GET/?$rid=2");
    answer(a, "$iothub/twin/res/200/?$rid=2", "{\"desired\":{\"mode\":\"c\",\"speed\":5,"
        + "\"$version\":5},\"reported\":{\"$version\":9}}");
    assertThat(updates.values()).extracting(TwinPatch::version).containsExactly(3L, 5L);
    assertThat(updates.values().get(1).properties().getString("mode")).isEqualTo("c");

    // Offline: version 6 is missed; after the reconnect a GET brings it, emitted once.
    FakeAttempt b = reconnect(a);
    assertThat(b.subscribed).containsExactlyInAnyOrder(TwinTopic.RESPONSE_FILTER,
        TwinTopic.DESIRED_PATCH_FILTER);
    assertThat(twinTopics(b)).containsExactly("$iothub/twin/GET/?$rid=3");
    answer(b, "$iothub/twin/res/200/?$rid=3", "{\"desired\":{\"mode\":\"d\",\"speed\":5,"
        + "\"$version\":6},\"reported\":{\"$version\":9}}");
    answer(b, "$iothub/twin/PATCH/properties/desired/?$version=6", "{\"mode\":\"d\",\"$version\":6}");
    answer(b, "$iothub/twin/PATCH/properties/desired/?$version=7", "{\"mode\":\"e\",\"$version\":7}");
    assertThat(updates.values()).extracting(TwinPatch::version).containsExactly(3L, 5L, 6L, 7L);
    assertThat(updates.values().get(2).properties().asMap()).containsOnlyKeys("mode");

    core.close();
    scheduler.triggerActions();
    updates.assertComplete();
  }

  @Test
  void desiredUpdatesFollowedBeforeConnectingGetTheirBaselineOnTheFirstConnection() {
    TestSubscriber<TwinPatch> updates = twin.desiredUpdates().test();
    scheduler.triggerActions();
    FakeAttempt a = connect();
    assertThat(a.subscribed).containsExactlyInAnyOrder(TwinTopic.RESPONSE_FILTER,
        TwinTopic.DESIRED_PATCH_FILTER);
    assertThat(twinTopics(a)).as("the baseline GET").containsExactly("$iothub/twin/GET/?$rid=1");
    answer(a, "$iothub/twin/res/200/?$rid=1", TWIN_JSON);
    answer(a, "$iothub/twin/PATCH/properties/desired/?$version=3", "{\"mode\":\"b\",\"$version\":3}");
    assertThat(updates.values()).extracting(TwinPatch::version).containsExactly(3L);
    updates.assertNoErrors();
  }

  @Test
  void aFailedReconciliationGetIsRetried() {
    FakeAttempt a = connect();
    TestSubscriber<TwinPatch> updates = twin.desiredUpdates().test();
    scheduler.triggerActions();
    answer(a, "$iothub/twin/res/400/?$rid=1", "");
    scheduler.advanceTimeBy(1_000, TimeUnit.MILLISECONDS);
    assertThat(twinTopics(a)).containsExactly("$iothub/twin/GET/?$rid=1", "$iothub/twin/GET/?$rid=2");
    answer(a, "$iothub/twin/res/200/?$rid=2", TWIN_JSON);
    answer(a, "$iothub/twin/PATCH/properties/desired/?$version=3", "{\"mode\":\"b\",\"$version\":3}");
    assertThat(updates.values()).extracting(TwinPatch::version).containsExactly(3L);
  }
}
