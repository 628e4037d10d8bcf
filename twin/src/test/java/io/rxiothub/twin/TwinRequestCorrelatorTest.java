// Unit and thread-race tests of the $rid correlator: match, timeout, cancel, at-most-once completion.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TwinRequestCorrelatorTest {

  private final TwinRequestCorrelator correlator = TwinRequestCorrelator.builder().timeoutMillis(1000).logId("dev1").build();

  @Test
  void registersBeforePublishAndMatchesTheResponse() {
    RecordingListener listener = new RecordingListener();
    TwinRequest request = correlator.register(TwinRequest.Operation.GET, 5_000, listener);
    assertThat(request.rid()).isEqualTo("1");
    assertThat(request.topic()).isEqualTo("$iothub/twin/GET/?$rid=1");
    assertThat(request.deadlineMillis()).isEqualTo(6_000);
    assertThat(correlator.isPending("1")).isTrue();

    byte[] body = TwinTest.GET_BODY.getBytes(StandardCharsets.UTF_8);
    assertThat(correlator.onResponse(TwinTopic.parse("$iothub/twin/res/200/?$rid=1"), body)).isTrue();

    assertThat(listener.responses).hasSize(1);
    TwinResponse response = listener.responses.get(0);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.isSuccess()).isTrue();
    assertThat(response.twin().desiredVersion()).isEqualTo(12);
    assertThat(correlator.pendingCount()).isZero();
  }

  @Test
  void patchResponseCarriesTheNewReportedVersion() {
    RecordingListener listener = new RecordingListener();
    TwinRequest request = correlator.register(TwinRequest.Operation.UPDATE_REPORTED, 0, listener);
    assertThat(request.topic()).isEqualTo("$iothub/twin/PATCH/properties/reported/?$rid=1");
    correlator.onResponse(TwinTopic.parse("$iothub/twin/res/204/?$rid=1&$version=124"), new byte[0]);
    TwinResponse response = listener.responses.get(0);
    assertThat(response.operation()).isEqualTo(TwinRequest.Operation.UPDATE_REPORTED);
    assertThat(response.version()).isEqualTo(124L);
    assertThat(response.isSuccess()).isTrue();
    assertThatThrownBy(response::twin).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void ridsAreUniqueForTheLifetimeOfTheCorrelator() {
    Set<String> rids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      TwinRequest r = correlator.register(TwinRequest.Operation.GET, i, new RecordingListener());
      assertThat(rids.add(r.rid())).isTrue();
      if (i % 2 == 0) {
        correlator.cancel(r.rid());
      }
    }
    correlator.cancelAll();
    assertThat(rids.add(correlator.register(TwinRequest.Operation.GET, 0, new RecordingListener()).rid())).isTrue();
  }

  @Test
  void completesAtMostOnceAndIgnoresDuplicateLateAndUnknownResponses() {
    RecordingListener listener = new RecordingListener();
    correlator.register(TwinRequest.Operation.GET, 0, listener);
    TwinTopic topic = TwinTopic.response(200, "1", null);
    assertThat(correlator.onResponse(topic, new byte[0])).isTrue();
    assertThat(correlator.onResponse(topic, new byte[0])).as("duplicate").isFalse();
    assertThat(correlator.onResponse(TwinTopic.response(200, "99", null), new byte[0])).as("unknown").isFalse();
    assertThat(correlator.expire(Long.MAX_VALUE)).isZero();
    assertThat(listener.outcomes()).isEqualTo(1);
  }

  @Test
  void timesOutWithTheTimePassedInAndIgnoresTheLateResponse() {
    RecordingListener first = new RecordingListener();
    RecordingListener second = new RecordingListener();
    correlator.register(TwinRequest.Operation.GET, 0, first);
    correlator.register(TwinRequest.Operation.GET, 500, second);
    assertThat(correlator.nextDeadlineMillis()).isEqualTo(1000L);

    assertThat(correlator.expire(999)).isZero();
    assertThat(correlator.expire(1000)).isEqualTo(1);
    assertThat(first.timeouts).extracting(TwinRequest::rid).containsExactly("1");
    assertThat(correlator.nextDeadlineMillis()).isEqualTo(1500L);

    assertThat(correlator.onResponse(TwinTopic.response(200, "1", null), new byte[0])).as("late").isFalse();
    assertThat(first.outcomes()).isEqualTo(1);
    assertThat(second.outcomes()).isZero();
  }

  @Test
  void aResponseAfterTheDeadlineButBeforeExpireStillCompletes() {
    RecordingListener listener = new RecordingListener();
    correlator.register(TwinRequest.Operation.GET, 0, listener);
    assertThat(correlator.onResponse(TwinTopic.response(200, "1", null), new byte[0])).isTrue();
    assertThat(correlator.expire(5000)).isZero();
    assertThat(listener.responses).hasSize(1);
    assertThat(listener.timeouts).isEmpty();
  }

  @Test
  void cancelForgetsWithoutCallingTheListener() {
    RecordingListener listener = new RecordingListener();
    correlator.register(TwinRequest.Operation.GET, 0, listener);
    assertThat(correlator.cancel("1")).isTrue();
    assertThat(correlator.cancel("1")).isFalse();
    assertThat(correlator.onResponse(TwinTopic.response(200, "1", null), new byte[0])).isFalse();
    assertThat(correlator.expire(Long.MAX_VALUE)).isZero();
    assertThat(listener.outcomes()).isZero();
    assertThat(correlator.nextDeadlineMillis()).isNull();
  }

  @Test
  void cancelAllReturnsThePendingRequestsInDeadlineOrder() {
    correlator.register(TwinRequest.Operation.GET, 300, new RecordingListener());
    correlator.register(TwinRequest.Operation.UPDATE_REPORTED, 100, new RecordingListener());
    List<TwinRequest> cancelled = correlator.cancelAll();
    assertThat(cancelled).extracting(TwinRequest::rid).containsExactly("2", "1");
    assertThat(correlator.pendingCount()).isZero();
  }

  @Test
  void aThrowingListenerDoesNotStopTheOtherTimeouts() {
    TwinResponseListener throwing = new RecordingListener() {
      @Override
      public void onTimeout(TwinRequest request) {
        throw new IllegalStateException("listener bug");
      }
    };
    RecordingListener other = new RecordingListener();
    correlator.register(TwinRequest.Operation.GET, 0, throwing);
    correlator.register(TwinRequest.Operation.GET, 0, other);
    assertThatThrownBy(() -> correlator.expire(1000)).hasMessage("listener bug");
    assertThat(other.timeouts).hasSize(1);
    assertThat(correlator.pendingCount()).isZero();
  }

  @Test
  void deadlinesSaturateInsteadOfOverflowing() {
    TwinRequest r = correlator.register(TwinRequest.Operation.GET, Long.MAX_VALUE - 10, new RecordingListener());
    assertThat(r.deadlineMillis()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void rejectsBadArguments() {
    assertThatIllegalArgumentException().isThrownBy(() -> correlator.register(null, 0, new RecordingListener()));
    assertThatIllegalArgumentException().isThrownBy(() -> correlator.register(TwinRequest.Operation.GET, 0, null));
    assertThatIllegalArgumentException().isThrownBy(() -> correlator.onResponse(TwinTopic.get("1"), new byte[0]))
        .withMessageContaining("RESPONSE");
    assertThatIllegalArgumentException().isThrownBy(() -> correlator.onResponse(TwinTopic.response(200, "1", null), null));
    assertThatIllegalArgumentException().isThrownBy(() -> TwinRequestCorrelator.builder().timeoutMillis(0));
  }

  @Test
  @Timeout(30)
  void responseTimeoutAndCancelRacingFromThreadsCompleteEachRequestExactlyOnce() throws Exception {
    int n = 2000;
    List<RecordingListener> listeners = new ArrayList<>();
    List<String> rids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RecordingListener l = new RecordingListener();
      listeners.add(l);
      rids.add(correlator.register(TwinRequest.Operation.GET, 0, l).rid());
    }
    boolean[] cancelled = new boolean[n];
    AtomicInteger matched = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int copy = 0; copy < 2; copy++) {
        tasks.add(pool.submit(() -> {
          start.await();
          for (String rid : rids) {
            if (correlator.onResponse(TwinTopic.response(200, rid, null), new byte[0])) {
              matched.incrementAndGet();
            }
          }
          return null;
        }));
      }
      tasks.add(pool.submit(() -> {
        start.await();
        while (correlator.pendingCount() > 0) {
          correlator.expire(1000);
        }
        return null;
      }));
      tasks.add(pool.submit(() -> {
        start.await();
        for (int i = n - 1; i >= 0; i--) {
          cancelled[i] = correlator.cancel(rids.get(i));
        }
        return null;
      }));
      start.countDown();
      for (Future<?> task : tasks) {
        task.get(20, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    int responses = 0;
    for (int i = 0; i < n; i++) {
      int outcomes = listeners.get(i).outcomes() + (cancelled[i] ? 1 : 0);
      assertThat(outcomes).as("request %s completes exactly once", rids.get(i)).isEqualTo(1);
      responses += listeners.get(i).responses.size();
    }
    assertThat(matched.get()).isEqualTo(responses);
    assertThat(correlator.pendingCount()).isZero();
  }
}
