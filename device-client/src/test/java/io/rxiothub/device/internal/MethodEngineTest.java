// The direct-method engine on a scripted connection: lazy subscription, routing, one reply, QoS, schedulers.
package io.rxiothub.device.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.device.MethodInvocation;
import io.rxiothub.transport.internal.FakeConnector.FakeAttempt;
import io.rxiothub.transport.internal.FakeConnector.FakeInbound;
import io.rxiothub.transport.internal.FakeConnector.Published;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.methods.MethodTopic;
import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.transport.internal.FakeConnector;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MethodEngineTest {

  final TestScheduler scheduler = new TestScheduler();
  final FakeConnector connector = new FakeConnector();
  final ClientCore core = new ClientCore(TestCores.settings(TwinEngineTest.DEVICE, 3600, scheduler)
      .build(), connector, () -> { });

  MethodEngine engine(boolean atMostOnce) {
    return new MethodEngine(core, new FeatureSettings(5_000, 2, 200, 1_000, atMostOnce));
  }

  FakeAttempt connect() {
    core.connect().test();
    scheduler.triggerActions();
    FakeAttempt a = connector.last().accept();
    scheduler.triggerActions();
    return a;
  }

  static FakeInbound invoke(FakeAttempt a, String name, String rid, String body) {
    FakeInbound in = new FakeInbound("$iothub/methods/POST/" + name + "/?$rid=" + rid,
        body.getBytes(StandardCharsets.UTF_8));
    a.listener.onPublish(in);
    return in;
  }

  static String text(Published p) {
    return new String(p.payload, StandardCharsets.UTF_8);
  }

  @Test
  void subscribesLazilyAndRepliesWithTheHandlersResponseOnTheCallbackScheduler() {
    MethodEngine methods = engine(false);
    FakeAttempt a = connect();
    assertThat(a.subscribed).isEmpty();
    AtomicInteger calls = new AtomicInteger();
    methods.handle("reboot", request -> {
      calls.incrementAndGet();
      return Single.just(MethodResponse.ofJson(200, "{\"echo\":" + request.payloadAsJson() + "}"));
    });
    assertThat(a.subscribed).containsExactly(MethodTopic.REQUEST_FILTER);

    FakeInbound in = invoke(a, "reboot", "r1", "{\"delay\":3}");
    assertThat(calls).as("the handler waits for the callback scheduler").hasValue(0);
    scheduler.triggerActions();
    assertThat(calls).hasValue(1);
    assertThat(in.acks).isEqualTo(1);
    Published reply = a.published.get(0);
    assertThat(reply.topic).isEqualTo("$iothub/methods/res/200/?$rid=r1");
    assertThat(text(reply)).isEqualTo("{\"echo\":{\"delay\":3}}");
    assertThat(reply.atMostOnce).isFalse();
  }

  @Test
  void repliesGoOutWithQos0WhenConfigured() {
    MethodEngine methods = engine(true);
    FakeAttempt a = connect();
    methods.handle("m", request -> Single.just(MethodResponse.of(200)));
    invoke(a, "m", "1", "");
    scheduler.triggerActions();
    assertThat(a.published.get(0).atMostOnce).isTrue();
  }

  @Test
  void unknownMethodGets501AndFailingHandlersGet500ExactlyOnce() {
    MethodEngine methods = engine(false);
    FakeAttempt a = connect();
    methods.handle("throws", request -> {
      throw new IllegalStateException("secret detail");
    });
    methods.handle("errors", request -> Single.error(new RuntimeException("boom")));
    methods.handle("nulls", request -> null);
    invoke(a, "nope", "1", "");
    invoke(a, "throws", "2", "");
    invoke(a, "errors", "3", "");
    invoke(a, "nulls", "4", "");
    scheduler.triggerActions();
    assertThat(a.topics()).containsExactly("$iothub/methods/res/501/?$rid=1",
        "$iothub/methods/res/500/?$rid=2", "$iothub/methods/res/500/?$rid=3",
        "$iothub/methods/res/500/?$rid=4");
    assertThat(text(a.published.get(0))).contains("\"status\":501").contains("\"methodName\":\"nope\"");
    assertThat(text(a.published.get(1))).contains("\"status\":500")
        .contains("IllegalStateException").doesNotContain("secret detail");
  }

  @Test
  void disposingTheRegistrationUnregistersAndTheDefaultHandlerTakesTheRest() {
    MethodEngine methods = engine(false);
    FakeAttempt a = connect();
    Disposable registration = methods.handle("m", request -> Single.just(MethodResponse.of(200)));
    Disposable fallback = methods.handleDefault(request -> Single.just(MethodResponse.of(299)));
    assertThatThrownBy(() -> methods.handle("m", request -> Single.just(MethodResponse.of(1))))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> methods.handle("a/b", request -> Single.just(MethodResponse.of(1))))
        .isInstanceOf(IllegalArgumentException.class);
    invoke(a, "m", "1", "");
    invoke(a, "other", "2", "");
    scheduler.triggerActions();
    registration.dispose();
    invoke(a, "m", "3", "");
    scheduler.triggerActions();
    fallback.dispose();
    invoke(a, "m", "4", "");
    scheduler.triggerActions();
    assertThat(a.topics()).containsExactly("$iothub/methods/res/200/?$rid=1",
        "$iothub/methods/res/299/?$rid=2", "$iothub/methods/res/299/?$rid=3",
        "$iothub/methods/res/501/?$rid=4");
  }

  @Test
  void theRequestStreamTakesUnhandledRequestsAndOnlyTheFirstReplyIsSent() {
    MethodEngine methods = engine(false);
    FakeAttempt a = connect();
    TestSubscriber<MethodInvocation> stream = methods.requests().test();
    assertThat(a.subscribed).containsExactly(MethodTopic.REQUEST_FILTER);
    invoke(a, "free", "9", "{\"a\":1}");
    scheduler.triggerActions();
    assertThat(a.published).isEmpty();
    MethodInvocation invocation = stream.values().get(0);
    assertThat(invocation.request().methodName()).isEqualTo("free");
    assertThat(invocation.request().payloadAsJson()).isEqualTo("{\"a\":1}");

    TestObserver<Void> first = invocation.respond(MethodResponse.ofJson(202, "{}")).test();
    scheduler.triggerActions();
    assertThat(a.topics()).containsExactly("$iothub/methods/res/202/?$rid=9");
    first.assertNotComplete();
    a.ackAll();
    scheduler.triggerActions();
    first.assertComplete();
    assertThat(invocation.isAnswered()).isTrue();

    invocation.respond(MethodResponse.of(200)).test().assertError(IllegalStateException.class);
    assertThat(a.published).hasSize(1);

    stream.cancel();
    invoke(a, "free", "10", "");
    scheduler.triggerActions();
    assertThat(a.topics()).endsWith("$iothub/methods/res/501/?$rid=10");

    core.close();
    scheduler.triggerActions();
    methods.requests().test().assertComplete();
  }

  @Test
  void aMalformedRequestIsAcknowledgedAndSkipped() {
    MethodEngine methods = engine(false);
    FakeAttempt a = connect();
    methods.handle("m", request -> Single.just(MethodResponse.of(200)));
    FakeInbound bad = new FakeInbound("$iothub/methods/POST/m/", new byte[0]);
    a.listener.onPublish(bad);
    scheduler.triggerActions();
    assertThat(bad.acks).isEqualTo(1);
    assertThat(a.published).isEmpty();
  }
}
