// Our executor-backed scheduler keeps each worker's tasks in order and honours delays and disposal.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExecutorSchedulerTest {

  final ExecutorService pool = Executors.newFixedThreadPool(4);
  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final ExecutorScheduler scheduler = new ExecutorScheduler(pool, timer);

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
    timer.shutdownNow();
  }

  @Test
  void aWorkerRunsItsTasksOneAtATimeInOrderOnAManyThreadPool() throws Exception {
    Scheduler.Worker worker = scheduler.createWorker();
    List<Integer> seen = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(1000);
    for (int i = 0; i < 1000; i++) {
      int n = i;
      worker.schedule(() -> {
        seen.add(n);
        done.countDown();
      });
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 1000; i++) {
      assertThat(seen.get(i)).isEqualTo(i);
    }
  }

  @Test
  void delayedTasksRunAfterTheirDelayAndDisposedOnesNever() throws Exception {
    Scheduler.Worker worker = scheduler.createWorker();
    CountDownLatch ran = new CountDownLatch(1);
    List<String> events = new CopyOnWriteArrayList<>();
    Disposable cancelled = worker.schedule(() -> events.add("cancelled"), 50, TimeUnit.MILLISECONDS);
    long start = System.nanoTime();
    worker.schedule(() -> {
      events.add("delayed");
      ran.countDown();
    }, 100, TimeUnit.MILLISECONDS);
    cancelled.dispose();
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(events).containsExactly("delayed");
  }

  @Test
  void directTasksRunOnThePoolAfterTheirDelayAndDisposedOnesNever() throws Exception {
    CountDownLatch ran = new CountDownLatch(2);
    List<String> events = new CopyOnWriteArrayList<>();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    Disposable cancelled = scheduler.scheduleDirect(() -> events.add("cancelled"), 50, TimeUnit.MILLISECONDS);
    long start = System.nanoTime();
    scheduler.scheduleDirect(() -> {
      events.add("delayed");
      threads.add(Thread.currentThread());
      ran.countDown();
    }, 100, TimeUnit.MILLISECONDS);
    scheduler.scheduleDirect(() -> {
      events.add("now");
      threads.add(Thread.currentThread());
      ran.countDown();
    });
    cancelled.dispose();
    assertThat(cancelled.isDisposed()).isTrue();
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(events).containsExactlyInAnyOrder("now", "delayed");
    assertThat(threads).doesNotContain(Thread.currentThread());
  }

  @Test
  void afterShutdownTasksRunOnTheCallingThreadAndDelayedOnesAreDropped() {
    // The last client closed: a signal still due (an operation's error) must not be lost.
    pool.shutdownNow();
    timer.shutdownNow();
    List<Thread> ranOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    scheduler.scheduleDirect(() -> ranOn.add(Thread.currentThread()));
    assertThat(ranOn).containsExactly(Thread.currentThread());
    assertThat(scheduler.createWorker().schedule(() -> ranOn.add(Thread.currentThread()), 1,
        TimeUnit.SECONDS).isDisposed()).isTrue();
    assertThat(scheduler.scheduleDirect(() -> ranOn.add(Thread.currentThread()), 1, TimeUnit.SECONDS)
        .isDisposed()).isTrue();
    assertThat(ranOn).hasSize(1);
  }
}
