// sendAll's flow control, batching and error rules, driven by a TestScheduler and a scripted connector.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.exceptions.MissingBackpressureException;
import io.reactivex.rxjava3.internal.subscriptions.BooleanSubscription;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.device.IotHubClientStateException;
import io.rxiothub.device.Message;
import io.rxiothub.device.OverflowPolicy;
import io.rxiothub.device.internal.Telemetry;
import io.rxiothub.device.SendResult;
import io.rxiothub.transport.internal.FakeConnector.FakeAttempt;
import io.rxiothub.transport.internal.FakeConnector.Published;
import io.rxiothub.device.internal.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SendStreamTest extends CoreFixture {

  final MessageCodec codec = new MessageCodec("dev1", null);
  final List<Long> sourceRequests = new ArrayList<>();
  final AtomicBoolean sourceCancelled = new AtomicBoolean();

  static Message message(int i) {
    return Message.builder().payload(bytes("m" + i)).messageId("id-" + i).build();
  }

  Flowable<Message> source(int n) {
    return Flowable.range(0, n).map(SendStreamTest::message)
        .doOnRequest(sourceRequests::add)
        .doOnCancel(() -> sourceCancelled.set(true));
  }

  Flowable<SendResult> sendAll(ClientCore core, Flowable<Message> messages) {
    return core.sendAll(messages, new Telemetry(codec, Message::payload));
  }

  static List<String> ids(List<SendResult> results) {
    List<String> out = new ArrayList<>();
    for (SendResult r : results) {
      out.add(r.message().messageId());
    }
    return out;
  }

  static List<String> ids(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add("id-" + i);
    }
    return out;
  }

  static void ack(FakeAttempt a, int from, int to) {
    for (int i = from; i < to; i++) {
      a.published.get(i).ack();
    }
  }

  @Test
  void takesAWindowOfMessagesAtOnceAndRefillsAsResultsAreEmitted() {
    ClientCore core = core();
    FakeAttempt a = connect(core);
    TestSubscriber<SendResult> results = sendAll(core, source(3000)).test();
    scheduler.triggerActions();

    assertThat(sourceRequests).containsExactly((long) SendStream.WINDOW);
    assertThat(a.published).hasSize(SendStream.WINDOW);
    assertThat(a.topics().get(5)).isEqualTo("devices/dev1/messages/events/%24.mid=id-5&%24.cdid=dev1");
    results.assertNoValues();

    // Less than a quarter of the window freed: no new request yet.
    ack(a, 0, SendStream.REPLENISH - 1);
    scheduler.triggerActions();
    assertThat(results.values()).hasSize(SendStream.REPLENISH - 1);
    assertThat(sourceRequests).hasSize(1);

    ack(a, SendStream.REPLENISH - 1, SendStream.REPLENISH);
    scheduler.triggerActions();
    assertThat(sourceRequests).containsExactly((long) SendStream.WINDOW, (long) SendStream.REPLENISH);
    assertThat(a.published).hasSize(SendStream.WINDOW + SendStream.REPLENISH);

    for (int round = 0; round < 20 && results.values().size() < 3000; round++) {
      a.ackAll();
      scheduler.triggerActions();
    }
    results.assertComplete();
    assertThat(ids(results.values())).isEqualTo(ids(0, 3000));
    assertThat(results.values()).allMatch(SendResult::isSuccess);
    assertThat(a.published).hasSize(3000);
  }

  @Test
  void aBatchIsHandedToTheConnectionAsOneRunOfPublishes() {
    ClientCore core = core();
    FakeAttempt a = connect(core);
    sendAll(core, source(5)).test();
    scheduler.triggerActions();
    core.publish("single", bytes("x"), false, null).test();

    assertThat(a.published).extracting(p -> p.more)
        .containsExactly(true, true, true, true, false, false);
  }

  @Test
  void resultsWaitForDownstreamDemandAndTheWindowBoundsWhatIsTaken() {
    ClientCore core = core();
    FakeAttempt a = connect(core);
    TestSubscriber<SendResult> results = sendAll(core, source(5000)).test(10);
    scheduler.triggerActions();
    a.ackAll();
    scheduler.triggerActions();

    assertThat(ids(results.values())).isEqualTo(ids(0, 10));
    // 1,014 results wait for demand: the window is still full, nothing more is taken.
    assertThat(sourceRequests).containsExactly((long) SendStream.WINDOW);
    assertThat(a.published).hasSize(SendStream.WINDOW);

    // The 1,014 waiting results go out, and the window refills with 1,024 new messages.
    results.request(SendStream.WINDOW);
    scheduler.triggerActions();
    assertThat(results.values()).hasSize(SendStream.WINDOW);
    assertThat(a.published).hasSize(SendStream.WINDOW + SendStream.WINDOW);
  }

  @Test
  void aMessageOverTheHubLimitFailsAloneAndTheStreamGoesOn() {
    ClientCore core = core();
    FakeAttempt a = connect(core);
    Message big = Message.builder().payload(new byte[MessageCodec.MAX_MESSAGE_BYTES + 1])
        .messageId("big").build();
    TestSubscriber<SendResult> results = sendAll(core,
        Flowable.just(message(0), big, message(2))).test();
    scheduler.triggerActions();
    a.ackAll();
    scheduler.triggerActions();

    results.assertComplete();
    assertThat(a.published).hasSize(2);
    assertThat(ids(results.values())).containsExactly("big", "id-0", "id-2");
    SendResult failed = results.values().get(0);
    assertThat(failed.isSuccess()).isFalse();
    assertThat(failed.error()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the hub accepts at most 262144");
    assertThat(failed.message()).isSameAs(big);
  }

  @Test
  void anErrorOfTheClientEndsTheStreamOnceEveryTakenMessageHasItsResult() {
    ClientCore core = core(); // connect() never called
    TestSubscriber<SendResult> results = sendAll(core, source(5000)).test();
    scheduler.triggerActions();

    assertThat(results.values()).hasSize(SendStream.WINDOW)
        .allMatch(r -> r.error() instanceof IotHubClientStateException);
    results.assertError(IotHubClientStateException.class);
    assertThat(sourceCancelled).isTrue();
    assertThat(sourceRequests).containsExactly((long) SendStream.WINDOW);
  }

  @Test
  void whileReconnectingTheWindowNotTheOfflineQueueBoundsTheStream() {
    ClientCore core = core(DEVICE, 3600, 100, OverflowPolicy.FAIL);
    FakeAttempt first = connect(core);
    first.drop("connection reset");
    scheduler.triggerActions();

    TestSubscriber<SendResult> results = sendAll(core, source(500)).test();
    scheduler.triggerActions();
    results.assertNoValues();

    scheduler.advanceTimeBy(10, TimeUnit.SECONDS);
    FakeAttempt second = connector.last().accept();
    scheduler.triggerActions();
    assertThat(second).isNotSameAs(first);
    assertThat(second.published).hasSize(500);
    second.ackAll();
    scheduler.triggerActions();
    results.assertComplete();
    assertThat(ids(results.values())).isEqualTo(ids(0, 500));
    assertThat(results.values()).allMatch(SendResult::isSuccess);
  }

  @Test
  void messagesInFlightWhenTheConnectionDropsAreSentAgainAndReportedOnce() {
    ClientCore core = core();
    FakeAttempt first = connect(core);
    TestSubscriber<SendResult> results = sendAll(core, source(10)).test();
    scheduler.triggerActions();
    ack(first, 0, 4);
    first.drop("connection reset");
    scheduler.advanceTimeBy(10, TimeUnit.SECONDS);
    FakeAttempt second = connector.last().accept();
    scheduler.triggerActions();

    assertThat(second.published).extracting(p -> new String(p.payload, StandardCharsets.UTF_8))
        .containsExactly("m4", "m5", "m6", "m7", "m8", "m9");
    second.ackAll();
    scheduler.triggerActions();
    results.assertComplete();
    assertThat(ids(results.values())).isEqualTo(ids(0, 10));
  }

  @Test
  void cancellingForgetsTheQueuedMessagesAndStopsTheSource() {
    ClientCore core = core();
    FakeAttempt first = connect(core);
    first.drop("connection reset");
    scheduler.triggerActions();
    TestSubscriber<SendResult> results = sendAll(core, source(50)).test();
    scheduler.triggerActions();

    results.cancel();
    scheduler.advanceTimeBy(10, TimeUnit.SECONDS);
    FakeAttempt second = connector.last().accept();
    scheduler.triggerActions();

    assertThat(sourceCancelled).isTrue();
    assertThat(second.published).isEmpty();
    results.assertNoValues().assertNotComplete();
  }

  @Test
  void anErrorOfTheSourceComesAfterTheResultsOfWhatItEmitted() {
    ClientCore core = core();
    FakeAttempt a = connect(core);
    IllegalStateException boom = new IllegalStateException("sensor unplugged");
    TestSubscriber<SendResult> results = sendAll(core,
        source(5).concatWith(Flowable.error(boom))).test();
    scheduler.triggerActions();
    results.assertNoErrors();
    a.ackAll();
    scheduler.triggerActions();

    assertThat(ids(results.values())).isEqualTo(ids(0, 5));
    results.assertError(boom);
  }

  @Test
  void aSourceThatIgnoresBackpressureIsStoppedWithAClearError() {
    ClientCore core = core();
    FakeAttempt a = connect(core);
    Flowable<Message> flood = Flowable.unsafeCreate(s -> {
      BooleanSubscription subscription = new BooleanSubscription();
      s.onSubscribe(subscription);
      for (int i = 0; i < 3 * SendStream.WINDOW && !subscription.isCancelled(); i++) {
        s.onNext(message(i));
      }
    });
    TestSubscriber<SendResult> results = sendAll(core, flood).test();
    scheduler.triggerActions();
    a.ackAll();
    scheduler.triggerActions();

    assertThat(a.published).hasSizeLessThanOrEqualTo(2 * SendStream.WINDOW);
    assertThat(results.values()).hasSize(a.published.size()).allMatch(SendResult::isSuccess);
    results.assertError(MissingBackpressureException.class);
  }

  @Test
  void aNonPositiveRequestIsAnError() {
    ClientCore core = core();
    connect(core);
    TestSubscriber<SendResult> results = sendAll(core, source(5)).test(0);
    results.request(0);
    scheduler.triggerActions();
    results.assertError(IllegalArgumentException.class);
    assertThat(sourceCancelled).isTrue();
  }

  @Test
  void aResultNamesItsOutcomeButNeverThePayload() {
    ClientCore core = core();
    FakeAttempt a = connect(core);
    TestSubscriber<SendResult> results = sendAll(core, Flowable.just(message(7))).test();
    scheduler.triggerActions();
    Published p = a.published.get(0);
    p.ack();
    scheduler.triggerActions();
    assertThat(results.values().get(0).toString()).isEqualTo(
        "SendResult{ok, Message{2 bytes, messageId=id-7}}");
  }
}
