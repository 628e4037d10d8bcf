// `rxiothub demo gateway`: the field gateway tour: a hub emulator, a gateway in this JVM, two leaves behind it (one
// configured, one provisioned on first sight through DPS), a cloud outage while they keep sending, nothing lost.
package io.rxiothub.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.emulator.dps.DpsEndpoint;
import io.rxiothub.emulator.dps.Enrollment;
import io.rxiothub.gateway.Gateway;
import io.rxiothub.gateway.GatewayConfig;
import io.rxiothub.gateway.LeafDevice;
import io.rxiothub.gateway.LeafProvisioning;
import io.rxiothub.sas.DpsKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** The five steps of the gateway tour; exit 0 when all succeed, 1 at the first failure. */
@picocli.CommandLine.Command(name = "gateway", mixinStandardHelpOptions = true,
    description = {"The field gateway tour: an in-memory hub emulator and an rxiothub gateway in this JVM (durable"
        + " store in a temporary folder); two leaves connect to the gateway with GatewayHostName, one configured,"
        + " one provisioned on first sight through the emulator's DPS (enrollment group); they send, the cloud"
        + " goes away (the hub partitions the gateway's upstream connections), they keep sending and the gateway"
        + " stores, the cloud returns and every message arrives in order.",
        "Prints each step and its timing; no key is printed."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every step succeeded", "1:a step failed; the message says which and why"})
final class GatewayDemo implements Callable<Integer> {

  static final int STEPS = 5;
  private static final String CONFIGURED = "leaf-a";
  private static final String PROVISIONED = "leaf-b";
  private static final int BEFORE = 5;
  private static final int DURING = 10;

  @Spec CommandSpec spec;

  @Mixin DemoRunner.Options options;

  private DemoRunner demo;
  private Duration timeout;
  private @Nullable HubEmulator hub;
  private @Nullable Gateway gateway;
  private @Nullable Path dataDirectory;
  private String groupKey = "";
  private final List<DeviceClient> leaves = new ArrayList<>();

  @Override
  public Integer call() {
    timeout = Duration.ofSeconds(Math.max(1, options.stepTimeoutSeconds));
    demo = new DemoRunner(spec, timeout, STEPS, options.verbose);
    // closed last: the temporary store, once the gateway that writes it is closed
    demo.closeLater(this::deleteDataDirectory);
    return demo.run("rxiothub demo gateway", "two leaves behind a field gateway, a cloud outage, nothing lost.",
        null,
        () -> demo.step("start a hub emulator and a gateway", this::start)
            && demo.step("connect two leaves through the gateway", this::connect)
            && demo.step("the leaves send; the hub gets it", this::sendBefore)
            && demo.step("cloud outage: the leaves keep sending", this::outage)
            && demo.step("the cloud returns: nothing lost, in order", this::recover),
        "closed the leaves, the gateway and the emulator",
        "Next: ./rxiothub gateway run --config gateway/examples/gateway-azure.yaml, gateway/README.md.");
  }

  private List<String> start() throws IOException {
    HubEmulator started = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    hub = started;
    demo.closeLater(started::close);
    DeviceIdentity a = started.registry().createDevice(CONFIGURED);
    groupKey = java.util.Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(32));
    DpsEndpoint dps = started.dps().addEnrollment(Enrollment.group("gateway-fleet").primaryKey(groupKey).build())
        .start();
    Path data = Files.createTempDirectory("rxiothub-demo-gateway-");
    dataDirectory = data;
    Gateway gw = Gateway.start(GatewayConfig.builder()
        .tlsPort(0)
        .dataDirectory(data)
        .hub(started.hostName(), started.mqttPort())
        .hubCaFile(started.caFile())
        .shutdownDrainMillis(500)
        .leaf(LeafDevice.of(CONFIGURED, a.primaryKey()))
        .provisioning(LeafProvisioning.builder().idScope(dps.idScope()).endpoint("127.0.0.1", dps.mqttPort())
            .caFile(started.caFile()).groupKey(groupKey).build())
        .build());
    gateway = gw;
    demo.closeLater(gw::close);
    return List.of("hub " + started.hostName() + ", MQTT over TLS on 127.0.0.1:" + started.mqttPort()
            + "; DPS on 127.0.0.1:" + dps.mqttPort() + " with enrollment group gateway-fleet",
        "gateway: MQTT over TLS on 127.0.0.1:" + gw.tlsPort() + " (its own CA), store in " + data,
        "leaves: " + CONFIGURED + " from the configuration; any other that signs with its key derived from the"
            + " group key is provisioned through DPS when it first connects");
  }

  private List<String> connect() throws Exception {
    X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(gateway().caCertificatePem().getBytes(UTF_8)));
    String keyA = hub().registry().get(CONFIGURED).orElseThrow().primaryKey();
    String keyB = DpsKeys.deriveDeviceKey(groupKey, PROVISIONED);
    List<String> lines = new ArrayList<>();
    for (String[] leaf : new String[][] {{CONFIGURED, keyA}, {PROVISIONED, keyB}}) {
      DeviceClient client = DeviceClient.builder()
          .connectionString("HostName=" + hub().hostName() + ";DeviceId=" + leaf[0] + ";SharedAccessKey=" + leaf[1]
              + ";GatewayHostName=localhost")
          .port(gateway().tlsPort())
          .trustedCertificates(ca)
          .reconnectBackoff(50, 1_000)
          .connectTimeoutMillis(timeout.toMillis())
          .build();
      leaves.add(client);
      demo.closeLater(client::close);
      long t = System.nanoTime();
      client.connect().blockingAwait(timeout.toMillis(), TimeUnit.MILLISECONDS);
      lines.add(leaf[0] + " connected in " + Style.since(t) + " (HostName=" + hub().hostName()
          + ";GatewayHostName=localhost;SharedAccessKey=<redacted>)");
    }
    lines.add(PROVISIONED + " was unknown: the gateway registered it with DPS before its CONNACK; the hub now has "
        + "device " + PROVISIONED + ": " + hub().registry().get(PROVISIONED).isPresent());
    return lines;
  }

  private List<String> sendBefore() throws Exception {
    send(0, BEFORE);
    demo.awaitUntil(() -> count(CONFIGURED) >= BEFORE && count(PROVISIONED) >= BEFORE, "the hub did not get the "
        + BEFORE + " messages of each leaf");
    return List.of("each leaf sent m-0 .. m-" + (BEFORE - 1) + "; every send() completed on the gateway's PUBACK",
        "the hub has " + count(CONFIGURED) + " from " + CONFIGURED + ", " + count(PROVISIONED) + " from "
            + PROVISIONED + "; the gateway's store holds " + gateway().queuedMessages());
  }

  private List<String> outage() throws Exception {
    hub().faults().partition(CONFIGURED);
    hub().faults().partition(PROVISIONED);
    send(BEFORE, BEFORE + DURING);
    long queued = gateway().queuedMessages();
    return List.of("the hub partitions the gateway's upstream connections of both leaves (packets dropped, nothing"
            + " closed)",
        "each leaf sent m-" + BEFORE + " .. m-" + (BEFORE + DURING - 1) + ": every send() completed, since the"
            + " gateway acknowledges once the message is on disk",
        "the gateway's store holds " + queued + "; the hub still has " + count(CONFIGURED) + " + "
            + count(PROVISIONED));
  }

  private List<String> recover() throws Exception {
    hub().faults().heal(CONFIGURED);
    hub().faults().heal(PROVISIONED);
    long t = System.nanoTime();
    demo.awaitUntil(() -> gateway().queuedMessages() == 0 && count(CONFIGURED) >= BEFORE + DURING
        && count(PROVISIONED) >= BEFORE + DURING, "the gateway did not forward its store after the outage");
    List<String> lines = new ArrayList<>();
    lines.add("the hub heals the partition; the gateway's upstream clients reconnect and its store is empty after "
        + Style.since(t));
    for (String leaf : List.of(CONFIGURED, PROVISIONED)) {
      List<String> all = hub().telemetry(leaf).stream().map(TelemetryMessage::systemProperties)
          .map(p -> p.get("$.mid")).toList();
      List<String> ids = all.stream().distinct().toList();
      List<String> expected = Stream.iterate(0, i -> i + 1).limit(BEFORE + DURING).map(i -> "m-" + i).toList();
      if (!ids.equals(expected)) {
        throw new IllegalStateException(leaf + ": the hub got " + ids + ", expected " + expected);
      }
      int resent = all.size() - ids.size();
      lines.add(leaf + ": the hub has m-0 .. m-" + (BEFORE + DURING - 1) + " in order, none missing"
          + (resent == 0 ? ", none twice" : "; " + resent + " resent with the same message id (at least once)"));
    }
    return lines;
  }

  private void send(int from, int to) {
    for (int i = from; i < to; i++) {
      for (DeviceClient leaf : leaves) {
        leaf.send(Message.builder().payload(("{\"n\":" + i + "}").getBytes(UTF_8)).messageId("m-" + i)
            .contentType("application/json").build()).blockingAwait(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private long count(String deviceId) {
    return hub().telemetry(deviceId).stream().map(m -> m.systemProperties().get("$.mid")).distinct().count();
  }

  private HubEmulator hub() {
    return DemoRunner.started(hub, "the hub emulator is not running");
  }

  private Gateway gateway() {
    return DemoRunner.started(gateway, "the gateway is not running");
  }

  private void deleteDataDirectory() {
    Path data = dataDirectory;
    if (data != null) {
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        demo.out.println(demo.style.dim("       (could not delete " + data + ": " + e.getMessage() + ")"));
      }
    }
  }
}
