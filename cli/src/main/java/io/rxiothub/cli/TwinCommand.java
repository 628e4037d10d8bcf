// `rxiothub twin get|report|ack|watch`: the device twin as the device sees it.
package io.rxiothub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinCollection;
import io.rxiothub.twin.TwinPatch;
import io.rxiothub.twin.WritablePropertyAck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code twin} group. */
@Command(name = "twin", mixinStandardHelpOptions = true,
    description = "The device twin: print it (get), patch reported properties (report), acknowledge a Plug and Play"
        + " writable property (ack), follow desired (watch).",
    subcommands = {TwinCommand.Get.class, TwinCommand.Report.class, TwinCommand.Ack.class, TwinCommand.Watch.class})
final class TwinCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.USAGE;
  }

  static void printPretty(PrintWriter out, String json) {
    try {
      JsonNode node = EmulatorCommand.JSON.readTree(json);
      EmulatorCommand.printJson(out, node);
    } catch (IOException e) {
      out.println(json);
      out.flush();
    }
  }

  /** Prints the twin. */
  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "Print the twin (desired and reported, with $version) as pretty JSON on stdout.")
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DeviceOptions device;

    @Override
    public Integer call() {
      try (DeviceSession session = DeviceSession.connect(device, spec.commandLine().getErr(), Style.of(spec),
          b -> b.twinRequestTimeoutMillis(device.connectTimeoutSeconds * 1000))) {
        Twin twin;
        try {
          twin = session.client().twin().get().blockingGet();
        } catch (RuntimeException e) {
          throw Failures.operation("twin get", e);
        }
        printPretty(spec.commandLine().getOut(), twin.toJson());
        session.disconnect();
        return ExitCodes.OK;
      }
    }
  }

  /** Patches reported properties. */
  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "Patch the reported properties with a JSON object (members update or add, null deletes) from"
          + " the argument, --file, or stdin; print the new reported $version.")
  static final class Report implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DeviceOptions device;

    @Option(names = {"-f", "--file"}, paramLabel = "PATH", description = "Read the patch from this file.")
    @Nullable Path file;

    @Parameters(arity = "0..1", paramLabel = "JSON", description = "The patch, e.g. '{\"battery\":61}'.")
    @Nullable String json;

    @Override
    public Integer call() throws IOException {
      String text = Payloads.read(json, file, spec.commandLine(), "the patch");
      TwinPatch patch = TwinPatch.parse(text);
      try (DeviceSession session = DeviceSession.connect(device, spec.commandLine().getErr(), Style.of(spec),
          b -> b.twinRequestTimeoutMillis(device.connectTimeoutSeconds * 1000))) {
        long version;
        try {
          version = session.client().twin().updateReported(patch).blockingGet();
        } catch (RuntimeException e) {
          throw Failures.operation("twin report", e);
        }
        spec.commandLine().getOut().println("reported $version " + version);
        spec.commandLine().getOut().flush();
        session.disconnect();
        return ExitCodes.OK;
      }
    }
  }

  /** Acknowledges a Plug and Play writable property (protocol.md §17.3). */
  @Command(name = "ack", mixinStandardHelpOptions = true,
      description = "Report the IoT Plug and Play acknowledgement of a writable property, {\"value\", \"ac\", \"av\","
          + " \"ad\"}, in its component's section (\"__t\": \"c\") with --component; print the new reported $version.")
  static final class Ack implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DeviceOptions device;

    @Option(names = "--component", paramLabel = "NAME", description = "The component (default: the default one).")
    @Nullable String component;

    @Option(names = "--code", paramLabel = "AC", defaultValue = "200", description = "The status code ac (default 200).")
    int code;

    @Option(names = "--av", required = true, paramLabel = "VERSION",
        description = "The desired $version acknowledged (av).")
    long version;

    @Option(names = "--description", paramLabel = "TEXT", description = "The description ad.")
    @Nullable String description;

    @Parameters(index = "0", paramLabel = "PROPERTY", description = "The writable property's name.")
    String name = "";

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value reported, as JSON, e.g. 22.5 or '\"eco\"'.")
    String value = "";

    @Override
    public Integer call() {
      WritablePropertyAck ack = WritablePropertyAck.builder().component(component).name(name)
          .value(TwinCollection.parse("{\"v\":" + value + "}").get("v")).code(code).version(version)
          .description(description).build();
      try (DeviceSession session = DeviceSession.connect(device, spec.commandLine().getErr(), Style.of(spec),
          b -> b.twinRequestTimeoutMillis(device.connectTimeoutSeconds * 1000))) {
        long reported;
        try {
          reported = session.client().twin().acknowledge(ack).blockingGet();
        } catch (RuntimeException e) {
          throw Failures.operation("twin ack", e);
        }
        spec.commandLine().getOut().println("reported $version " + reported);
        spec.commandLine().getOut().flush();
        session.disconnect();
        return ExitCodes.OK;
      }
    }
  }

  /** Streams desired updates. */
  @Command(name = "watch", mixinStandardHelpOptions = true,
      description = {"Print each change of the desired properties as one JSON line with its $version, in order.",
          "Runs until Ctrl-C, or until --count updates, or --timeout."},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:--count updates printed, or --timeout passed without --count", "2:bad option",
          "4:could not connect", "5:--timeout passed before --count updates", "130:stopped by Ctrl-C"})
  static final class Watch implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DeviceOptions device;
    @Mixin Bounds bounds;

    @Override
    public Integer call() throws Exception {
      bounds.check();
      PrintWriter out = spec.commandLine().getOut();
      AtomicInteger seen = new AtomicInteger();
      try (StopSignal stop = StopSignal.install()) {
        return watch(stop, out, seen);
      }
    }

    private int watch(StopSignal stop, PrintWriter out, AtomicInteger seen) throws Exception {
      try (DeviceSession session = DeviceSession.connect(device, spec.commandLine().getErr(), Style.of(spec),
              b -> { })) {
        var subscription = session.client().twin().desiredUpdates().subscribe(patch -> {
          out.println(patch.toJson());
          out.flush();
          seen.incrementAndGet();
        });
        Twin twin;
        try {
          twin = session.client().twin().get().blockingGet();
        } catch (RuntimeException e) {
          throw Failures.operation("reading the twin", e);
        }
        spec.commandLine().getErr().println("watching desired properties of " + session.client().deviceId()
            + " from $version " + twin.desiredVersion() + " " + twin.desired().toJson() + " (Ctrl-C to stop)");
        spec.commandLine().getErr().flush();
        int code = bounds.await(stop, seen::get);
        subscription.dispose();
        session.disconnect();
        return code;
      }
    }
  }
}
