// AutoRegistration with an injected delay, its timer captured so the test runs the completion: a device's events keep
// their order when the next one arrives (on another broker thread) while the queued ones run.
package io.rxiothub.emulator.watson.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AutoRegistrationTest {

  private final List<Runnable> scheduled = new CopyOnWriteArrayList<>();
  /** A timer that keeps its tasks for the test to run. */
  private final ScheduledThreadPoolExecutor captured = new ScheduledThreadPoolExecutor(1) {
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      scheduled.add(command);
      return super.schedule(() -> { }, 1, TimeUnit.DAYS);
    }
  };
  private final WatsonRegistry registry = new WatsonRegistry();
  private final AutoRegistration registration = new AutoRegistration(registry, captured, () -> 0L);

  @AfterEach
  void stopTimer() {
    captured.shutdownNow();
  }

  @Test
  void anEventArrivingWhileADelayedRegistrationRunsTheQueuedOnesRunsAfterThem() {
    registration.delay(100);
    List<String> ran = new CopyOnWriteArrayList<>();
    assertThat(registration.register("gw/g1", "sensor", "s1", () -> {
      ran.add("m1");
      // the gateway's next event, on another broker thread, while m1 and m2 run
      Thread other = new Thread(() -> registration.register("gw/g1", "sensor", "s1", () -> ran.add("m3")));
      other.start();
      joinQuietly(other);
    })).isNull();
    assertThat(registration.register("gw/g1", "sensor", "s1", () -> ran.add("m2"))).isNull();
    assertThat(ran).as("nothing before the registration completes").isEmpty();

    scheduled.get(0).run();

    assertThat(ran).containsExactly("m1", "m2", "m3");
    assertThat(registry.get("sensor", "s1")).isNotNull();
    assertThat(registration.pendingCount()).isZero();
    registration.register("gw/g1", "sensor", "s1", () -> ran.add("m4"));
    assertThat(ran).as("registered: at once").endsWith("m4");
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
