// `rxiothub watson listen|command|manage`: a gateway that prints the commands it receives, an application that sends
// one command, and a managed gateway that answers the platform's device-management requests (docs/protocol.md §14).
package io.rxiothub.cli;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.watson.ClientId;
import io.rxiothub.watson.DmOperation;
import io.rxiothub.watson.Firmware;
import io.rxiothub.watson.WatsonIds;
import io.rxiothub.watson.WatsonTopic;
import io.rxiothub.watson.client.GatewayClient;
import io.rxiothub.watson.client.WatsonException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The Watson commands that stay connected, and the application command. */
final class WatsonClientCommands {

  private WatsonClientCommands() {}

  /** Where the platform is: organisation, host, port and trust; shared by the gateway and application options. */
  static final class PlatformOptions {
    @Option(names = "--org", required = true, description = "organisation id")
    String org;

    @Option(names = "--host", description = "host (default {org}.messaging.internetofthings.ibmcloud.com)")
    String host;

    @Option(names = "--port", defaultValue = "8883", description = "MQTT over TLS port")
    int port;

    @Option(names = "--ca-file", description = "PEM CA certificate to trust (default: the JVM's trust store)")
    Path caFile;

    String host() {
      return host != null ? host : org + ".messaging.internetofthings.ibmcloud.com";
    }
  }

  /** The options that connect a gateway. */
  static final class GatewayOptions {
    @Mixin PlatformOptions platform;

    @Option(names = "--gateway", required = true, description = "the gateway, type/id")
    String gateway;

    @Option(names = "--token", required = true, description = "the gateway's token")
    String token;

    /** Builds the gateway (not connected); exit 2 on a bad option. */
    GatewayClient build() throws Exception {
      String[] gw = WatsonCommand.pair(gateway, "--gateway");
      GatewayClient.Builder builder;
      try {
        builder = GatewayClient.builder().orgId(platform.org).typeId(gw[0]).deviceId(gw[1]).token(token)
            .port(platform.port).reconnectGiveUpMillis(10_000);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage());
      }
      if (platform.host != null) {
        builder.host(platform.host);
      }
      if (platform.caFile != null) {
        builder.trustManagerFactory(WatsonCommand.Publish.trust(platform.caFile));
      }
      return builder.build();
    }

