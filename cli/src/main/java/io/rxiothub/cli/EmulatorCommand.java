// `rxiothub emulator`: runs the hub emulator in the foreground with a loopback service API; its subcommands use
// that API from other terminals (add a device, send C2D, patch desired, read a twin, drop a connection, stop).
package io.rxiothub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.service.ServiceApiServer;
import io.rxiothub.emulator.service.ServiceClient;
import io.rxiothub.emulator.service.ServiceFile;
import io.rxiothub.cli.wire.WireFrame;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs the emulator until Ctrl-C, {@code rxiothub emulator stop}, or {@code --timeout}. */
@Command(
    name = "emulator",
    mixinStandardHelpOptions = true,
    description = {
        "Run a local IoT Hub (the hub emulator) in the foreground until Ctrl-C. It prints its host, ports, CA file and"
            + " a connection string per device, and the telemetry it receives.",
        "It also serves a service API on 127.0.0.1 for the subcommands below and for `methods invoke`, found through"
            + " a service file readable by you only (default ~/.rxiothub/emulator-service.json)."},
    subcommands = {EmulatorCommand.AddDevice.class, EmulatorCommand.CloudToDevice.class,
        EmulatorCommand.Desired.class, EmulatorCommand.ShowTwin.class, EmulatorCommand.Drop.class,
        EmulatorCommand.Stop.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped by `rxiothub emulator stop` or --timeout",
        "2:bad option (for example a port already in use)", "130:stopped by Ctrl-C"})
final class EmulatorCommand implements Callable<Integer> {

