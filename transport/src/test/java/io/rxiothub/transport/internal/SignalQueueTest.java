// The signal queue, a lock-free stack linked through the sends: every outcome reaches its observer once,
// in the order it was decided, on the callback scheduler, a bounded batch per task.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.core.CompletableObserver;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SignalQueueTest {

  private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "signal-queue-test-callback");
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void stop() {
    callbacks.shutdownNow();
  }

  @Test
  void outcomesDecidedOnFourThreadsReachTheirObserversOnceEachInTheOrderEachThreadDecidedThem()
      throws Exception {
    ClientCore core = new ClientCore(Loopback.settings(Schedulers.from(callbacks)),
        new Loopback((filter, listener) -> { }), () -> { });
    int threads = 4;
    int perThread = 5_000;
    // Written on the callback thread only (one drain at a time), read after the latch.
    List<List<Integer>> seen = new ArrayList<>();
    List<String> wrongThreads = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      seen.add(new ArrayList<>());
    }
    CountDownLatch delivered = new CountDownLatch(threads * perThread);
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread producer = new Thread(() -> {
        try {
          start.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        for (int i = 0; i < perThread; i++) {
          int n = i;
          PendingSend p = new PendingSend(core.machine, "t", new byte[0], false, null,
              new Recorder(() -> {
                if (!Thread.currentThread().getName().equals("signal-queue-test-callback")) {
                  wrongThreads.add(Thread.currentThread().getName());
                }
                seen.get(thread).add(n);
                delivered.countDown();
              }), null);
          p.complete();
          p.fail(new IllegalStateException("decided twice"));
        }
      });
      producers.add(producer);
      producer.start();
    }
    for (Thread producer : producers) {
      producer.join();
    }
    assertThat(delivered.await(20, TimeUnit.SECONDS)).as("every outcome delivered").isTrue();
    // One more drain task after the last: no outcome delivered twice or late.
    callbacks.submit(() -> { }).get(5, TimeUnit.SECONDS);
    assertThat(wrongThreads).as("observers called off the callback thread").isEmpty();
    for (int t = 0; t < threads; t++) {
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        expected.add(i);
      }
      assertThat(seen.get(t)).as("outcomes of producer %s", t).isEqualTo(expected);
    }
  }

  @Test
  void aDrainTaskDeliversAtMostOneBatchThenMakesWayForTheNextTask() {
    ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    ClientCore core = new ClientCore(Loopback.settings(Schedulers.from(tasks::add), new TestScheduler()),
        new Loopback((filter, listener) -> { }), () -> { });
    int[] delivered = {0};
    int total = 2 * SignalQueue.SIGNAL_BATCH + 10;
    for (int i = 0; i < total; i++) {
      new PendingSend(core.machine, "t", new byte[0], false, null,
          new Recorder(() -> delivered[0]++), null).complete();
    }
    assertThat(tasks).as("one drain task for the burst").hasSize(1);
    List<Integer> perTask = new ArrayList<>();
    while (!tasks.isEmpty()) {
      int before = delivered[0];
      tasks.poll().run();
      perTask.add(delivered[0] - before);
    }
    assertThat(perTask).containsExactly(SignalQueue.SIGNAL_BATCH, SignalQueue.SIGNAL_BATCH, 10);
    // The drain ended with nothing left: the next outcome schedules a new task.
    new PendingSend(core.machine, "t", new byte[0], false, null,
        new Recorder(() -> delivered[0]++), null).complete();
    assertThat(tasks).hasSize(1);
    tasks.poll().run();
    assertThat(delivered[0]).isEqualTo(total + 1);
  }

  /** Runs {@code onComplete} on completion; an error is recorded as a failure of the test. */
  private static final class Recorder implements CompletableObserver {
    private final Runnable onComplete;

    Recorder(Runnable onComplete) {
      this.onComplete = onComplete;
    }

    @Override
    public void onSubscribe(Disposable d) { }

    @Override
    public void onComplete() {
      onComplete.run();
    }

    @Override
    public void onError(Throwable e) {
      throw new AssertionError("a completed send was also failed", e);
    }
  }
}
