// MethodCalls against real Sessions and Publisher and a RecordingBroker (a BrokerLink, a seam we own): a call's time-out that fires
// before invoke has stored the call (a short time-out, or a thread paused between the two) still answers 504.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.emulator.MethodResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MethodCallsTest {

  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Identity DEV = new Identity("dev1", null);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  /** A timer whose tasks fire as they are scheduled, whatever their delay. */
  private final ScheduledThreadPoolExecutor firesAtOnce = new ScheduledThreadPoolExecutor(1) {
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      command.run();
      return super.schedule(() -> { }, 0, TimeUnit.MILLISECONDS);
    }
  };
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final Publisher publisher = new Publisher(timer, (identity, topic) -> this.sessions.expectsTopic(identity,
      topic));
  private final Sessions sessions = new Sessions(clock, timer, publisher, new TelemetryIntake(clock, 10),
      identity -> { });

  @AfterEach
  void stopTimers() {
    timer.shutdownNow();
    firesAtOnce.shutdownNow();
  }

  @Test
  void aTimeOutThatFiresBeforeTheCallIsStoredStillAnswers504() {
    publisher.attach(new RecordingBroker(null)); // takes the invocation; the device never answers
    sessions.connected(DEV, "c1", false, NOW.plus(Duration.ofHours(1)).getEpochSecond());
    sessions.subscribed(DEV, TopicRules.METHODS_FILTER, 0);
    MethodCalls calls = new MethodCalls(firesAtOnce, sessions, publisher, new AtomicLong()::incrementAndGet);

    MethodResult result = calls.invoke(DEV, "reboot", "{}", Duration.ofSeconds(30)).timeout(5, TimeUnit.SECONDS)
        .blockingGet();

    assertThat(result.status()).isEqualTo(504);
  }
}
