// The guided tours' step printing, used through DemoRunner by `rxiothub demo`, `demo watson` and `demo gateway`: a
// numbered title, the timing, the step's details or its error, and the MQTT packets the wire tap saw during the step.
package io.rxiothub.cli;

import io.rxiothub.cli.wire.WireFrame;
import io.rxiothub.cli.wire.WireTap;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/** Runs and prints the steps of one tour. Not thread-safe: one tour, one thread. */
final class DemoSteps {

  private final PrintWriter out;
  private final Style style;
  private final int total;
  private final boolean verbose;
  private @Nullable WireTap tap;
  private int printedFrames;
  private int step;

  DemoSteps(PrintWriter out, Style style, int total, boolean verbose) {
    this.out = out;
    this.style = style;
    this.total = total;
    this.verbose = verbose;
  }

  /** The tap whose frames are printed after each step from now on. */
  void tap(WireTap tap) {
    this.tap = tap;
  }

  /** Runs step {@code title}; prints ok and its details, or FAILED and the error; returns whether it succeeded. */
  boolean run(String title, Callable<List<String>> body) {
    step++;
    String number = Style.pad((step < 10 ? " " : "") + step + "/" + total, 6);
    out.print(number + " " + Style.pad(title, 46));
    out.flush();
    long start = System.nanoTime();
    List<String> details;
    try {
      details = body.call();
    } catch (Throwable e) {
      out.println(style.failed("FAILED") + "  " + Style.since(start));
      printFrames();
      out.println("       " + style.failed("error: ") + describe(Failures.unwrap(e)));
      out.println("       run again with --verbose for the stack trace; the demo needs only loopback and"
          + " free ephemeral ports.");
      if (verbose) {
        e.printStackTrace(out);
      }
      out.flush();
      return false;
    }
    out.println(style.ok("ok") + "  " + Style.since(start));
    for (String line : details) {
      out.println("       " + line);
    }
    printFrames();
    out.flush();
    return true;
  }

  static String describe(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return "timed out: " + Failures.firstLine(cause);
    }
    return Failures.firstLine(cause) + " (" + cause.getClass().getSimpleName() + ")";
  }

  /** Prints the frames the tap saw since the last call, once each QoS 1 PUBLISH among them has its PUBACK. */
  void printFrames() {
    WireTap t = tap;
    if (t == null) {
      return;
    }
    settle(t);
    List<WireFrame> frames = t.framesFrom(printedFrames);
    for (WireFrame frame : frames) {
      out.println("       " + WireLines.format(frame, style));
    }
    printedFrames += frames.size();
  }

  /**
   * Waits (at most 2 s) until every QoS 1 PUBLISH not printed yet has its PUBACK, so that a step's acknowledgements
   * are printed with the step and not with the next one.
   */
  private void settle(WireTap t) {
    List<WireFrame> unprinted = t.framesFrom(printedFrames);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    for (int i = 0; i < unprinted.size(); i++) {
      WireFrame publish = unprinted.get(i);
      if (publish.qos() != 1) {
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        t.await(printedFrames + i + 1, f -> f.typeName().equals("PUBACK") && f.packetId() == publish.packetId()
            && f.connection() == publish.connection() && f.direction() != publish.direction(),
            Duration.ofNanos(left));
      } catch (TimeoutException e) {
        // the connection was dropped with the PUBLISH in flight: print what there is
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
