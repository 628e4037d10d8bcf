// `rxiothub watson`: the IBM Watson IoT dialect (docs/protocol.md §14): the emulator's organisation mode in the
// foreground, and a gateway that publishes an event for a device behind it.
package io.rxiothub.cli;

import io.rxiothub.emulator.watson.WatsonEmulator;
import io.rxiothub.watson.client.GatewayClient;
import io.rxiothub.watson.client.GatewayEvent;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The Watson IoT commands. */
@Command(name = "watson", mixinStandardHelpOptions = true,
    description = "IBM Watson IoT Platform gateways (docs/protocol.md §14): run the emulator's organisation mode,"
        + " publish an event as a gateway, listen to commands, send a command as an application, manage.",
    subcommands = {WatsonCommand.Emulator.class, WatsonCommand.Publish.class, WatsonClientCommands.Listen.class,
        WatsonClientCommands.SendCommand.class, WatsonClientCommands.Manage.class})
final class WatsonCommand {

  static String[] pair(String value, String option) {
    String[] parts = value.split("/", -1);
    if (parts.length != 2) {
      throw new CliException(ExitCodes.USAGE, option + " must be {typeId}/{deviceId}, was '" + value + "'");
    }
    return parts;
  }

  /** `rxiothub watson emulator`. */
  @Command(name = "emulator", mixinStandardHelpOptions = true,
      description = {"Run a Watson IoT organisation on 127.0.0.1 (MQTT over TLS) with one registered gateway, print"
          + " how to connect, and print every accepted event.", "Runs until Ctrl-C, or --run-for seconds."},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:--run-for passed", "2:bad option", "130:stopped by Ctrl-C"})
  static final class Emulator implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--org", defaultValue = "abc123", description = "organisation id (6 of a-z 0-9)")
    String org;

    @Option(names = "--port", defaultValue = "8883", description = "MQTT over TLS port (0: a free one)")
    int port;

    @Option(names = "--gateway", defaultValue = "gwtype/gw1", description = "the gateway to register, type/id")
    String gateway;

    @Option(names = "--ca-file", defaultValue = "watson-ca.pem", description = "where to write the CA certificate")
    Path caFile;

    @Option(names = "--run-for", defaultValue = "0", description = "seconds to run (0: until Ctrl-C)")
    long runFor;

    @Override
    public Integer call() throws Exception {
      String[] gw = pair(gateway, "--gateway");
      PrintWriter out = spec.commandLine().getOut();
      try (StopSignal stop = StopSignal.install();
          WatsonEmulator emulator = WatsonEmulator.builder().orgId(org).mqttPort(port).build()) {
        emulator.start();
        String token = emulator.registerGateway(gw[0], gw[1]);
        Files.writeString(caFile, emulator.caCertificatePem());
        out.println("Watson IoT organisation " + org + " on " + emulator.host() + " (127.0.0.1) port "
            + emulator.mqttPort() + ", CA certificate in " + caFile);
        out.println("gateway " + emulator.gatewayClientId(gw[0], gw[1]) + "  user use-token-auth  token " + token);
        var key = emulator.createApiKey();
        out.println("application a:" + org + ":{appId}  API key " + key.key() + "  token " + key.token());
        out.flush();
        var events = emulator.eventStream().subscribe(e -> {
          out.println("event " + e.typeId() + "/" + e.deviceId() + " " + e.eventId() + " " + e.payloadAsString()
              + " (from " + e.publisher() + ")");
          out.flush();
        });
        boolean stopped = runFor > 0 ? stop.await(runFor, TimeUnit.SECONDS) : stop.await(Long.MAX_VALUE,
            TimeUnit.DAYS);
        events.dispose();
        return stopped ? ExitCodes.INTERRUPTED : ExitCodes.OK;
      }
    }
  }

  /** `rxiothub watson publish`. */
  @Command(name = "publish", mixinStandardHelpOptions = true,
      description = "Connect as a gateway and publish one event for itself or a device behind it (QoS 1: exits once"
          + " the platform acknowledged it).",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:acknowledged", "2:bad option", "4:could not connect (refused token, TLS, unreachable)"})
  static final class Publish implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin WatsonClientCommands.GatewayOptions gateway;

    @Option(names = "--device", description = "the device the event is about, type/id (default: the gateway)")
    String device;

    @Option(names = "--event", defaultValue = "status", description = "event id")
    String event;

    @Parameters(index = "0", description = "the payload (JSON text)")
    String payload;

    @Override
    public Integer call() throws Exception {
      String[] target = device == null ? pair(gateway.gateway, "--gateway") : pair(device, "--device");
      GatewayEvent message;
      try {
        message = GatewayEvent.builder().device(target[0], target[1]).eventId(event)
            .payload(payload.getBytes(StandardCharsets.UTF_8)).build();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage());
      }
      try (GatewayClient client = gateway.connect()) {
        client.publishEvent(message).blockingAwait(30, TimeUnit.SECONDS);
        spec.commandLine().getOut().println("published " + message + " as " + client.clientId());
        spec.commandLine().getOut().flush();
        client.disconnect().blockingAwait(10, TimeUnit.SECONDS);
        return ExitCodes.OK;
      }
    }

    static TrustManagerFactory trust(Path pem) throws Exception {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      try (InputStream in = Files.newInputStream(pem)) {
        store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      } catch (java.io.IOException e) {
        throw new CliException(ExitCodes.USAGE, "cannot read --ca-file " + pem + ": " + e.getMessage(), e);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    }
  }
}
