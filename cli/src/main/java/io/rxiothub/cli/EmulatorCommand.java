// `rxiothub emulator`: runs the hub emulator in the foreground; its subcommands use its service REST API from other
// terminals (add a device or module, send C2D, patch desired, read a twin, drop a connection, stop).
package io.rxiothub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
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
import picocli.CommandLine.Mixin;
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
        "It serves IoT Hub's service REST API on its WebSocket port (the official service SDKs run against it, with"
            + " the service connection string it prints); the subcommands below and `methods invoke` find it through a"
            + " service file readable by you only (~/.rxiothub/emulator-{port}.json)."},
    subcommands = {EmulatorCommand.AddDevice.class, EmulatorCommand.CloudToDevice.class, EmulatorCommand.Purge.class,
        EmulatorCommand.Feedback.class,
        EmulatorCommand.Desired.class, EmulatorCommand.ShowTwin.class, EmulatorCommand.Drop.class,
        EmulatorCommand.Monitor.class, EmulatorCommand.Token.class, EmulatorEdgeCommand.class,
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

  @Option(names = "--dps-port", paramLabel = "N", defaultValue = "0",
      description = "Device Provisioning Service (MQTT over TLS) port; 0 = any free port, -1 = off"
          + " (default: ${DEFAULT-VALUE}).")
  int dpsPort = 0;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 serves other machines).")
  String bind = "127.0.0.1";

  @Option(names = "--data-dir", paramLabel = "PATH",
      description = "Keep registry, twins, queued C2D and the CA here across runs (default: in memory).")
  @Nullable Path dataDir;

  @Option(names = "--device", paramLabel = "ID",
      description = "Register this device (repeatable; default: device1).")
  List<String> devices = new ArrayList<>();

  @Option(names = "--service-file", paramLabel = "PATH",
      description = "Where to write the service file (default: ~/.rxiothub/emulator-{ws port}.json).")
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
    if (hub.webSocketPort() < 0) {
      hub.close();
      throw new IllegalArgumentException("--ws-port -1 turns the service REST API off, which the emulator's"
          + " subcommands need; give a port (0 = any free port)");
    }
    @Nullable String groupKey = null;
    if (dpsPort >= 0) {
      byte[] key = new byte[32];
      new java.security.SecureRandom().nextBytes(key);
      groupKey = java.util.Base64.getEncoder().encodeToString(key);
      try {
        hub.dps().addEnrollment(io.rxiothub.emulator.dps.Enrollment.group("default").primaryKey(groupKey).build())
            .start(bind, dpsPort, -1);
      } catch (IllegalStateException e) {
        hub.close();
        throw new IllegalArgumentException(Failures.firstLine(e) + "; pass --dps-port 0 for a free port");
      }
    }
    String url = "https://" + (bind.equals("0.0.0.0") ? "127.0.0.1" : bind) + ":" + hub.webSocketPort();
    Path file = serviceFile != null ? serviceFile : ServiceFile.defaultPath(hub.webSocketPort());
    try {
      Map<String, DeviceIdentity> identities = new LinkedHashMap<>();
      for (String id : devices.isEmpty() ? List.of("device1") : devices) {
        identities.put(id, hub.registry().get(id).orElseGet(() -> hub.registry().createDevice(id)));
      }
      new ServiceFile(url, hub.serviceConnectionString(), hub.hostName(), hub.mqttPort(),
          hub.caFile().toAbsolutePath().toString()).write(file);
      printBanner(out, style, hub, url, file, identities, groupKey);
      Disposable telemetry = quiet ? Disposable.empty() : hub.telemetry().subscribe(m -> {
        out.println(style.dim("telemetry") + "  " + m.deviceId() + (m.moduleId() == null ? "" : "/" + m.moduleId())
            + "  " + WireFrame.describePayload(m.payload()) + "  " + m.systemProperties() + " "
            + m.applicationProperties());
        out.flush();
      });
      Disposable uploads = quiet ? Disposable.empty() : hub.files().notifications().subscribe(n -> {
        out.println(style.dim("file upload") + "  " + n.deviceId() + (n.moduleId() == null ? "" : "/" + n.moduleId())
            + "  " + n.blobName() + "  " + (n.success() ? "succeeded" : "failed") + " (" + n.statusCode()
            + (n.statusDescription().isEmpty() ? "" : " " + n.statusDescription()) + ")"
            + (n.blobSizeInBytes() < 0 ? "" : "  " + n.blobSizeInBytes() + " bytes"));
        out.flush();
      });
      try {
        long deadline = timeoutSeconds == null ? Long.MAX_VALUE : System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (!stop.requested() && System.nanoTime() < deadline) {
          if (hub.awaitShutdownRequest(200, TimeUnit.MILLISECONDS)) {
            break;
          }
        }
      } finally {
        telemetry.dispose();
        uploads.dispose();
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

  private void printBanner(PrintWriter out, Style style, HubEmulator hub, String url, Path file,
      Map<String, DeviceIdentity> identities, @Nullable String groupKey) {
    out.println(style.bold("rxiothub hub emulator running") + " (Ctrl-C or `rxiothub emulator stop` to stop)");
    row(out, "host name", hub.hostName());
    row(out, "MQTT over TLS", bind + ":" + hub.mqttPort());
    row(out, "MQTT over WSS",
        hub.webSocketPort() < 0 ? "off" : bind + ":" + hub.webSocketPort() + "/$iothub/websocket");
    row(out, "CA certificate", hub.caFile().toAbsolutePath().toString());
    row(out, "data dir", dataDir == null ? "none (in memory)" : dataDir.toString());
    row(out, "service REST API", url + " (IoT Hub's; service file " + file + ")");
    row(out, "web console", hub.webSocketPort() < 0 ? "off (it shares the --ws-port)"
        : hub.consoleUrl() + " (sign in with the service connection string below)");
    if (groupKey != null) {
      row(out, "DPS endpoint", bind + ":" + hub.dps().mqttPort() + " (MQTT over TLS; any registration id"
          + " through enrollment group 'default')");
      row(out, "DPS ID scope", hub.dps().idScope());
      out.println("  " + style.bold("DPS group key") + " of enrollment group 'default' (a secret):");
      out.println("    " + groupKey);
    }
    out.println("  " + style.bold("service") + " connection string (a secret; for the official service SDKs):");
    out.println("    " + hub.serviceConnectionString());
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
    out.println("  ./rxiothub upload --ca-file " + hub.caFile().toAbsolutePath() + " --https-port "
        + hub.webSocketPort() + " README.md");
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
      description = "Register a device, or a module of a device with --module, in the running emulator (or find it)"
          + " and print its connection string.")
  static final class AddDevice extends ServiceCommand {
    @Parameters(paramLabel = "DEVICE_ID", description = "The device id.") String deviceId;
    @Option(names = {"-m", "--module"}, paramLabel = "ID", description = "Register this module of the device"
        + " (the device must exist).")
    @Nullable String moduleId;

    @Override
    void run(ServiceClient client, PrintWriter out) {
      out.println(client.createDevice(deviceId, moduleId).path("connectionString").asText());
    }
  }

  /** Sends a cloud-to-device message through the running emulator. */
  @Command(name = "c2d", mixinStandardHelpOptions = true,
      description = "Send a cloud-to-device message to a device of the running emulator (queued until it listens).")
  static final class CloudToDevice extends ServiceCommand.OnDevice {
    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE", description = "An application property"
        + " (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();
    @Option(names = "--ack", paramLabel = "none|positive|negative|full", defaultValue = "none",
        description = "Ask for delivery feedback (read it with `emulator feedback`); default none.")
    String ack;
    @Parameters(paramLabel = "PAYLOAD", description = "The message body (text).") String payload;

    @Override
    void run(ServiceClient client, PrintWriter out) {
      JsonNode answer = client.sendCloudToDevice(deviceId, payload, properties, ack);
      out.println("queued C2D message " + answer.path("messageId").asText() + " for " + deviceId);
    }
  }

  /** Purges a device's C2D queue. */
  @Command(name = "purge", mixinStandardHelpOptions = true,
      description = "Purge the cloud-to-device queue of a device of the running emulator (messages not yet sent).")
  static final class Purge extends ServiceCommand.OnDevice {
    @Override
    void run(ServiceClient client, PrintWriter out) {
      out.println("purged " + client.purgeCloudToDevice(deviceId).path("totalMessagesPurged").asInt()
          + " C2D message(s) of " + deviceId);
    }
  }

  /** Prints (and takes) the C2D delivery feedback waiting. */
  @Command(name = "feedback", mixinStandardHelpOptions = true,
      description = "Print and take the C2D delivery feedback waiting (Success, Expired) for messages sent with --ack.")
  static final class Feedback extends ServiceCommand {
    @Override
    void run(ServiceClient client, PrintWriter out) {
      JsonNode records = client.takeFeedback();
      for (JsonNode record : records) {
        out.println(record.path("statusCode").asText() + " " + record.path("originalMessageId").asText() + " "
            + record.path("deviceId").asText() + " " + record.path("enqueuedTimeUtc").asText());
      }
      if (records.isEmpty()) {
        out.println("no feedback waiting");
      }
    }
  }

  /** Patches desired properties through the running emulator. */
  @Command(name = "desired", mixinStandardHelpOptions = true,
      description = "Merge a desired-properties patch (JSON) into a device or module twin of the running emulator.")
  static final class Desired extends ServiceCommand.OnIdentity {
    @Parameters(paramLabel = "JSON", description = "The patch, e.g. '{\"interval\":10}'; null deletes.")
    String patch;

    @Override
    void run(ServiceClient client, PrintWriter out) {
      out.println("desired $version " + client.updateDesired(deviceId, moduleId, patch).path("version").asLong());
    }
  }

  /** Prints a twin as the service side sees it. */
  @Command(name = "twin", mixinStandardHelpOptions = true,
      description = "Print a device or module twin of the running emulator as the service sees it (tags, desired,"
          + " reported).")
  static final class ShowTwin extends ServiceCommand.OnIdentity {
    @Override
    void run(ServiceClient client, PrintWriter out) {
      printJson(out, client.twin(deviceId, moduleId));
    }
  }

  /** Severs a device's connection (to watch it reconnect). */
  @Command(name = "drop", mixinStandardHelpOptions = true,
      description = "Sever a device's or module's connection without MQTT close, to watch it reconnect.")
  static final class Drop extends ServiceCommand.OnIdentity {
    @Override
    void run(ServiceClient client, PrintWriter out) {
      boolean dropped = client.dropConnection(deviceId, moduleId).path("dropped").asBoolean();
      out.println(dropped ? "dropped the connection of " + name() : name() + " was not connected");
    }
  }

  /** Prints the telemetry the running emulator receives, from its monitor stream (like az iot hub monitor-events). */
  @Command(name = "monitor", mixinStandardHelpOptions = true,
      description = "Print the telemetry the running emulator receives (identity, payload, system and application"
          + " properties), like the Azure CLI's monitor-events, through its monitor stream (Server-Sent Events).",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:--count messages printed, or --timeout passed without --count", "4:no running emulator",
          "5:--timeout passed before --count messages"})
  static final class Monitor implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServiceOptions service;

    @Option(names = {"-d", "--device"}, paramLabel = "ID", description = "Only this device (and its modules).")
    @Nullable String deviceId;

    @Option(names = "--from", paramLabel = "latest|earliest", defaultValue = "latest",
        description = "Start with new messages (latest, the default) or with the stored ones (earliest).")
    String from = "latest";

    @Option(names = "--count", paramLabel = "N", description = "Stop after N messages.")
    @Nullable Integer count;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop after this many seconds.")
    @Nullable Long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
      if (!from.equals("latest") && !from.equals("earliest")) {
        throw new IllegalArgumentException("--from must be latest or earliest, was " + from);
      }
      PrintWriter out = spec.commandLine().getOut();
      ServiceClient client = service.client();
      java.util.concurrent.atomic.AtomicInteger printed = new java.util.concurrent.atomic.AtomicInteger();
      java.util.stream.Stream<JsonNode> events = client.monitor(from, deviceId);
      Thread reader = new Thread(() -> {
        try {
          java.util.Iterator<JsonNode> it = events.iterator();
          while (it.hasNext() && (count == null || printed.get() < count)) {
            JsonNode e = it.next();
            out.println(e.path("enqueuedTime").asText() + "  " + e.path("deviceId").asText()
                + (e.has("moduleId") ? "/" + e.path("moduleId").asText() : "") + "  " + e.path("payload").asText()
                + "  " + e.path("systemProperties") + " " + e.path("applicationProperties"));
            out.flush();
            printed.incrementAndGet();
          }
        } catch (RuntimeException e) {
          // the stream closed
        }
      }, "rxiothub-monitor");
      reader.setDaemon(true);
      reader.start();
      reader.join(timeoutSeconds == null ? 0 : timeoutSeconds * 1000);
      events.close();
      if (count != null && printed.get() < count) {
        return ExitCodes.TIMEOUT;
      }
      return ExitCodes.OK;
    }
  }

  /** Prints a service SAS token of the running emulator, for curl and scripts. */
  @Command(name = "token", mixinStandardHelpOptions = true,
      description = "Print a SAS token (a secret, valid 1 hour) for the running emulator's service REST API, signed"
          + " with its iothubowner key: curl -H \"Authorization: $(rxiothub emulator token)\" …")
  static final class Token extends ServiceCommand {
    @Override
    void run(ServiceClient client, PrintWriter out) {
      out.println(client.sasToken());
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