  static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--host", paramLabel = "NAME", defaultValue = "localhost",
      description = "Host name in connection strings (default: ${DEFAULT-VALUE}).")
  String host = "localhost";

  @Option(names = "--mqtt-port", paramLabel = "N", defaultValue = "8883",
      description = "MQTT over TLS port; 0 = any free port (default: ${DEFAULT-VALUE}).")
  int mqttPort = 8883;

  @Option(names = "--ws-port", paramLabel = "N", defaultValue = "8443",
      description = "MQTT over secure WebSocket port; 0 = any free port, -1 = off (default: ${DEFAULT-VALUE}).")
  int wsPort = 8443;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 serves other machines).")
  String bind = "127.0.0.1";

  @Option(names = "--data-dir", paramLabel = "PATH",
      description = "Keep registry, twins, queued C2D and the CA here across runs (default: in memory).")
  @Nullable Path dataDir;

  @Option(names = "--device", paramLabel = "ID",
      description = "Register this device (repeatable; default: device1).")
  List<String> devices = new ArrayList<>();

  @Option(names = "--service-port", paramLabel = "N", defaultValue = "0",
      description = "Port of the loopback service API (default: any free port).")
  int servicePort;

  @Option(names = "--service-file", paramLabel = "PATH",
      description = "Where to write the service file (default: ~/.rxiothub/emulator-service.json).")
  @Nullable Path serviceFile;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "Stop after this many seconds (default: run until stopped).")
  @Nullable Long timeoutSeconds;

  @Option(names = {"-q", "--quiet"}, description = "Do not print received telemetry.")
  boolean quiet;

  @Option(names = {"-v", "--verbose"}, description = "Print the emulator's logs and stack traces.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    // The stop signal outlives the last line: on Ctrl-C the JVM waits for it before halting.
    try (StopSignal stop = StopSignal.install()) {
      return run(stop);
    }
  }

  private int run(StopSignal stop) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Style style = Style.of(spec);
    if (timeoutSeconds != null && timeoutSeconds < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1 second");
    }
    HubEmulator hub;
    try {
      hub = HubEmulator.builder().hostName(host).mqttPort(mqttPort).webSocketPort(wsPort).bindAddress(bind)
          .dataDir(dataDir).build();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(Failures.firstLine(e));
    }
    try {
      hub.start();
    } catch (IllegalStateException e) {
      hub.close();
      throw new IllegalArgumentException(Failures.firstLine(e) + "; is another emulator running? pass --mqtt-port 0"
          + " --ws-port 0 for free ports");
    }
    Path file = serviceFile != null ? serviceFile : ServiceFile.defaultPath();
    try (ServiceApiServer api = ServiceApiServer.start(hub, servicePort)) {
      Map<String, DeviceIdentity> identities = new LinkedHashMap<>();
      for (String id : devices.isEmpty() ? List.of("device1") : devices) {
        identities.put(id, hub.registry().get(id).orElseGet(() -> hub.registry().createDevice(id)));
      }
      new ServiceFile(api.url(), api.token(), hub.hostName(), hub.mqttPort(), hub.caFile().toAbsolutePath().toString())
          .write(file);
      printBanner(out, style, hub, api, file, identities);
      Disposable telemetry = quiet ? Disposable.empty() : hub.telemetry().subscribe(m -> {
        out.println(style.dim("telemetry") + "  " + m.deviceId() + (m.moduleId() == null ? "" : "/" + m.moduleId())
            + "  " + WireFrame.describePayload(m.payload()) + "  " + m.applicationProperties());
        out.flush();
      });
      try {
        long deadline = timeoutSeconds == null ? Long.MAX_VALUE : System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (!stop.requested() && System.nanoTime() < deadline) {
          if (api.awaitShutdown(200, TimeUnit.MILLISECONDS)) {
            break;
          }
        }
      } finally {
        telemetry.dispose();
      }
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // nothing to clean up then
      }
      hub.close();
    }
    out.println("hub emulator stopped");
    out.flush();
    return ExitCodes.OK;
  }

  private void printBanner(PrintWriter out, Style style, HubEmulator hub, ServiceApiServer api, Path file,
      Map<String, DeviceIdentity> identities) {
    out.println(style.bold("rxiothub hub emulator running") + " (Ctrl-C or `rxiothub emulator stop` to stop)");
    row(out, "host name", hub.hostName());
    row(out, "MQTT over TLS", bind + ":" + hub.mqttPort());
    row(out, "MQTT over WSS",
        hub.webSocketPort() < 0 ? "off" : bind + ":" + hub.webSocketPort() + "/$iothub/websocket");
    row(out, "CA certificate", hub.caFile().toAbsolutePath().toString());
    row(out, "data dir", dataDir == null ? "none (in memory)" : dataDir.toString());
    row(out, "service API", api.url() + " (token in " + file + ")");
    for (DeviceIdentity identity : identities.values()) {
      out.println("  " + style.bold("device " + identity.deviceId()) + " connection string (a secret):");
      out.println("    " + identity.connectionString());
    }
    DeviceIdentity first = identities.values().iterator().next();
    String port = hub.mqttPort() == 8883 ? "" : " --port " + hub.mqttPort();
    out.println("Try in another terminal:");
    out.println("  export IOTHUB_DEVICE_CONNECTION_STRING='" + first.connectionString() + "'");
    out.println("  ./rxiothub send --ca-file " + hub.caFile().toAbsolutePath() + port + " '{\"temperature\":21.5}'");
    out.println("  ./rxiothub methods serve --ca-file " + hub.caFile().toAbsolutePath() + port
        + "   and: ./rxiothub methods invoke --device " + first.deviceId() + " reboot");
    out.flush();
  }

  private static void row(PrintWriter out, String label, String value) {
    out.println("  " + Style.pad(label, 17) + value);
  }

  static void printJson(PrintWriter out, JsonNode node) {
    try {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } catch (IOException e) {
      out.println(node);
    }
    out.flush();
  }

  // ------------------------------------------------------------------ subcommands (service side)

  /** Registers a device in the running emulator and prints its connection string. */
  @Command(name = "add-device", mixinStandardHelpOptions = true,
      description = "Register a device in the running emulator (or find it) and print its connection string.")
  static final class AddDevice extends ServiceCommand {
    @Parameters(paramLabel = "DEVICE_ID", description = "The device id.") String deviceId;

    @Override
    void run(ServiceClient client, PrintWriter out) {
      out.println(client.createDevice(deviceId).path("connectionString").asText());
    }
  }

  /** Sends a cloud-to-device message through the running emulator. */
  @Command(name = "c2d", mixinStandardHelpOptions = true,
      description = "Send a cloud-to-device message to a device of the running emulator (queued until it listens).")
  static final class CloudToDevice extends ServiceCommand.OnDevice {
    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE", description = "An application property"
        + " (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();
    @Parameters(paramLabel = "PAYLOAD", description = "The message body (text).") String payload;

    @Override
    void run(ServiceClient client, PrintWriter out) {
      JsonNode answer = client.sendCloudToDevice(deviceId, payload, properties);
      out.println("queued C2D message " + answer.path("messageId").asText() + " for " + deviceId);
    }
  }

  /** Patches desired properties through the running emulator. */
  @Command(name = "desired", mixinStandardHelpOptions = true,
      description = "Merge a desired-properties patch (JSON) into a device twin of the running emulator.")
  static final class Desired extends ServiceCommand.OnDevice {
    @Parameters(paramLabel = "JSON", description = "The patch, e.g. '{\"interval\":10}'; null deletes.")
    String patch;

    @Override
    void run(ServiceClient client, PrintWriter out) {
      out.println("desired $version " + client.updateDesired(deviceId, patch).path("version").asLong());
    }
  }

  /** Prints a twin as the service side sees it. */
  @Command(name = "twin", mixinStandardHelpOptions = true,
      description = "Print a device twin of the running emulator as the service sees it (tags, desired, reported).")
  static final class ShowTwin extends ServiceCommand.OnDevice {
    @Override
    void run(ServiceClient client, PrintWriter out) {
      printJson(out, client.twin(deviceId));
    }
  }

  /** Severs a device's connection (to watch it reconnect). */
  @Command(name = "drop", mixinStandardHelpOptions = true,
      description = "Sever a device's connection without MQTT close, to watch the device reconnect.")
  static final class Drop extends ServiceCommand.OnDevice {
    @Override
    void run(ServiceClient client, PrintWriter out) {
      boolean dropped = client.dropConnection(deviceId).path("dropped").asBoolean();
      out.println(dropped ? "dropped the connection of " + deviceId : deviceId + " was not connected");
    }
  }

  /** Stops the running emulator. */
  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the running emulator.")
  static final class Stop extends ServiceCommand {
    @Override
    void run(ServiceClient client, PrintWriter out) {
      client.shutdown();
      out.println("asked the emulator to stop");
    }
  }
}
