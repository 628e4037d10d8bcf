// `rxiothub gateway run --config FILE`: the field gateway in the foreground (protocol.md §18, gateway/README.md).
package io.rxiothub.cli;

import io.rxiothub.gateway.Gateway;
import io.rxiothub.gateway.GatewayConfig;
import io.rxiothub.gateway.GatewayConfigException;
import io.rxiothub.gateway.GatewayConfigFile;
import io.rxiothub.gateway.WatsonUpstream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code gateway} command group. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
    description = "The field gateway: local devices connect to it as to IoT Hub (GatewayHostName); their telemetry is"
        + " stored, acknowledged and forwarded to the hub, twin, methods and C2D are carried both ways.",
    subcommands = {GatewayCommand.Run.class})
final class GatewayCommand {

  /** {@code rxiothub gateway run}. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Runs the gateway of a configuration file (YAML or JSON; see gateway/examples/gateway-azure.yaml"
          + " and gateway-watson.yaml)"
          + " until Ctrl-C or SIGTERM, then stops gracefully: what the hub has not acknowledged stays on disk.")
  static final class Run implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true,
        description = "The gateway's configuration file.")
    Path config;

    @Option(names = "--timeout", paramLabel = "SECONDS",
        description = "Stop gracefully after SECONDS (default: run until stopped).")
    @Nullable Long timeout;

    @Option(names = {"-v", "--verbose"}, description = "Print the gateway's logs and stack traces.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
      GatewayConfig parsed;
      try {
        parsed = GatewayConfigFile.read(config);
      } catch (GatewayConfigException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      try (StopSignal stop = StopSignal.install()) {
        Gateway gateway;
        try {
          gateway = Gateway.start(parsed);
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw new CliException(ExitCodes.FAILED, "the gateway did not start: " + e.getMessage(), e);
        }
        try (gateway) {
          if (parsed.hubHostName() != null) {
            out.println("gateway for " + parsed.hubHostName() + ": " + parsed.leaves().size() + " leaf device(s)");
          }
          WatsonUpstream watson = parsed.watson();
          if (watson != null) {
            out.println("gateway " + watson.gatewayClientId() + " to " + watson.connectHost() + ":" + watson.port()
                + ": " + watson.leaves().size() + " Watson leaf device(s)");
          }
          if (gateway.tlsPort() > 0) {
            out.println("  MQTT over TLS  " + parsed.bindAddress() + ":" + gateway.tlsPort() + " (leaves dial "
                + parsed.hostName() + ")");
            Path data = parsed.dataDirectory();
            if (parsed.tlsCertificateFile() == null && data != null) {
              out.println("  leaves trust   " + data.resolve("tls").resolve("gateway-ca.pem"));
            }
          }
          if (gateway.mqttPort() > 0) {
            out.println("  MQTT           " + parsed.bindAddress() + ":" + gateway.mqttPort());
          }
          if (gateway.metricsPort() > 0) {
            out.println("  metrics        http://" + parsed.metricsBindAddress() + ":" + gateway.metricsPort()
                + "/metrics");
          }
          out.println("  queued         " + gateway.queuedMessages() + " message(s) from an earlier run");
          out.println("Ctrl-C stops it.");
          out.flush();
          long until = timeout == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
          while (!stop.await(200, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() - until >= 0) {
              break;
            }
          }
          out.println("stopping: " + gateway.queuedMessages() + " message(s) not yet acknowledged by the hub stay"
              + " in the store");
          out.flush();
        }
      }
      return ExitCodes.OK;
    }
  }
}
