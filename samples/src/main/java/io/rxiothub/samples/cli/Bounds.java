// The --count / --timeout / Ctrl-C loop shared by the commands that run until stopped.
package io.rxiothub.samples.cli;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/** Waits for the first of: {@code done}, Ctrl-C, or --timeout. */
final class Bounds {

  private Bounds() {}

  static void check(@Nullable Integer count, @Nullable Long timeoutSeconds) {
    if (count != null && count < 1) {
      throw new IllegalArgumentException("--count must be at least 1");
    }
    if (timeoutSeconds != null && timeoutSeconds < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1 second");
    }
  }

  /** Returns OK when done, INTERRUPTED on Ctrl-C, TIMEOUT when --timeout passed first. */
  static int await(StopSignal stop, @Nullable Long timeoutSeconds, BooleanSupplier done) throws InterruptedException {
    long deadline = timeoutSeconds == null ? Long.MAX_VALUE : System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (true) {
      if (done.getAsBoolean()) {
        return ExitCodes.OK;
      }
      if (System.nanoTime() >= deadline) {
        return ExitCodes.TIMEOUT;
      }
      if (stop.await(50, TimeUnit.MILLISECONDS)) {
        return done.getAsBoolean() ? ExitCodes.OK : ExitCodes.INTERRUPTED;
      }
    }
  }
}
