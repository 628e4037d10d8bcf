// Ctrl-C handling for commands that run until stopped: the JVM waits (bounded) for the command to finish cleanly.
package io.rxiothub.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Installs a shutdown hook that tells the command to stop and then waits up to 10 s for it to say it has finished
 * (its in-flight acknowledgements received, its summary printed). {@link #close()} marks the command finished and
 * removes the hook.
 */
final class StopSignal implements AutoCloseable {

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;

  private StopSignal() {
    hook = new Thread(() -> {
      stop.countDown();
      try {
        finished.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "rxiothub-cli-stop");
  }

  static StopSignal install() {
    StopSignal signal = new StopSignal();
    Runtime.getRuntime().addShutdownHook(signal.hook);
    return signal;
  }

  /** Whether Ctrl-C (or another shutdown) asked the command to stop. */
  boolean requested() {
    return stop.getCount() == 0;
  }

  /** Waits until a stop is requested or the time passes; returns whether a stop was requested. */
  boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return stop.await(timeout, unit);
  }

  @Override
  public void close() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is running and now returns
    }
  }
}
