// The driver's time scheduler: it must not run tasks on the caller's thread, and a send's expiry does not rely on one.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TimeSchedulerTest {

  @Test
  void aMessageAlreadyExpiredWhenSentWhileConnectedFailsAtOnceAndIsNotSent() {
    TestScheduler time = new TestScheduler(5_000, TimeUnit.MILLISECONDS);
    ClientCore core = new ClientCore(Loopback.settings(Schedulers.trampoline(), time),
        new Loopback((filter, listener) -> { }), () -> { });
    core.connect().test().assertComplete();

    AtomicReference<Object> expired = new AtomicReference<>();
    core.publish("t", new byte[0], false, 5_000L).subscribe(() -> expired.set("sent"), expired::set);
    TestObserver<Void> due = core.publish("t", new byte[0], false, 5_001L).test();

    // Loopback acknowledges every publish at once: a message it was handed completes.
    assertThat(expired.get()).isInstanceOf(IllegalMonitorStateException.class);
    assertThat((Throwable) expired.get())
        .hasMessageContaining("expired at 5000 (epoch ms) before it was sent")
        .hasMessageContaining("it was not sent");
    due.assertComplete();
    core.close();
  }

  static Stream<Arguments> inline() {
    return Stream.of(
        Arguments.of("Schedulers.trampoline()", Schedulers.trampoline()),
        Arguments.of("a scheduler that runs a task due now on the caller's thread", new Inline()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inline")
  void aTimeSchedulerThatRunsTasksOnTheCallingThreadIsRefused(String name, Scheduler scheduler) {
    assertThatThrownBy(() -> Loopback.settings(Schedulers.trampoline(), scheduler))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("timeScheduler must not run tasks on the calling thread");
    assertThatThrownBy(() -> CoreSettings.checkTimeScheduler("scheduler", scheduler))
        .hasMessageStartingWith("scheduler must not run tasks on the calling thread");
  }

  @Test
  void aTimeSchedulerWithThreadsOfItsOwnOrATestSchedulerIsAccepted() {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    SharedThreads.Lease lease = SharedThreads.acquire();
    try {
      for (Scheduler scheduler : new Scheduler[] {new TestScheduler(), Schedulers.from(executor),
          lease.timeScheduler()}) {
        assertThat(Loopback.settings(Schedulers.trampoline(), scheduler).timeScheduler())
            .isSameAs(scheduler);
      }
    } finally {
      lease.release();
      executor.shutdownNow();
    }
    assertThatThrownBy(() -> CoreSettings.checkTimeScheduler("timeScheduler", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("timeScheduler must not be null");
  }

  /** Runs a task due now on the caller's thread (and drops later ones), as a careless scheduler might. */
  private static final class Inline extends Scheduler {
    @Override
    public Worker createWorker() {
      return new Worker() {
        private volatile boolean disposed;

        @Override
        public Disposable schedule(Runnable run, long delay, TimeUnit unit) {
          if (delay <= 0 && !disposed) {
            run.run();
          }
          return Disposable.disposed();
        }

        @Override
        public void dispose() {
          disposed = true;
        }

        @Override
        public boolean isDisposed() {
          return disposed;
        }
      };
    }
  }
}
