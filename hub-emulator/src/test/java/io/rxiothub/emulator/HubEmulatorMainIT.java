// The emulator run on its own (issue 4): a separate JVM prints its address, CA file and a device connection
// string, and a device connects with exactly what was printed.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class HubEmulatorMainIT {

  @Test
  void printsWhatADeviceNeedsAndTheDeviceConnectsWithIt() throws Exception {
    try (ChildJvm child = ChildJvm.builder(HubEmulatorMain.class)
        .args("--mqtt-port", "0", "--ws-port", "-1", "--device", "cli-dev").start()) {
      EmulatorBanner banner = EmulatorBanner.read(child, Duration.ofSeconds(60));
      String address = banner.value("MQTT over TLS");
      Path caFile = Paths.get(banner.value("CA certificate"));
      String connectionString = banner.lineAfter("device connection string");
      assertThat(banner.value("host name")).isEqualTo("localhost");
      assertThat(address).startsWith("127.0.0.1:");
      assertThat(caFile).exists();
      ConnectionString cs = ConnectionString.parse(connectionString);
      assertThat(cs.deviceId()).isEqualTo("cli-dev");
      assertThat(banner.lineAfter("service connection string"))
          .startsWith("HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=");
      assertThat(banner.value("service REST API")).startsWith("off");

      Mqtt3BlockingClient device = Mqtt3Client.builder().identifier("cli-dev")
          .serverHost("127.0.0.1").serverPort(Integer.parseInt(address.substring(address.indexOf(':') + 1)))
          .sslConfig(MqttClientSslConfig.builder().trustManagerFactory(EmulatorBanner.trusting(caFile)).build())
          .buildBlocking();
      String token = cs.newSasToken(Instant.now().getEpochSecond() + 600).format();
      assertThat(device.connectWith().simpleAuth()
              .username(cs.hostName() + "/cli-dev/?api-version=2021-04-12")
              .password(token.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
              .send().getReturnCode())
          .as("the printed CA, port and connection string are enough to connect, hostname verified")
          .isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
      device.disconnect();
    }
  }
}
