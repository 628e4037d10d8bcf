// `rxiothub receive`: streams cloud-to-device messages (a device) or a module's input messages (IoT Edge), with their
// properties, until Ctrl-C, --count or --timeout.
package io.rxiothub.cli;

import io.reactivex.rxjava3.core.Flowable;
import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.InputMessage;
import io.rxiothub.device.ModuleClient;
import io.rxiothub.cli.wire.WireFrame;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints one line per message: number, (input,) body, properties. */
@Command(name = "receive", mixinStandardHelpOptions = true,
    description = {"Connect as the device and print cloud-to-device messages with their properties (each is"
        + " acknowledged after it is printed).",
        "Connected as a module (ModuleId in -c, or --edge) it prints what arrives on the module's inputs (IoT Edge"
            + " routes deliver them): every input, or those named by --input.",
        "Runs until Ctrl-C, or until --count messages, or --timeout."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:--count messages received, or --timeout passed without --count", "2:bad option",
        "4:could not connect", "5:--timeout passed before --count messages",
        "130:stopped by Ctrl-C (after acknowledging what it printed)"})
final class ReceiveCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin DeviceOptions device;
  @Mixin Bounds bounds;

  @Option(names = {"-i", "--input"}, paramLabel = "NAME",
      description = "A module: listen on this input only (repeatable; default: every input). Messages on other"
          + " inputs are acknowledged and dropped by the SDK, with a warning in its log.")
  List<String> inputs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    bounds.check();
    boolean module = device.isModule();
    if (!inputs.isEmpty() && !module) {
      throw new IllegalArgumentException("--input needs a module identity: a connection string with ModuleId=…"
          + " (rxiothub emulator add-device DEVICE --module MODULE prints one), or --edge; a device receives"
          + " cloud-to-device messages, which need no --input");
    }
    for (String input : inputs) {
      if (input.isEmpty() || input.indexOf('/') >= 0 || input.indexOf('+') >= 0 || input.indexOf('#') >= 0) {
        throw new IllegalArgumentException("--input '" + input + "' must be a non-empty input name without '/', '+'"
            + " or '#' (one topic level of devices/{d}/modules/{m}/inputs/{input})");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    Style style = Style.of(spec);
    AtomicInteger received = new AtomicInteger();
    try (StopSignal stop = StopSignal.install()) {
      return receive(stop, out, style, received, module);
    }
  }

  private int receive(StopSignal stop, PrintWriter out, Style style, AtomicInteger received, boolean module)
      throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    io.reactivex.rxjava3.disposables.CompositeDisposable subscription =
        new io.reactivex.rxjava3.disposables.CompositeDisposable();
    // Subscribed before connecting: a persistent session's queued messages, delivered right after CONNACK, find it.
    try (DeviceSession session = DeviceSession.connect(device, err, style, b -> { }, (client, endpoint) -> {
      if (module) {
        ModuleClient moduleClient = (ModuleClient) client;
        Set<String> names = new LinkedHashSet<>(inputs);
        err.println("receiving on " + (names.isEmpty() ? "every input" : "input" + (names.size() == 1 ? " " : "s ")
            + String.join(", ", names)) + " of module " + client.deviceId() + "/" + client.moduleId() + " on "
            + endpoint + " (Ctrl-C to stop)");
        List<Flowable<InputMessage>> streams = new ArrayList<>();
        for (String name : names) {
          streams.add(moduleClient.inputs(name));
        }
        Flowable<InputMessage> messages = names.isEmpty() ? moduleClient.inputs() : Flowable.merge(streams);
        subscription.add(messages.takeWhile(m -> bounds.wantsMore(received.get()))
            .subscribe(message -> print(out, style, received.incrementAndGet(), message), ReceiveCommand::ended));
      } else {
        err.println("receiving cloud-to-device messages for " + client.deviceId() + " on " + endpoint
            + " (Ctrl-C to stop)");
        subscription.add(client.cloudMessages().takeWhile(m -> bounds.wantsMore(received.get()))
            .subscribe(message -> print(out, style, received.incrementAndGet(), message), ReceiveCommand::ended));
      }
      err.flush();
    })) {
      int code = bounds.await(stop, received::get);
      subscription.dispose();
      session.disconnect();
      return code;
    } finally {
      subscription.dispose();
    }
  }

  /** A stream ends with an error only when the client does: the connection's failure is what the command reports. */
  private static void ended(Throwable error) {
    // reported through the connection states (DeviceSession) or the bounds' timeout
  }

  private static void print(PrintWriter out, Style style, int number, CloudMessage message) {
    out.println(style.bold("message " + number) + "  " + WireFrame.describePayload(message.payload()) + "  "
        + message.properties());
    out.flush();
  }

  private static void print(PrintWriter out, Style style, int number, InputMessage message) {
    out.println(style.bold("message " + number) + "  input " + message.inputName() + "  "
        + WireFrame.describePayload(message.payload()) + "  " + message.properties());
    out.flush();
  }
}
