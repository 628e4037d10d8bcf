// The emulator run on its own (issue 4): a separate JVM prints its address, CA file and a device connection
// string, and a device connects with exactly what was printed.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import io.rxiothub.sas.ConnectionString;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class HubEmulatorMainIT {

  @Test
  void printsWhatADeviceNeedsAndTheDeviceConnectsWithIt() throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        HubEmulatorMain.class.getName(), "--mqtt-port", "0", "--ws-port", "-1", "--device", "cli-dev")
        .redirectErrorStream(true)
        .start();
    try {
      List<String> banner = readUntil(process.getInputStream(), "Press Ctrl-C").get(60, TimeUnit.SECONDS);
      String address = valueOf(banner, "MQTT over TLS");
      Path caFile = Paths.get(valueOf(banner, "CA certificate"));
      String connectionString = banner.get(indexOf(banner, "device connection string") + 1).trim();
      assertThat(valueOf(banner, "host name")).isEqualTo("localhost");
      assertThat(address).startsWith("127.0.0.1:");
      assertThat(caFile).exists();
      ConnectionString cs = ConnectionString.parse(connectionString);
      assertThat(cs.deviceId()).isEqualTo("cli-dev");
      assertThat(banner.get(indexOf(banner, "service connection string") + 1).trim())
          .startsWith("HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=");
      assertThat(valueOf(banner, "service REST API")).startsWith("off");

      Mqtt3BlockingClient device = Mqtt3Client.builder().identifier("cli-dev")
          .serverHost("127.0.0.1").serverPort(Integer.parseInt(address.substring(address.indexOf(':') + 1)))
          .sslConfig(trusting(caFile))
          .buildBlocking();
      String token = cs.newSasToken(Instant.now().getEpochSecond() + 600).format();
      assertThat(device.connectWith().simpleAuth()
              .username(cs.hostName() + "/cli-dev/?api-version=2021-04-12")
              .password(token.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
              .send().getReturnCode())
          .as("the printed CA, port and connection string are enough to connect, hostname verified")
          .isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
      device.disconnect();
    } finally {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** Reads lines on a daemon thread until one contains {@code marker}; the caller bounds the wait. */
  private static CompletableFuture<List<String>> readUntil(InputStream in, String marker) {
    CompletableFuture<List<String>> done = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      List<String> lines = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
          if (line.contains(marker)) {
            done.complete(lines);
          }
        }
        done.completeExceptionally(new IllegalStateException("the emulator exited before printing '" + marker
            + "':\n" + String.join("\n", lines)));
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
    }, "hub-emulator-main-it-reader");
    reader.setDaemon(true);
    reader.start();
    return done;
  }

  private static int indexOf(List<String> lines, String label) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().startsWith(label)) {
        return i;
      }
    }
    throw new AssertionError("no line '" + label + "' in:\n" + String.join("\n", lines));
  }

  private static String valueOf(List<String> lines, String label) {
    return lines.get(indexOf(lines, label)).trim().substring(label.length()).trim();
  }

  private static MqttClientSslConfig trusting(Path caPem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      trust.setCertificateEntry("emulator-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    return MqttClientSslConfig.builder().trustManagerFactory(factory).build();
  }
}
