// The reconnect rules as pure code, checked over random sequences of failures, acceptances and closes.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class ReconnectPolicyProperties {

  static ReconnectPolicy policy(long giveUpMillis, long takeoverWindowMillis, long seed) {
    return new ReconnectPolicy(CoreSettings.builder().identity("dev1")
        .credentials(new Loopback.Credentials()).failures(new Loopback.PlainFailures())
        .backoff(new Backoff(100, 10_000, new Random(seed))).giveUpMillis(giveUpMillis)
        .takeoverWindowMillis(takeoverWindowMillis).callbackScheduler(Schedulers.trampoline())
        .timeScheduler(new TestScheduler()).build());
  }

  static MqttConnector.ClosedByHubException serverClose() {
    return new MqttConnector.ClosedByHubException("the hub closed the connection", null);
  }

  @Property
  void retriesWaitWithinTheBackoffCeilingAndStopOnceAttemptsFailedForTheGiveUpTime(
      @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 5_000) Integer> gaps,
      @ForAll @LongRange(min = 1, max = 60_000) long giveUpMillis, @ForAll long seed) {
    ReconnectPolicy policy = policy(giveUpMillis, 10_000, seed);
    Backoff ceilings = new Backoff(100, 10_000, new Random(seed));
    policy.connectAsked();
    long first = 1_000;
    long now = first;
    for (int i = 0; i < gaps.size(); i++) {
      now += i == 0 ? 0 : gaps.get(i);
      long delay = policy.attemptFailed(now);
      assertThat(policy.failures()).isEqualTo(i + 1);
      if (now - first >= giveUpMillis) {
        assertThat(delay).as("after %s ms of failures", now - first).isEqualTo(ReconnectPolicy.STOP);
        return;
      }
      assertThat(delay).as("delay before attempt %s", i + 2).isBetween(0L, ceilings.ceilingMillis(i));
    }
  }

  @Property(tries = 5)
  void theFailureCountSaturatesAndTheDelayStaysWithinTheCeiling(@ForAll @IntRange(min = 65_530, max = 70_000) int n,
      @ForAll long seed) {
    ReconnectPolicy policy = policy(Long.MAX_VALUE, 10_000, seed);
    policy.connectAsked();
    long delay = 0;
    for (int i = 0; i < n; i++) {
      delay = policy.attemptFailed(i);
    }
    assertThat(policy.failures()).isEqualTo(Math.min(n, 65_535));
    assertThat(delay).isBetween(0L, 10_000L);
  }

  @Property
  void anAcceptedConnectionStartsTheFailureCountAfresh(
      @ForAll @IntRange(min = 1, max = 20) int failuresBefore,
      @ForAll @LongRange(min = 0, max = 100_000) long acceptedAt) {
    ReconnectPolicy policy = policy(240_000, 10_000, 1);
    for (int i = 0; i < failuresBefore; i++) {
      policy.attemptFailed(i * 10L);
    }
    policy.accepted();
    long failedAt = failuresBefore * 10L + acceptedAt;
    assertThat(policy.attemptFailed(failedAt)).isNotEqualTo(ReconnectPolicy.STOP);
    assertThat(policy.failures()).isEqualTo(1);
    assertThat(policy.failingForMillis(failedAt)).isZero();
  }

  @Property
  void threeQuickClosesByTheServerInARowAreATakeoverUnlessAnAttemptFailedBetween(
      @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 3) Integer> script,
      @ForAll @LongRange(min = 0, max = 20_000) long windowMillis) {
    ReconnectPolicy policy = policy(240_000, windowMillis, 3);
    policy.connectAsked();
    long now = 0;
    int quickServerCloses = 0;
    boolean afterServerClose = policy.accepted();
    long connectedAt = now;
    for (int step : script) {
      now += 1_000;
      boolean stop;
      switch (step) {
        case 0: // a quick close by the server
          stop = policy.connectionLost(afterServerClose, connectedAt, serverClose(), false, now)
              == ReconnectPolicy.STOP;
          quickServerCloses = windowMillis == 0 ? 0
              : afterServerClose && now - connectedAt < windowMillis ? quickServerCloses + 1 : 1;
          break;
        case 1: // an I/O error
          stop = policy.connectionLost(afterServerClose, connectedAt, new IOException("reset"), false,
              now) == ReconnectPolicy.STOP;
          quickServerCloses = 0;
          break;
        case 2: // a failed attempt before the next accepted one
          policy.attemptFailed(now);
          stop = false;
          quickServerCloses = 0;
          break;
        default: // a close while a resent message waits for its PUBACK: not counted, not reset
          stop = policy.connectionLost(afterServerClose, connectedAt, serverClose(), true, now)
              == ReconnectPolicy.STOP;
          break;
      }
      assertThat(stop).as("takeover after %s quick server closes", quickServerCloses)
          .isEqualTo(quickServerCloses >= Takeover.TAKEOVER_CLOSES);
      if (stop) {
        return;
      }
      afterServerClose = policy.accepted();
      connectedAt = now;
    }
  }
}