    /** Builds and connects the gateway; exit 2 on a bad option, 4 when it cannot connect. */
    GatewayClient connect() throws Exception {
      GatewayClient client = build();
      try {
        client.connect().blockingAwait(30, TimeUnit.SECONDS);
      } catch (WatsonException e) {
        client.close();
        throw new CliException(ExitCodes.CONNECTION, "could not connect " + client.clientId() + ": "
            + e.getMessage(), e);
      }
      return client;
    }
  }

  /** Waits for {@code stop}, {@code runFor} seconds (0: no limit) or until {@code done} says so. */
  static boolean await(StopSignal stop, long runFor, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long end = runFor > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(runFor) : Long.MAX_VALUE;
    while (!done.getAsBoolean() && System.nanoTime() < end) {
      if (stop.await(100, TimeUnit.MILLISECONDS)) {
        return true;
      }
    }
    return false;
  }

  /** `rxiothub watson listen`. */
  @Command(name = "listen", mixinStandardHelpOptions = true,
      description = {"Connect as a gateway and print the commands for devices matching --devices (type/id, + for"
          + " any) as they arrive.", "Runs until Ctrl-C, --count commands or --run-for seconds."},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:--count commands received, or --run-for passed", "2:bad option", "4:could not connect",
          "5:--run-for passed before --count commands", "130:stopped by Ctrl-C"})
  static final class Listen implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GatewayOptions gateway;

    @Option(names = "--devices", defaultValue = "+/+", description = "which devices, type/id (+ for any)")
    String devices;

    @Option(names = "--count", defaultValue = "0", description = "stop after this many commands (0: no limit)")
    int count;

    @Option(names = "--run-for", defaultValue = "0", description = "seconds to run (0: no limit)")
    long runFor;

    @Override
    public Integer call() throws Exception {
      String[] filter = WatsonCommand.pair(devices, "--devices");
      PrintWriter out = spec.commandLine().getOut();
      AtomicInteger received = new AtomicInteger();
      try (StopSignal stop = StopSignal.install(); GatewayClient client = gateway.connect()) {
        Disposable commands;
        try {
          commands = client.commands(filter[0], filter[1]).subscribe(c -> {
            synchronized (out) {
              out.println("command " + c.typeId() + "/" + c.deviceId() + " " + c.commandId() + " " + c.format()
                  + " " + new String(c.payload(), StandardCharsets.UTF_8));
              out.flush();
            }
            received.incrementAndGet();
          });
        } catch (IllegalArgumentException e) {
          throw new CliException(ExitCodes.USAGE, "--devices: " + e.getMessage());
        }
        out.println("listening as " + client.clientId() + " for commands to " + devices);
        out.flush();
        boolean stopped = await(stop, runFor, () -> count > 0 && received.get() >= count);
        commands.dispose();
        client.disconnect().blockingAwait(10, TimeUnit.SECONDS);
        if (stopped) {
          return ExitCodes.INTERRUPTED;
        }
        return count > 0 && received.get() < count ? ExitCodes.TIMEOUT : ExitCodes.OK;
      }
    }
  }

  /** `rxiothub watson command`. */
  @Command(name = "command", mixinStandardHelpOptions = true,
      description = "Connect as an application (a:{org}:{appId}, API key and token) and send one command to a"
          + " device (QoS 1: exits once the platform acknowledged it).",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:acknowledged", "2:bad option", "4:could not connect (refused key, TLS, unreachable)"})
  static final class SendCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin PlatformOptions platform;

    @Option(names = "--app-id", defaultValue = "rxiothub-cli", description = "the application id")
    String appId;

    @Option(names = "--api-key", required = true, description = "the API key, a-{org}-…")
    String apiKey;

    @Option(names = "--token", required = true, description = "the API key's token")
    String token;

    @Option(names = "--device", required = true, description = "the device, type/id")
    String device;

    @Option(names = "--format", defaultValue = "json", description = "the command's format")
    String format;

    @Parameters(index = "0", description = "the command id")
    String command;

    @Parameters(index = "1", description = "the payload")
    String payload;

    @Override
    public Integer call() throws Exception {
      String[] target = WatsonCommand.pair(device, "--device");
      String clientId;
      String topic;
      try {
        clientId = ClientId.application(WatsonIds.requireOrgId(platform.org), appId, false).toString();
        topic = WatsonTopic.command(target[0], target[1], command, format).toString();
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage());
      }
      var builder = MqttClient.builder().useMqttVersion3().identifier(clientId)
          .serverHost(platform.host()).serverPort(platform.port)
          .sslConfig()
          .trustManagerFactory(platform.caFile == null ? null : WatsonCommand.Publish.trust(platform.caFile))
          .applySslConfig();
      Mqtt3BlockingClient client = builder.buildBlocking();
      try {
        client.connectWith().simpleAuth().username(apiKey).password(token.getBytes(StandardCharsets.UTF_8))
            .applySimpleAuth().send();
      } catch (RuntimeException e) {
        throw new CliException(ExitCodes.CONNECTION, "could not connect " + clientId + ": " + e.getMessage(), e);
      }
      try {
        client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
            .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
        spec.commandLine().getOut().println("sent " + command + " to " + device + " as " + clientId);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
      } finally {
        client.disconnect();
      }
    }
  }

  /** `rxiothub watson manage`. */
  @Command(name = "manage", mixinStandardHelpOptions = true,
      description = {"Connect as a gateway, manage --device (default: the gateway) and answer the platform's"
          + " device-management requests for it with the rc --answer gives (default 202 for device/reboot and"
          + " device/factory_reset, 501 otherwise). With --firmware it plays the device's side of firmware download"
          + " and update (protocol.md §14.10) instead, each succeeding at once.",
          "Runs until Ctrl-C, --count requests or --run-for seconds."},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:--count requests answered, or --run-for passed", "1:the platform refused manage",
          "2:bad option", "4:could not connect", "5:--run-for passed before --count requests",
          "130:stopped by Ctrl-C"})
  static final class Manage implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GatewayOptions gateway;

    @Option(names = "--device", description = "the managed device, type/id (default: the gateway)")
    String device;

    @Option(names = "--lifetime", defaultValue = "0", description = "seconds (0: never dormant, else >= 3600)")
    long lifetime;

    @Option(names = "--answer", description = "rc per operation, e.g. --answer device/reboot=500 (device/factory_reset,"
        + " firmware/download, firmware/update, device/update, observe, cancel)")
    Map<String, Integer> answers = Map.of();

    @Option(names = "--firmware", description = "answer firmware download and update (each succeeds at once; a"
        + " download or update counts as a request once the platform ends it, by cancelling its observation)")
    boolean firmware;

    @Option(names = "--count", defaultValue = "0", description = "stop after this many requests (0: no limit)")
    int count;

    @Option(names = "--run-for", defaultValue = "0", description = "seconds to run (0: no limit)")
    long runFor;

    private static final java.util.Set<DmOperation> FIRMWARE_STEPS = java.util.EnumSet.of(DmOperation.DEVICE_UPDATE,
        DmOperation.OBSERVE, DmOperation.CANCEL, DmOperation.FIRMWARE_DOWNLOAD, DmOperation.FIRMWARE_UPDATE);

    private Completable firmwareStep(PrintWriter out, String what, Firmware f) {
      return Completable.fromRunnable(() -> {
        synchronized (out) {
          out.println("firmware " + what + " " + f.version() + " from " + f.uri() + ": done");
          out.flush();
        }
      });
    }

    @Override
    public Integer call() throws Exception {
      String[] target = WatsonCommand.pair(device == null ? gateway.gateway : device, "--device");
      PrintWriter out = spec.commandLine().getOut();
      AtomicInteger answered = new AtomicInteger();
      try (StopSignal stop = StopSignal.install(); GatewayClient client = gateway.connect()) {
        Disposable handling = !firmware ? Disposable.empty() : client.management().handleFirmware(target[0],
            target[1], f -> firmwareStep(out, "download", f), f -> firmwareStep(out, "update", f))
            .subscribe(() -> { }, e -> spec.commandLine().getErr().println("firmware handling ended: " + e));
        Disposable requests = client.management().platformRequests()
            .filter(r -> r.typeId().equals(target[0]) && r.deviceId().equals(target[1]))
            // A firmware flow ends when the platform cancels its observation, after the device's last notify:
            // counted then, not when the download or update itself is done, or the client would leave first.
            .doOnNext(r -> {
              if (firmware && r.operation() == DmOperation.CANCEL) {
                answered.incrementAndGet();
              }
            })
            .filter(r -> !firmware || !FIRMWARE_STEPS.contains(r.operation()))
            .flatMapCompletable(r -> {
              String op = r.operation().suffix().replace("mgmt/initiate/", "");
              int rc = answers.getOrDefault(op, op.startsWith("device/reboot") || op.equals("device/factory_reset")
                  ? 202 : 501);
              synchronized (out) {
                out.println("request " + op + " for " + target[0] + "/" + target[1] + " answered " + rc);
                out.flush();
              }
              return client.management().respond(r, rc, null).doOnComplete(answered::incrementAndGet);
            }).subscribe(() -> { }, e -> spec.commandLine().getErr().println("requests ended: " + e));
        int rc;
        try {
          rc = client.management().manage(target[0], target[1], lifetime, true, true).blockingGet();
        } catch (IllegalArgumentException e) {
          throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        out.println("manage " + target[0] + "/" + target[1] + ": rc " + rc);
        out.flush();
        if (rc != 200) {
          requests.dispose();
          handling.dispose();
          return ExitCodes.FAILED;
        }
        boolean stopped = await(stop, runFor, () -> count > 0 && answered.get() >= count);
        requests.dispose();
        // a disposed firmware handler still answers the cancel that ends an open flow; disconnect waits for it
        handling.dispose();
        client.disconnect().blockingAwait(40, TimeUnit.SECONDS);
        if (stopped) {
          return ExitCodes.INTERRUPTED;
        }
        return count > 0 && answered.get() < count ? ExitCodes.TIMEOUT : ExitCodes.OK;
      }
    }
  }
}
