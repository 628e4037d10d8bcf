// The scaffolding the guided tours share (`rxiothub demo`, `demo watson`, `demo gateway`): their two options, the
// heading, the steps run in order, what they started closed in reverse order, the summary and the exit code, and the
// waits their steps use. Each tour keeps only its steps.
package io.rxiothub.cli;

import io.reactivex.rxjava3.core.Completable;
import io.rxiothub.cli.wire.WireTap;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** One run of a tour. Not thread-safe: one tour, one thread. */
final class DemoRunner {

  /** The options every tour has ({@code @Mixin}). */
  static final class Options {
    @Option(names = "--step-timeout", paramLabel = "SECONDS", defaultValue = "30",
        description = "Fail a step that takes longer (default: ${DEFAULT-VALUE}).")
    long stepTimeoutSeconds = 30;

    @Option(names = {"-v", "--verbose"}, description = "Print the stack trace of a failure.")
    boolean verbose;
  }

  /** Something a step started, closed when the tour ends. */
  interface Closer {
    void close() throws Exception;
  }

  final PrintWriter out;
  final Style style;
  final Duration timeout;
  private final int total;
  private final DemoSteps steps;
  private final Deque<Closer> closers = new ArrayDeque<>();

  /** A run of {@code spec}'s tour of {@code total} steps, each failing after {@code timeout}. */
  DemoRunner(CommandSpec spec, Duration timeout, int total, boolean verbose) {
    this.out = spec.commandLine().getOut();
    this.style = Style.of(spec);
    this.timeout = timeout;
    this.total = total;
    this.steps = new DemoSteps(out, style, total, verbose);
  }

  /**
   * Prints the heading ({@code name} in bold, {@code tagline}, the dimmed {@code note} if any), runs {@code tour}
   * (its steps, stopping at the first failure), closes what the steps started and prints the frames still to print
   * and, with {@code closed}, how long closing took; then the summary and {@code next}. Returns the exit code.
   */
  int run(String name, String tagline, @Nullable String note, BooleanSupplier tour, @Nullable String closed,
      @Nullable String next) {
    long start = System.nanoTime();
    out.println(style.bold(name) + ": " + tagline);
    if (note != null) {
      out.println(style.dim(note));
    }
    out.println();
    boolean ok = false;
    try {
      ok = tour.getAsBoolean();
    } finally {
      long closing = System.nanoTime();
      closeAll();
      steps.printFrames();
      if (closed != null) {
        out.println(style.dim("       " + closed + " in " + Style.since(closing)));
      }
    }
    out.println();
    if (ok) {
      out.println(style.ok("All " + total + " steps succeeded") + " in " + Style.since(start) + ".");
      if (next != null) {
        out.println(next);
      }
      out.flush();
      return ExitCodes.OK;
    }
    out.flush();
    return ExitCodes.FAILED;
  }

  /** Runs step {@code title}; see {@link DemoSteps#run}. */
  boolean step(String title, Callable<List<String>> body) {
    return steps.run(title, body);
  }

  /** The tap whose frames are printed after each step from now on; see {@link DemoSteps#tap}. */
  void tap(WireTap tap) {
    steps.tap(tap);
  }

  /** Closes {@code closer} when the tour ends, before everything registered earlier. */
  void closeLater(Closer closer) {
    closers.push(closer);
  }

  /**
   * Closes a client when the tour ends: first a clean {@code disconnect} (at most 2 s, so that its DISCONNECT is on
   * the wire before the tap closes), then {@code close}.
   */
  void closeClientLater(Supplier<Completable> disconnect, Closer close) {
    closeLater(() -> {
      try {
        disconnect.get().blockingAwait(2, TimeUnit.SECONDS);
      } catch (RuntimeException e) {
        // closing anyway
      }
      close.close();
    });
  }

  private void closeAll() {
    while (!closers.isEmpty()) {
      try {
        closers.pop().close();
      } catch (Exception e) {
        out.println(style.dim("       (while closing: " + Failures.firstLine(e) + ")"));
      }
    }
  }

  /** Takes the next item of {@code queue}, or fails with "{who} did not get {what} in N s". */
  <T> T poll(BlockingQueue<T> queue, String who, String what) throws Exception {
    T item = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (item == null) {
      throw new TimeoutException(who + " did not get " + what + " in " + timeout.toSeconds() + " s");
    }
    return item;
  }

  /** Waits (polling every 50 ms) until {@code condition} holds, or fails with "{failure} in N s". */
  void awaitUntil(BooleanSupplier condition, String failure) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(failure + " in " + timeout.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }

  /** Returns {@code value}, or throws IllegalStateException({@code missing}) when the step that makes it failed. */
  static <T> T started(@Nullable T value, String missing) {
    if (value == null) {
      throw new IllegalStateException(missing);
    }
    return value;
  }
}
