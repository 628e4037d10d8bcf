// Telemetry intake rules (protocol.md §5, §9) without a broker: bag parsing, stamping with the time passed in, limits.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.emulator.TelemetryMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryIntakeTest {

  private static final Identity DEVICE = new Identity("dev1", null);
  private static final Identity MODULE = new Identity("dev1", "mod1");
  private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

  @Test
  void splitsSystemAndApplicationPropertiesAndStampsTheTimePassedIn() {
    TelemetryMessage message = TelemetryIntake.parse(MODULE,
        "devices/dev1/modules/mod1/messages/events/%24.mid=m1&b=2&a=1/", new byte[] {1}, NOW).build();
    assertThat(message.systemProperties()).containsEntry("$.mid", "m1")
        .containsEntry("iothub-connection-device-id", "dev1")
        .containsEntry("iothub-connection-module-id", "mod1")
        .containsEntry("iothub-enqueuedtime", "2030-06-01T12:00:00Z");
    assertThat(message.applicationProperties()).containsExactly(Map.entry("b", "2"), Map.entry("a", "1"));
    assertThat(message.enqueuedTime()).isEqualTo(NOW);
  }

  @Test
  void refusesARawSlashAnEmptyKeyAndABadPercentSequence() {
    assertThat(TelemetryIntake.problem(DEVICE, "devices/dev1/messages/events/a=1/b=2", new byte[0], NOW))
        .isEqualTo("telemetry topic 'devices/dev1/messages/events/a=1/b=2' has a malformed property bag:"
            + " the bag contains a raw '/'");
    assertThat(TelemetryIntake.problem(DEVICE, "devices/dev1/messages/events/=v", new byte[0], NOW))
        .endsWith("has a malformed property bag: property bag holds a pair with an empty key at offset 0:"
            + " every pair needs a key");
    assertThat(TelemetryIntake.problem(DEVICE, "devices/dev1/messages/events/a=%zz", new byte[0], NOW))
        .contains("property bag value of key 'a'");
    assertThat(TelemetryIntake.problem(DEVICE, "devices/dev1/messages/events/a=1", new byte[0], NOW)).isNull();
  }

  @Test
  void countsBodyAndPropertiesButNotTheHubsOwnAgainstThe256KbLimit() {
    String topic = "devices/dev1/messages/events/%24.mid=12&ab=cd";
    int atLimit = TelemetryIntake.MAX_D2C_BYTES - 2 - 4;
    assertThat(TelemetryIntake.problem(DEVICE, topic, new byte[atLimit], NOW)).isNull();
    assertThat(TelemetryIntake.problem(DEVICE, topic, new byte[atLimit + 1], NOW))
        .isEqualTo("telemetry of " + (TelemetryIntake.MAX_D2C_BYTES + 1) + " bytes is over the 256 KB limit");
  }

  @Test
  void keepsTheNewestMessagesAndStampsWillsByTheClock() {
    TelemetryIntake intake = new TelemetryIntake(Clock.fixed(NOW, ZoneOffset.UTC), 2);
    for (int i = 0; i < 3; i++) {
      intake.capture(DEVICE, intake.parse(DEVICE, "devices/dev1/messages/events/n=" + i, new byte[0]), i == 2, 0);
    }
    intake.captureWill(MODULE, new Will("devices/dev1/modules/mod1/messages/events/", new byte[0], false));
    assertThat(intake.telemetry(DEVICE)).extracting(m -> m.applicationProperties().get("n"))
        .containsExactly("1", "2");
    assertThat(intake.telemetry(DEVICE).get(1).applicationProperties()).containsEntry("mqtt-retain", "true");
    assertThat(intake.telemetry(MODULE)).singleElement()
        .satisfies(will -> assertThat(will.applicationProperties()).containsEntry("iothub-MessageType", "Will"))
        .satisfies(will -> assertThat(will.enqueuedTime()).isEqualTo(NOW));
  }
}
