// Command-line entry point: runs the hub emulator until interrupted and prints how to connect to it.
package io.rxiothub.emulator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * {@code java -jar rxiothub-hub-emulator-<version>-all.jar [options]}: starts an emulator, creates a device (unless
 * it exists in the data dir), prints the host, ports, CA file and the device's connection string, and runs until
 * Ctrl-C. Options: {@code --host NAME}, {@code --mqtt-port N}, {@code --ws-port N} (-1 = off),
 * {@code --tcp-port N} (plain MQTT, off by default), {@code --bind ADDRESS}, {@code --data-dir PATH},
 * {@code --device ID} (default {@code device1}), {@code --cert-name NAME} (repeatable), {@code --help}.
 */
public final class HubEmulatorMain {

  private HubEmulatorMain() {}

  /** Runs the emulator; exits with status 2 on bad arguments. */
  public static void main(String[] args) throws InterruptedException {
    setDefaultLogLevels();
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("hub-emulator: " + e.getMessage());
      usage(System.err);
      System.exit(2);
      return;
    }
    if (options.help) {
      usage(System.out);
      return;
    }
    HubEmulator.Builder builder = HubEmulator.builder()
        .hostName(options.host)
        .mqttPort(options.mqttPort)
        .webSocketPort(options.wsPort)
        .plainTcpPort(options.tcpPort)
        .bindAddress(options.bind)
        .dataDir(options.dataDir)
        .certificateNames(options.certNames.toArray(new String[0]));
    HubEmulator hub = builder.build().start();
    DeviceIdentity device = hub.registry().get(options.device)
        .orElseGet(() -> hub.registry().createDevice(options.device));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      hub.close();
      stopped.countDown();
    }, "hub-emulator-shutdown"));
    PrintStream out = System.out;
    out.println("rxiothub hub emulator running");
    out.println("  host name          " + hub.hostName());
    out.println("  MQTT over TLS      " + options.bind + ":" + hub.mqttPort());
    out.println("  MQTT over WSS      " + (hub.webSocketPort() < 0 ? "off"
        : options.bind + ":" + hub.webSocketPort() + "/$iothub/websocket"));
    out.println("  plain MQTT         " + (hub.plainTcpPort() < 0 ? "off" : options.bind + ":" + hub.plainTcpPort()));
    out.println("  CA certificate     " + hub.caFile().toAbsolutePath());
    out.println("  data dir           " + (options.dataDir == null ? "none (in memory)" : options.dataDir));
    out.println("  service REST API   " + (hub.webSocketPort() < 0 ? "off (it shares the --ws-port)"
        : "https://" + options.bind + ":" + hub.webSocketPort() + " (IoT Hub's; docs/service-api.md)"));
    out.println("  web console        " + (hub.webSocketPort() < 0 ? "off (it shares the --ws-port)"
        : hub.consoleUrl() + " (sign in with the service connection string; trust the CA)"));
    out.println("  device connection string (a secret):");
    out.println("    " + device.connectionString());
    out.println("  service connection string (a secret; for the official service SDKs):");
    out.println("    " + hub.serviceConnectionString());
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
  }

  private static void setDefaultLogLevels() {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    if (System.getProperty("org.slf4j.simpleLogger.log.io.rxiothub") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.io.rxiothub", "info");
    }
  }

  private static void usage(PrintStream out) {
    out.println("usage: java -jar rxiothub-hub-emulator-all.jar [--host NAME] [--mqtt-port N] [--ws-port N|-1]");
    out.println("           [--tcp-port N] [--bind ADDRESS] [--data-dir PATH] [--device ID] [--cert-name NAME]...");
    out.println("defaults: --host localhost --mqtt-port 8883 --ws-port 443 --tcp-port off --bind 127.0.0.1"
        + " --device device1; port 0 = any free port");
  }

  /** Parsed command line. */
  static final class Options {
    String host = "localhost";
    int mqttPort = 8883;
    int wsPort = 443;
    int tcpPort = -1;
    String bind = "127.0.0.1";
    @Nullable Path dataDir;
    String device = "device1";
    final List<String> certNames = new ArrayList<>();
    boolean help;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--help") || arg.equals("-h")) {
          o.help = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + arg + " needs a value (or is unknown)");
        }
        String value = args[++i];
        switch (arg) {
          case "--host" -> o.host = value;
          case "--mqtt-port" -> o.mqttPort = port(arg, value);
          case "--ws-port" -> o.wsPort = port(arg, value);
          case "--tcp-port" -> o.tcpPort = port(arg, value);
          case "--bind" -> o.bind = value;
          case "--data-dir" -> o.dataDir = Paths.get(value);
          case "--device" -> o.device = value;
          case "--cert-name" -> o.certNames.add(value);
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      return o;
    }

    private static int port(String option, String value) {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " must be a port number, got '" + value + "'");
      }
    }
  }
}
