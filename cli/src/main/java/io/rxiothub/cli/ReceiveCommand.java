// `rxiothub receive`: streams cloud-to-device messages, with their properties, until Ctrl-C, --count or --timeout.
package io.rxiothub.cli;

import io.rxiothub.device.CloudMessage;
import io.rxiothub.cli.wire.WireFrame;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints one line per C2D message: number, body, properties. */
@Command(name = "receive", mixinStandardHelpOptions = true,
    description = {"Connect as the device and print cloud-to-device messages with their properties (each is"
        + " acknowledged after it is printed).", "Runs until Ctrl-C, or until --count messages, or --timeout."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:--count messages received, or --timeout passed without --count", "2:bad option",
        "4:could not connect", "5:--timeout passed before --count messages",
        "130:stopped by Ctrl-C (after acknowledging what it printed)"})
final class ReceiveCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin DeviceOptions device;
  @Mixin Bounds bounds;

  @Override
  public Integer call() throws Exception {
    bounds.check();
    PrintWriter out = spec.commandLine().getOut();
    Style style = Style.of(spec);
    AtomicInteger received = new AtomicInteger();
    try (StopSignal stop = StopSignal.install()) {
      return receive(stop, out, style, received);
    }
  }

  private int receive(StopSignal stop, PrintWriter out, Style style, AtomicInteger received) throws Exception {
    try (DeviceSession session = DeviceSession.connect(device, spec.commandLine().getErr(), style, b -> { })) {
      spec.commandLine().getErr().println("receiving cloud-to-device messages for " + session.client().deviceId()
          + " on " + session.endpoint() + " (Ctrl-C to stop)");
      spec.commandLine().getErr().flush();
      var subscription = session.client().cloudMessages()
          .takeWhile(m -> bounds.wantsMore(received.get()))
          .subscribe(message -> print(out, style, received.incrementAndGet(), message));
      int code = bounds.await(stop, received::get);
      subscription.dispose();
      session.disconnect();
      return code;
    }
  }

  private static void print(PrintWriter out, Style style, int number, CloudMessage message) {
    out.println(style.bold("message " + number) + "  " + WireFrame.describePayload(message.payload()) + "  "
        + message.properties());
    out.flush();
  }
}
