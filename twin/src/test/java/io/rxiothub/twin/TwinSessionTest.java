// The twin session's rules one by one: subscribe before the request, retries, time-outs, resend after a reconnect.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.rxiothub.twin.TwinSession.Failure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TwinSessionTest {

  private static final byte[] EMPTY = new byte[0];
  private static final Object C1 = "connection 1";
  private static final Object C2 = "connection 2";

  private final TwinSession session = TwinSession.builder().timeoutMillis(1_000).maxRetries(2)
      .retryDelayMillis(retry -> 100L << retry).logId("dev1").build();

  private List<TwinEffect> drain() {
    List<TwinEffect> out = new ArrayList<>();
    for (TwinEffect e = session.poll(); e != null; e = session.poll()) {
      out.add(e);
    }
    return out;
  }

  private static List<String> kinds(List<TwinEffect> effects) {
    return effects.stream().map(TwinEffect::toString).collect(Collectors.toList());
  }

  private void ready(Object connection) {
    session.connected(connection, 0);
    session.subscribed(TwinTopic.RESPONSE_FILTER, connection);
  }

  private static TwinTopic res(int status, String rid) {
    return TwinTopic.response(status, rid, status == 204 ? 7L : null);
  }

  @Test
  void followsResponsesAndPublishesOnlyOnceTheirSubscriptionIsAcknowledged() {
    session.connected(C1, 0);
    long id = session.request(TwinRequest.Operation.GET, EMPTY, false, 10);
    List<TwinEffect> first = drain();
    assertThat(kinds(first)).containsExactly("TIMER#1 at 1010", "FOLLOW_RESPONSES#0");
    assertThat(first.get(0).isRetry()).isFalse();
    session.subscribed(TwinTopic.DESIRED_PATCH_FILTER, C1);
    assertThat(drain()).isEmpty();
    session.subscribed(TwinTopic.RESPONSE_FILTER, C2);
    assertThat(drain()).as("an acknowledgement on another connection counts for nothing").isEmpty();
    session.subscribed(TwinTopic.RESPONSE_FILTER, C1);
    List<TwinEffect> sent = drain();
    assertThat(kinds(sent)).containsExactly("PUBLISH#1 $iothub/twin/GET/?$rid=1");
    assertThat(sent.get(0).id()).isEqualTo(id);
    long second = session.request(TwinRequest.Operation.UPDATE_REPORTED, "{}".getBytes(StandardCharsets.UTF_8),
        false, 20);
    assertThat(kinds(drain())).as("followed once; ready now")
        .containsExactly("TIMER#2 at 1020", "PUBLISH#2 $iothub/twin/PATCH/properties/reported/?$rid=2");
    assertThat(session.response(res(204, "2"), EMPTY, 30)).isTrue();
    TwinEffect done = drain().get(0);
    assertThat(done.kind()).isEqualTo(TwinEffect.Kind.COMPLETE);
    assertThat(done.id()).isEqualTo(second);
    assertThat(done.response().version()).isEqualTo(7L);
  }

  @Test
  void theReconcilingGetAlsoWaitsForTheDesiredSubscription() {
    ready(C1);
    session.request(TwinRequest.Operation.GET, EMPTY, true, 0);
    assertThat(kinds(drain())).containsExactly("TIMER#1 at 1000", "FOLLOW_RESPONSES#0");
    session.subscribed(TwinTopic.DESIRED_PATCH_FILTER, C1);
    assertThat(kinds(drain())).containsExactly("PUBLISH#1 $iothub/twin/GET/?$rid=1");
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 500, 503})
  void retryableStatusesAreRetriedWithTheDriversDelayThenFailAfterTheLast(int status) {
    ready(C1);
    session.request(TwinRequest.Operation.GET, EMPTY, false, 0);
    drain();
    session.response(res(status, "1"), EMPTY, 50);
    List<TwinEffect> retry = drain();
    assertThat(kinds(retry)).containsExactly("TIMER#1 at 150");
    assertThat(retry.get(0).isRetry()).as("a retry's wait, not an attempt's end").isTrue();
    session.timerFired(1, 149);
    assertThat(drain()).as("not yet due").isEmpty();
    session.timerFired(1, 150);
    assertThat(kinds(drain())).containsExactly("TIMER#1 at 1150", "PUBLISH#1 $iothub/twin/GET/?$rid=2");
    session.response(res(status, "2"), EMPTY, 200);
    assertThat(kinds(drain())).containsExactly("TIMER#1 at 400");
    session.timerFired(1, 400);
    drain();
    session.response(res(status, "3"), "busy".getBytes(StandardCharsets.UTF_8), 500);
    TwinEffect fail = drain().get(0);
    assertThat(fail.failure()).isEqualTo(Failure.REJECTED);
    assertThat(fail.retries()).isEqualTo(2);
    assertThat(fail.rid()).isEqualTo("3");
    assertThat(fail.response().status()).isEqualTo(status);
    assertThat(session.activeCount()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 404, 412})
  void otherStatusesFailAtOnce(int status) {
    ready(C1);
    session.request(TwinRequest.Operation.UPDATE_REPORTED, EMPTY, false, 0);
    drain();
    session.response(res(status, "1"), EMPTY, 5);
    TwinEffect fail = drain().get(0);
    assertThat(fail.failure()).isEqualTo(Failure.REJECTED);
    assertThat(fail.retries()).isZero();
  }

  @Test
  void anAttemptThatWaitsTooLongOrIsNotAnsweredTimesOut() {
    session.connected(C1, 0);
    session.request(TwinRequest.Operation.GET, EMPTY, false, 0);
    drain();
    session.timerFired(1, 1_000);
    assertThat(drain().get(0).failure()).isEqualTo(Failure.NOT_SENT_IN_TIME);

    session.subscribed(TwinTopic.RESPONSE_FILTER, C1);
    session.request(TwinRequest.Operation.GET, EMPTY, false, 2_000);
    drain();
    session.timerFired(2, 3_000);
    TwinEffect fail = drain().get(0);
    assertThat(fail.failure()).isEqualTo(Failure.NO_ANSWER_IN_TIME);
    assertThat(fail.rid()).isEqualTo("1");
    assertThat(session.response(res(200, "1"), EMPTY, 3_001)).as("a late answer is ignored").isFalse();
    assertThat(drain()).isEmpty();
  }

  @Test
  void anAcknowledgedRequestIsSentAgainOnTheNextConnectionAnUnacknowledgedOneIsLeftToTheTransport() {
    ready(C1);
    session.request(TwinRequest.Operation.GET, EMPTY, false, 0);
    session.request(TwinRequest.Operation.GET, EMPTY, false, 0);
    drain();
    session.published(1, "1");
    session.connectionLost();
    session.request(TwinRequest.Operation.GET, EMPTY, false, 10);
    assertThat(kinds(drain())).as("offline: waits").containsExactly("TIMER#3 at 1010", "FOLLOW_RESPONSES#0");
    session.connected(C2, 500);
    assertThat(kinds(drain())).containsExactly("TIMER#1 at 1500");
    assertThat(session.isPending("1")).as("the old $rid is forgotten").isFalse();
    assertThat(session.isPending("2")).as("the transport resends it with its $rid").isTrue();
    session.subscribed(TwinTopic.RESPONSE_FILTER, C2);
    assertThat(kinds(drain())).containsExactly("PUBLISH#1 $iothub/twin/GET/?$rid=3",
        "PUBLISH#3 $iothub/twin/GET/?$rid=4");
  }

  @Test
  void aFailedPublishFailsItsRequestAndCancelAndCloseEndTheRest() {
    ready(C1);
    session.request(TwinRequest.Operation.GET, EMPTY, false, 0);
    session.request(TwinRequest.Operation.GET, EMPTY, false, 0);
    session.request(TwinRequest.Operation.GET, EMPTY, false, 0);
    drain();
    session.publishFailed(1, "1", "queue full");
    TwinEffect fail = drain().get(0);
    assertThat(fail.failure()).isEqualTo(Failure.PUBLISH_FAILED);
    assertThat(fail.error()).isEqualTo("queue full");
    assertThat(session.cancel(2)).isTrue();
    assertThat(session.cancel(2)).isFalse();
    assertThat(drain()).isEmpty();
    session.close();
    assertThat(kinds(drain())).containsExactly("FAIL#3 CLOSED");
    session.request(TwinRequest.Operation.GET, EMPTY, false, 0);
    assertThat(kinds(drain())).containsExactly("FAIL#4 CLOSED");
    assertThat(session.activeCount()).isZero();
  }

  @Test
  void rejectsEventsThatAreNotTwinResponses() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> session.response(TwinTopic.get("1"), EMPTY, 0))
        .withMessageContaining("RESPONSE topic");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinSession.builder().timeoutMillis(0));
    assertThatIllegalArgumentException().isThrownBy(() -> TwinSession.builder().maxRetries(-1));
  }
}
