// The process-wide rxiothub-* threads shared by every client, created lazily and ended with the last client.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.Scheduler;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Thread budget of a JVM, whatever the number of clients: at most {@link #IO_THREADS}
 * {@code rxiothub-io-N} Netty event-loop threads (the HiveMQ client shares one event loop group per
 * executor, and this executor is a singleton), one {@code rxiothub-timer} thread and at most
 * {@link #CALLBACK_THREADS} {@code rxiothub-callback-N} threads. All start on first use; the timer
 * and callback pools end when the last client is closed, the event loops when the last connection
 * is closed.
 */
public final class SharedThreads {

  /** Netty event-loop threads shared by all connections. */
  public static final int IO_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
  /** Threads delivering signals to user code. */
  public static final int CALLBACK_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private static final Object LOCK = new Object();
  private static int leases;
  private static @Nullable ScheduledThreadPoolExecutor timer;
  private static @Nullable ThreadPoolExecutor callbacks;
  private static @Nullable Scheduler timeScheduler;
  private static @Nullable Scheduler callbackScheduler;

  private SharedThreads() {}

  /** A client's hold on the shared timer and callback threads. */
  public static final class Lease implements Runnable {
    private final Scheduler time;
    private final Scheduler callback;
    private boolean released;

    private Lease(Scheduler time, Scheduler callback) {
      this.time = time;
      this.callback = callback;
    }

    /** Returns the shared scheduler on {@code rxiothub-timer}. */
    public Scheduler timeScheduler() {
      return time;
    }

    /** Returns the shared scheduler on {@code rxiothub-callback-N}. */
    public Scheduler callbackScheduler() {
      return callback;
    }

    /** Gives the lease back, as {@link #release()} does (a client's close hook, without a lambda). */
    @Override
    public void run() {
      release();
    }

    /** Gives the lease back; the last one shuts the pools down. Idempotent. */
    public void release() {
      synchronized (LOCK) {
        if (released) {
          return;
        }
        released = true;
        if (--leases == 0) {
          ScheduledThreadPoolExecutor t = timer;
          ThreadPoolExecutor c = callbacks;
          timer = null;
          callbacks = null;
          timeScheduler = null;
          callbackScheduler = null;
          if (t != null) {
            t.shutdownNow();
          }
          if (c != null) {
            // Signals already handed over (the final CLOSED state) still run.
            c.shutdown();
          }
        }
      }
    }
  }

  /** Takes a lease, starting the pools (without threads yet) if this is the first. */
  public static Lease acquire() {
    synchronized (LOCK) {
      if (leases++ == 0) {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, named("rxiothub-timer",
            false));
        t.setRemoveOnCancelPolicy(true);
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        ThreadPoolExecutor c = new ThreadPoolExecutor(CALLBACK_THREADS, CALLBACK_THREADS, 30,
            TimeUnit.SECONDS, new LinkedBlockingQueue<Runnable>(), named("rxiothub-callback-", true));
        c.allowCoreThreadTimeOut(true);
        timer = t;
        callbacks = c;
        timeScheduler = new ExecutorScheduler(t, t);
        callbackScheduler = new ExecutorScheduler(c, t);
      }
      Scheduler time = timeScheduler;
      Scheduler callback = callbackScheduler;
      if (time == null || callback == null) {
        throw new IllegalStateException("shared schedulers missing");
      }
      return new Lease(time, callback);
    }
  }

  private static ThreadFactory named(String name, boolean numbered) {
    AtomicInteger counter = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, numbered ? name + counter.incrementAndGet() : name);
      t.setDaemon(true);
      return t;
    };
  }
}
