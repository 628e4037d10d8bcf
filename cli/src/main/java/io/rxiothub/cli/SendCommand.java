// `rxiothub send`: device-to-cloud telemetry, one message or many at a rate, with a progress bar and a summary.
package io.rxiothub.cli;

import io.rxiothub.device.Message;
import io.rxiothub.device.OverflowPolicy;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Sends telemetry; Ctrl-C stops issuing new messages and waits (bounded) for the acknowledgements in flight. */
@Command(name = "send", mixinStandardHelpOptions = true,
    description = {"Connect as the device and send telemetry (device-to-cloud messages); each counts as sent when"
        + " the hub acknowledged it (PUBACK).",
        "The payload comes from the argument, --file, or stdin; {i} in it becomes the message number (1, 2, ...)."
            + " With --count N, a progress bar (on a terminal) shows messages/s, acked and failed; a summary"
            + " follows. Ctrl-C stops cleanly after the acknowledgements in flight."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every message was acknowledged", "1:some messages failed (the message says why)",
        "2:bad option or input", "4:could not connect",
        "130:stopped by Ctrl-C (after the acknowledgements in flight and the summary)"})
final class SendCommand implements Callable<Integer> {

  private static final int WINDOW = 512;

  @Spec CommandSpec spec;
  @Mixin DeviceOptions device;

  @Parameters(arity = "0..1", paramLabel = "PAYLOAD",
      description = "The message body; '-' or nothing (with no --file) reads stdin.")
  @Nullable String payload;

  @Option(names = {"-f", "--file"}, paramLabel = "PATH", description = "Read the body from this file.")
  @Nullable Path file;

  @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
      description = "An application property (repeatable).")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(names = "--content-type", paramLabel = "TYPE",
      description = "The content type ($.ct), e.g. application/json; it also sets content encoding utf-8.")
  @Nullable String contentType;

  @Option(names = {"-o", "--output"}, paramLabel = "NAME",
      description = "Send to this output of the module (IoT Edge, $.on): the edgeHub's routes carry it to other"
          + " modules' inputs or upstream. Needs a module identity (ModuleId in -c, or --edge).")
  @Nullable String output;

  @Option(names = "--count", paramLabel = "N", defaultValue = "1",
      description = "How many messages to send (default: ${DEFAULT-VALUE}).")
  int count = 1;

  @Option(names = "--rate", paramLabel = "PER_SECOND",
      description = "At most this many messages per second (default: as fast as acknowledgements allow).")
  @Nullable Double rate;

  @Override
  public Integer call() throws Exception {
    // The stop signal outlives the summary: on Ctrl-C the JVM waits for it before halting.
    try (StopSignal stop = StopSignal.install()) {
      return send(stop);
    }
  }

  private int send(StopSignal stop) throws Exception {
    if (count < 1) {
      throw new IllegalArgumentException("--count must be at least 1");
    }
    if (rate != null && !(rate > 0)) {
      throw new IllegalArgumentException("--rate must be a positive number of messages per second");
    }
    if (output != null && !device.isModule()) {
      throw new IllegalArgumentException("--output " + output + " needs a module identity: a connection string with"
          + " ModuleId=… (rxiothub emulator add-device DEVICE --module MODULE prints one), or --edge");
    }
    if (output != null) {
      Message.builder().outputName(output); // its rules checked before connecting: a usage error names them
    }
    String body = Payloads.read(payload, file, spec.commandLine(), "payload");
    PrintWriter out = spec.commandLine().getOut();
    Style style = Style.of(spec);
    AtomicInteger acked = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<@Nullable Throwable> lastError = new AtomicReference<>();
    int sent = 0;
    long start;
    boolean interrupted = false;
    try (DeviceSession session = DeviceSession.connect(device, spec.commandLine().getErr(), style,
            b -> b.offlineQueue(Math.max(1000, WINDOW), OverflowPolicy.FAIL));
        ProgressBar bar = count > 1 && System.console() != null ? progressBar() : null) {
      Semaphore window = new Semaphore(WINDOW);
      start = System.nanoTime();
      for (int i = 1; i <= count; i++) {
        if (rate != null) {
          long due = start + (long) ((i - 1) * 1_000_000_000L / rate);
          long wait = due - System.nanoTime();
          if (wait > 0 && stop.await(wait, TimeUnit.NANOSECONDS)) {
            interrupted = true;
            break;
          }
        }
        while (!window.tryAcquire(50, TimeUnit.MILLISECONDS)) {
          if (stop.requested()) {
            break;
          }
        }
        if (stop.requested()) {
          interrupted = true;
          break;
        }
        Message message = message(body.replace("{i}", Integer.toString(i)));
        sent++;
        (output == null ? session.client().send(message)
            : ((io.rxiothub.device.ModuleClient) session.client()).sendToOutput(output, message)).subscribe(() -> {
          acked.incrementAndGet();
          window.release();
          update(bar, acked.get(), failed.get());
        }, e -> {
          failed.incrementAndGet();
          lastError.set(e);
          window.release();
          update(bar, acked.get(), failed.get());
        });
      }
      if (!window.tryAcquire(WINDOW, 30, TimeUnit.SECONDS)) {
        spec.commandLine().getErr().println("gave up waiting for " + (sent - acked.get() - failed.get())
            + " acknowledgements after 30 s");
      }
      if (bar != null) {
        bar.stepTo(acked.get() + failed.get());
      }
      session.disconnect();
    }
    double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    if (count == 1 && sent == 1 && failed.get() == 0 && acked.get() == 1) {
      out.println(style.ok("sent") + " 1 message" + (output == null ? "" : " to output " + output) + " (" + body.getBytes(StandardCharsets.UTF_8).length
          + " bytes), acknowledged in " + String.format(Locale.ROOT, "%.0f ms", seconds * 1000));
    } else {
      out.println((failed.get() == 0 ? style.ok("sent") : style.failed("sent")) + " " + sent + " of " + count
          + " messages: " + acked.get() + " acked, " + failed.get() + " failed in "
          + String.format(Locale.ROOT, "%.1f s (%.0f msg/s)", seconds, acked.get() / seconds));
    }
    out.flush();
    Throwable error = lastError.get();
    if (error != null) {
      throw Failures.operation("sending " + failed.get() + " message" + (failed.get() == 1 ? "" : "s"), error);
    }
    return interrupted ? ExitCodes.INTERRUPTED : ExitCodes.OK;
  }

  private Message message(String text) {
    Message.Builder builder = Message.builder().payload(text.getBytes(StandardCharsets.UTF_8));
    if (contentType != null) {
      builder.contentType(contentType).contentEncoding("utf-8");
    }
    properties.forEach(builder::property);
    return builder.build();
  }

  private ProgressBar progressBar() {
    return new ProgressBarBuilder()
        .setTaskName("send")
        .setInitialMax(count)
        .setUnit(" msg", 1)
        .showSpeed(new java.text.DecimalFormat("#"))
        .setUpdateIntervalMillis(200)
        .setStyle(Style.of(spec).enabled() ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .build();
  }

  private static void update(@Nullable ProgressBar bar, int acked, int failed) {
    if (bar != null) {
      bar.stepTo(acked + failed);
      bar.setExtraMessage(" | acked " + acked + ", failed " + failed);
    }
  }
}
