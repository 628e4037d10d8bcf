// An RxJava 3 Scheduler on our own executors, so the SDK never initialises RxJava's global schedulers.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each worker's tasks one at a time, in order, on {@code executor}; delays wait on
 * {@code timer}. Touching RxJava's {@code Schedulers} class (as {@code Schedulers.from} does) would
 * start its JVM-wide {@code RxCachedWorkerPoolEvictor} thread; this class avoids that. Tasks
 * submitted after the executors shut down (the last client closed) run on the calling thread, so
 * that an operation on a closed client still fails; delayed ones are dropped.
 */
final class ExecutorScheduler extends Scheduler {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorScheduler.class);

  private final Executor executor;
  private final ScheduledExecutorService timer;

  ExecutorScheduler(Executor executor, ScheduledExecutorService timer) {
    this.executor = executor;
    this.timer = timer;
  }

  @Override
  public Worker createWorker() {
    return new SerialWorker();
  }

  /**
   * A single task, straight onto the executor. RxJava's default makes a whole worker (queue, counter, wrapper)
   * for each call, and a {@code Completable} or {@code Single} observed on this scheduler (every {@code send},
   * every twin request) delivers its one terminal signal this way.
   */
  @Override
  public Disposable scheduleDirect(Runnable run, long delay, TimeUnit unit) {
    Task task = new Task(run);
    if (delay <= 0) {
      execute(task);
    } else {
      try {
        task.hop = this;
        task.future = timer.schedule(task, delay, unit);
      } catch (RejectedExecutionException e) {
        LOG.debug("Dropped a timer task: the shared timer was shut down");
        return Disposable.disposed();
      }
    }
    return task;
  }

  private void execute(Task task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // As in SerialWorker.enqueue: the last client was closed, and a signal still due must not be lost.
      LOG.debug("Shared executor shut down: running a late task on the calling thread");
      task.run();
    }
  }

  private final class SerialWorker extends Worker implements Runnable {
    private final ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean disposed;

    @Override
    public Disposable schedule(Runnable run, long delay, TimeUnit unit) {
      if (disposed) {
        return Disposable.disposed();
      }
      Task task = new Task(run);
      if (delay <= 0) {
        enqueue(task);
      } else {
        try {
          task.future = timer.schedule(() -> enqueue(task), delay, unit);
        } catch (RejectedExecutionException e) {
          LOG.debug("Dropped a timer task: the shared timer was shut down");
          return Disposable.disposed();
        }
      }
      return task;
    }

    private void enqueue(Task task) {
      queue.offer(task);
      if (wip.getAndIncrement() == 0) {
        try {
          executor.execute(this);
        } catch (RejectedExecutionException e) {
          // The last client was closed: no callback thread is left. Signals still due (the error of
          // an operation on the closed client) run on the calling thread, or they would never come.
          LOG.debug("Shared executor shut down: running a late task on the calling thread");
          run();
        }
      }
    }

    @Override
    public void run() {
      int missed = 1;
      for (;;) {
        Task task;
        while ((task = queue.poll()) != null) {
          if (disposed) {
            queue.clear();
            return;
          }
          task.run();
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    @Override
    public void dispose() {
      disposed = true;
      queue.clear();
    }

    @Override
    public boolean isDisposed() {
      return disposed;
    }
  }

  private static final class Task implements Runnable, Disposable {
    private final Runnable run;
    volatile @Nullable ScheduledFuture<?> future;
    private volatile boolean disposed;
    /**
     * Set for a delayed task: the timer runs this task first, which then goes on to the executor of
     * {@code hop} (one object per timer instead of a task and a lambda: every idle client has one).
     */
    @Nullable ExecutorScheduler hop;

    Task(Runnable run) {
      this.run = run;
    }

    @Override
    public void run() {
      ExecutorScheduler h = hop;
      if (h != null) {
        hop = null;
        h.execute(this);
        return;
      }
      if (!disposed) {
        try {
          run.run();
        } catch (Throwable e) {
          // Operators deliver their own errors; anything that escapes is a bug worth a log line.
          LOG.error("Task on an rxiothub scheduler failed", e);
        }
      }
    }

    @Override
    public void dispose() {
      disposed = true;
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
    }

    @Override
    public boolean isDisposed() {
      return disposed;
    }
  }
}
