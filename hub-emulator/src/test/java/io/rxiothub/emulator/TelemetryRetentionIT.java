// Bounded telemetry retention (issue 4): each identity keeps its newest N messages, oldest dropped first.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class TelemetryRetentionIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension(b -> b.telemetryRetention(3));

  @Test
  void eachIdentityKeepsItsNewestMessagesUpToTheRetention() {
    DeviceIdentity busy = HUB.createDevice("busy-dev");
    DeviceIdentity quiet = HUB.createDevice("quiet-dev");
    Mqtt3BlockingClient busyClient = RawDevice.client(HUB.hub(), busy);
    Mqtt3BlockingClient quietClient = RawDevice.client(HUB.hub(), quiet);
    RawDevice.connect(busyClient, HUB.hub(), busy);
    RawDevice.connect(quietClient, HUB.hub(), quiet);
    try {
      for (int i = 1; i <= 5; i++) {
        busyClient.publishWith().topic("devices/busy-dev/messages/events/").qos(MqttQos.AT_LEAST_ONCE)
            .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send();
      }
      quietClient.publishWith().topic("devices/quiet-dev/messages/events/").qos(MqttQos.AT_LEAST_ONCE)
          .payload("q1".getBytes(StandardCharsets.UTF_8)).send();

      // PUBACK comes after capture, so the store is complete once send() returned.
      assertThat(HUB.hub().telemetry("busy-dev")).extracting(TelemetryMessage::payloadAsString)
          .containsExactly("m3", "m4", "m5");
      assertThat(HUB.hub().telemetry("quiet-dev")).extracting(TelemetryMessage::payloadAsString)
          .containsExactly("q1");
    } finally {
      busyClient.disconnect();
      quietClient.disconnect();
    }
  }
}
