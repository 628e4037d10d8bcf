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
import io.rxiothub.emulator.watson.WatsonEmulator;
import io.rxiothub.watson.client.WatsonDeviceClient;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
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
  void runsAWatsonGatewayOfAConfigFile(@TempDir Path dir) throws Exception {
    try (WatsonEmulator org = WatsonEmulator.builder().orgId("abc123").mqttPort(0).build()) {
      org.start();
      String token = org.registerGateway("gwtype", "gw1");
      Path watsonCa = dir.resolve("watson-ca.pem");
      Files.writeString(watsonCa, org.caCertificatePem());
      Path config = dir.resolve("gateway-watson.yaml");
      Files.writeString(config, """
          gateway:
            tlsPort: 0
            dataDirectory: data
          watson:
            orgId: abc123
            gatewayType: gwtype
            gatewayId: gw1
            token: %s
            host: localhost
            port: %d
            caFile: %s
            leaves:
              - {typeId: sensor, deviceId: cli1, token: cli-leaf-token-1}
          """.formatted(token, org.mqttPort(), watsonCa));

      Cli.Running run = Cli.start("gateway", "run", "--config", config.toString(), "--timeout", "60");
      await().atMost(Duration.ofSeconds(60)).until(() -> run.out().contains("Ctrl-C stops it."));
      assertThat(run.out()).contains("gateway g:abc123:gwtype:gw1 to localhost:" + org.mqttPort()
          + ": 1 Watson leaf device(s)");
      int port = Integer.parseInt(run.out().replaceAll("(?s).*MQTT over TLS  127\\.0\\.0\\.1:(\\d+).*", "$1"));
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      trusted.setCertificateEntry("gateway", CertificateFactory.getInstance("X.509").generateCertificate(
          new ByteArrayInputStream(Files.readAllBytes(dir.resolve("data").resolve("tls").resolve("gateway-ca.pem")))));
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      // Our Watson device client as the leaf: d:abc123:sensor:cli1 with its local token, to the gateway's TLS port.
      try (WatsonDeviceClient leaf = WatsonDeviceClient.builder().orgId("abc123").typeId("sensor").deviceId("cli1")
          .token("cli-leaf-token-1").host("localhost").port(port).trustManagerFactory(trust).build()) {
        leaf.connect().blockingAwait(30, TimeUnit.SECONDS);
        leaf.publishEvent(leaf.event("status", "via cli".getBytes(UTF_8))).blockingAwait(30, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> org.events().size() == 1);
      assertThat(org.events().get(0).payloadAsString()).isEqualTo("via cli");
      assertThat(org.events().get(0).deviceId()).isEqualTo("cli1");
    }
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
