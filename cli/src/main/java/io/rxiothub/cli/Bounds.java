// --count / --timeout of the commands that run until stopped, and the loop that waits for the first of them or Ctrl-C.
package io.rxiothub.cli;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A picocli mixin. What --count counts differs per command, so its help text is in {@code Bounds.properties} under
 * the command's qualified name ({@code rxiothub.receive.count}); picocli makes that bundle the command's own too.
 */
@Command(resourceBundle = "io.rxiothub.cli.Bounds")
final class Bounds {

  @Option(names = "--count", paramLabel = "N", description = "Stop after N items.")
  @Nullable Integer count;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop after this many seconds.")
  @Nullable Long timeoutSeconds;

  /** Rejects a --count or --timeout below 1 as a usage error. */
  void check() {
    if (count != null && count < 1) {
      throw new IllegalArgumentException("--count must be at least 1");
    }
    if (timeoutSeconds != null && timeoutSeconds < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1 second");
    }
  }

  /** Whether {@code handled} is still short of --count (always true without --count). */
  boolean wantsMore(int handled) {
    return count == null || handled < count;
  }

  /**
   * Waits for the first of: --count handled, Ctrl-C, --timeout. Returns OK when --count was reached or --timeout
   * passed without --count, INTERRUPTED on Ctrl-C, TIMEOUT when --timeout passed before --count.
   */
  int await(StopSignal stop, IntSupplier handled) throws InterruptedException {
    long deadline = timeoutSeconds == null ? Long.MAX_VALUE : System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (true) {
      if (!wantsMore(handled.getAsInt())) {
        return ExitCodes.OK;
      }
      if (System.nanoTime() >= deadline) {
        return count == null ? ExitCodes.OK : ExitCodes.TIMEOUT;
      }
      if (stop.await(50, TimeUnit.MILLISECONDS)) {
        return wantsMore(handled.getAsInt()) ? ExitCodes.INTERRUPTED : ExitCodes.OK;
      }
    }
  }
}
