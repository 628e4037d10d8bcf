// rxiothub gateway run: a configuration file against the hub emulator, a leaf through it, a bad file's exit code.
package io.rxiothub.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayCommandIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  @Test
  void runsTheGatewayOfAConfigFileUntilItsTimeout(HubEmulator hub, @TempDir Path dir) throws Exception {
    DeviceIdentity leaf = HUB.createDevice("cli-gateway-leaf");
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, """
        gateway:
          tlsPort: 0
          dataDirectory: data
        azure:
          hostName: %s
          port: %d
          caFile: %s
          leaves:
            - deviceId: %s
              key: %s
        """.formatted(hub.hostName(), hub.mqttPort(), hub.caFile(), leaf.deviceId(), leaf.primaryKey()));

    Cli.Running run = Cli.start("gateway", "run", "--config", config.toString(), "--timeout", "60");
    await().atMost(Duration.ofSeconds(60)).until(() -> run.out().contains("Ctrl-C stops it."));
    int port = Integer.parseInt(run.out().replaceAll("(?s).*MQTT over TLS  127\\.0\\.0\\.1:(\\d+).*", "$1"));
    Path ca = dir.resolve("data").resolve("tls").resolve("gateway-ca.pem");
    assertThat(run.out()).contains("leaves trust   " + ca);
    X509Certificate caCert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(ca)));
    try (DeviceClient client = DeviceClient.builder()
        .connectionString(leaf.connectionString() + ";GatewayHostName=localhost")
        .port(port).trustedCertificates(caCert).build()) {
      client.connect().blockingAwait(30, TimeUnit.SECONDS);
      client.send(Message.builder().payload("via cli".getBytes(UTF_8)).messageId("cli-1").build())
          .blockingAwait(30, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> hub.telemetry(leaf.deviceId()).size() == 1);
    assertThat(hub.telemetry(leaf.deviceId()).get(0).payloadAsString()).isEqualTo("via cli");
  }

  @Test
  void aBadConfigFileExitsWithUsageNamingTheLine(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, "azure:\n  hostName: h.example\n  prot: 1\n");

    Cli run = Cli.run("gateway", "run", "--config", config.toString());

    assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("gateway.yaml:3: unknown key 'prot' in azure");
  }
}
