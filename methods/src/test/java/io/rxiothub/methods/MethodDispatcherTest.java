// Unit and thread-race tests of the dispatch table: routing, 501, 500, exactly one reply.
package io.rxiothub.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.rxiothub.methods.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MethodDispatcherTest {

  private final MethodDispatcher dispatcher = MethodDispatcher.create("dev1");
  private final List<MethodResponse> replies = new ArrayList<>();
  private final List<MethodRequest> repliedTo = new ArrayList<>();
  private final MethodReplySink sink = (request, response) -> {
    synchronized (replies) {
      repliedTo.add(request);
      replies.add(response);
    }
  };

  private static MethodRequest request(String name) {
    return MethodRequest.builder().methodName(name).rid("r-" + name).jsonPayload("{\"x\":1}").build();
  }

  @Test
  void routesToTheHandlerOfTheName() {
    dispatcher.register("reboot", (req, reply) -> reply.send(MethodResponse.ofJson(200, "{\"ok\":" + req.payloadAsJson() + "}")));
    dispatcher.dispatch(request("reboot"), sink);
    assertThat(replies).hasSize(1);
    assertThat(replies.get(0).payloadAsString()).isEqualTo("{\"ok\":{\"x\":1}}");
    assertThat(repliedTo.get(0).rid()).isEqualTo("r-reboot");
  }

  @Test
  void theUnhandledHandlerComesAfterNamedAndDefaultHandlersAndBefore501() {
    MethodHandler unhandled = (req, reply) -> reply.send(MethodResponse.of(299));
    dispatcher.register("named", (req, reply) -> reply.send(MethodResponse.of(200)));
    dispatcher.dispatch(request("named"), sink, unhandled);
    dispatcher.dispatch(request("other"), sink, unhandled);
    dispatcher.dispatch(request("other"), sink, null);
    MethodDispatcher.Registration fallback =
        dispatcher.registerDefault((req, reply) -> reply.send(MethodResponse.of(298)));
    dispatcher.dispatch(request("other"), sink, unhandled);
    fallback.unregister();
    assertThat(replies).extracting(MethodResponse::status).containsExactly(200, 299, 501, 298);
  }

  @Test
  void unknownMethodGets501WithAJsonBody() {
    dispatcher.dispatch(request("nope"), sink);
    assertThat(replies).hasSize(1);
    MethodResponse reply = replies.get(0);
    assertThat(reply.status()).isEqualTo(501);
    assertThat(Json.isValid(reply.payloadAsString())).isTrue();
    assertThat(reply.payloadAsString()).contains("\"status\":501").contains("MethodNotImplemented").contains("\"methodName\":\"nope\"");
  }

  @Test
  void notImplementedIsTheReplyDispatchSendsForAnUnknownMethod() {
    dispatcher.dispatch(request("nope"), sink);
    MethodResponse direct = MethodDispatcher.notImplemented("nope");
    assertThat(direct).isEqualTo(replies.get(0));
    assertThat(MethodDispatcher.notImplemented("other").payloadAsString()).contains("\"methodName\":\"other\"");
  }

  @Test
  void theDefaultHandlerTakesUnregisteredNames() {
    dispatcher.register("a", (req, reply) -> reply.send(MethodResponse.of(201)));
    MethodDispatcher.Registration def = dispatcher.registerDefault((req, reply) -> reply.send(MethodResponse.of(202)));
    dispatcher.dispatch(request("a"), sink);
    dispatcher.dispatch(request("b"), sink);
    assertThat(replies).extracting(MethodResponse::status).containsExactly(201, 202);
    assertThat(def.unregister()).isTrue();
    assertThat(def.unregister()).isFalse();
    dispatcher.dispatch(request("b"), sink);
    assertThat(replies.get(2).status()).isEqualTo(501);
  }

  @Test
  void aThrowingHandlerGets500WithTheTypeButNotTheMessage() {
    dispatcher.register("boom", (req, reply) -> {
      throw new IllegalStateException("secret=abc \"quoted\"");
    });
    dispatcher.dispatch(request("boom"), sink);
    MethodResponse reply = replies.get(0);
    assertThat(reply.status()).isEqualTo(500);
    assertThat(Json.isValid(reply.payloadAsString())).isTrue();
    assertThat(reply.payloadAsString()).contains("MethodHandlerFailed").contains("java.lang.IllegalStateException")
        .doesNotContain("secret");
  }

  @Test
  void aHandlerThrowingAnAssertionErrorStillGets500ButVmErrorsPropagate() {
    dispatcher.register("assert", (req, reply) -> {
      throw new AssertionError("bug");
    });
    dispatcher.register("oom", (req, reply) -> {
      throw new OutOfMemoryError("simulated");
    });
    dispatcher.dispatch(request("assert"), sink);
    assertThat(replies).extracting(MethodResponse::status).containsExactly(500);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> dispatcher.dispatch(request("oom"), sink))
        .isInstanceOf(OutOfMemoryError.class);
    assertThat(replies).hasSize(1);
  }

  @Test
  void failGives500AndOnlyTheFirstReplyCounts() {
    AtomicReference<MethodReply> kept = new AtomicReference<>();
    dispatcher.register("m", (req, reply) -> kept.set(reply));
    dispatcher.dispatch(request("m"), sink);
    assertThat(replies).isEmpty();
    MethodReply reply = kept.get();
    assertThat(reply.isDone()).isFalse();
    assertThat(reply.fail(new RuntimeException("x"))).isTrue();
    assertThat(reply.send(MethodResponse.of(200))).isFalse();
    assertThat(reply.fail(new RuntimeException("y"))).isFalse();
    assertThat(reply.isDone()).isTrue();
    assertThat(replies).extracting(MethodResponse::status).containsExactly(500);
  }

  @Test
  void aHandlerThatRepliesThenThrowsStillRepliesOnce() {
    dispatcher.register("m", (req, reply) -> {
      reply.send(MethodResponse.of(200));
      throw new Exception("after");
    });
    dispatcher.dispatch(request("m"), sink);
    assertThat(replies).extracting(MethodResponse::status).containsExactly(200);
  }

  @Test
  void registrationRules() {
    MethodDispatcher.Registration r = dispatcher.register("m", (req, reply) -> reply.send(MethodResponse.of(200)));
    assertThat(dispatcher.hasHandler("m")).isTrue();
    assertThatIllegalStateException().isThrownBy(() -> dispatcher.register("m", (req, reply) -> { }))
        .withMessageContaining("'m'");
    assertThatIllegalArgumentException().isThrownBy(() -> dispatcher.register("a/b", (req, reply) -> { }));
    assertThatIllegalArgumentException().isThrownBy(() -> dispatcher.register("x", null));
    dispatcher.registerDefault((req, reply) -> { });
    assertThatIllegalStateException().isThrownBy(() -> dispatcher.registerDefault((req, reply) -> { }));
    assertThat(r.unregister()).isTrue();
    MethodDispatcher.Registration again = dispatcher.register("m", (req, reply) -> { });
    assertThat(r.unregister()).as("stale registration does not remove the new handler").isFalse();
    assertThat(again.unregister()).isTrue();
    assertThatIllegalArgumentException().isThrownBy(() -> dispatcher.dispatch(null, sink));
  }

  @Test
  void sendRejectsNull() {
    AtomicReference<MethodReply> kept = new AtomicReference<>();
    dispatcher.register("m", (req, reply) -> kept.set(reply));
    dispatcher.dispatch(request("m"), sink);
    assertThatIllegalArgumentException().isThrownBy(() -> kept.get().send(null));
    assertThat(kept.get().isDone()).isFalse();
  }

  @Test
  @Timeout(30)
  void concurrentRepliesFromManyThreadsProduceExactlyOneReply() throws Exception {
    int requests = 500;
    List<MethodReply> kept = new ArrayList<>();
    dispatcher.register("m", (req, reply) -> kept.add(reply));
    for (int i = 0; i < requests; i++) {
      dispatcher.dispatch(MethodRequest.builder().methodName("m").rid(Integer.toString(i)).build(), sink);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    try {
      for (int t = 0; t < 4; t++) {
        int thread = t;
        pool.submit(() -> {
          start.await();
          for (MethodReply reply : kept) {
            if (thread % 2 == 0) {
              reply.send(MethodResponse.of(200 + thread));
            } else {
              reply.fail(new RuntimeException());
            }
          }
          return null;
        });
      }
      start.countDown();
      pool.shutdown();
      assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
    assertThat(replies).hasSize(requests);
    assertThat(repliedTo).extracting(MethodRequest::rid).doesNotHaveDuplicates();
  }
}
