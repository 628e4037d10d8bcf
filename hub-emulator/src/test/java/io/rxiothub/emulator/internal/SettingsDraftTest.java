// The builder's values: the defaults, each bad value refused at once naming its option, and a host name with an MQTT
// wildcard refused when the settings are made.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsDraftTest {

  @Test
  void theDefaultsAreLocalhostOn8883And443InMemory() {
    HubSettings s = new SettingsDraft().settings();

    assertThat(s).isEqualTo(new HubSettings("localhost", List.of(), "127.0.0.1", 8883, 443, -1, null,
        Clock.systemUTC(), 1000, null));
  }

  @Test
  void eachValueSetReachesTheSettingsAndCertificateNamesAreLowerCased() {
    Clock clock = Clock.fixed(Instant.parse("2026-12-03T00:00:00Z"), ZoneOffset.UTC);
    SettingsDraft d = new SettingsDraft();
    d.hostName("hub.example");
    d.certificateNames("Hub.Example", "10.0.0.1");
    d.bindAddress("0.0.0.0");
    d.mqttPort(0);
    d.webSocketPort(-1);
    d.plainTcpPort(1883);
    d.dataDir(Path.of("data"));
    d.clock(clock);
    d.telemetryRetention(5);
    d.tlsMaterial(Path.of("tls.pem"));

    assertThat(d.settings()).isEqualTo(new HubSettings("hub.example", List.of("hub.example", "10.0.0.1"),
        "0.0.0.0", 0, -1, 1883, Path.of("data"), clock, 5, Path.of("tls.pem")));
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("empty host name", (Consumer<SettingsDraft>) d -> d.hostName(""),
            "hostName must be a non-empty host name without '/' or ';'"),
        Arguments.of("host name with ';'", (Consumer<SettingsDraft>) d -> d.hostName("a;b"),
            "hostName must be a non-empty host name without '/' or ';'"),
        Arguments.of("empty certificate name", (Consumer<SettingsDraft>) d -> d.certificateNames(""),
            "certificateNames must not contain null or empty names"),
        Arguments.of("null bind address", (Consumer<SettingsDraft>) d -> d.bindAddress(null),
            "bindAddress must not be empty"),
        Arguments.of("MQTT port off", (Consumer<SettingsDraft>) d -> d.mqttPort(-1),
            "mqttPort must be in 0..65535, got -1"),
        Arguments.of("WebSocket port over 65535", (Consumer<SettingsDraft>) d -> d.webSocketPort(65536),
            "webSocketPort must be in 0..65535 or -1 (off), got 65536"),
        Arguments.of("plain port below -1", (Consumer<SettingsDraft>) d -> d.plainTcpPort(-2),
            "plainTcpPort must be in 0..65535 or -1 (off), got -2"),
        Arguments.of("null clock", (Consumer<SettingsDraft>) d -> d.clock(null), "clock must not be null"),
        Arguments.of("no telemetry kept", (Consumer<SettingsDraft>) d -> d.telemetryRetention(0),
            "telemetryRetention must be at least 1, got 0"),
        Arguments.of("null TLS material", (Consumer<SettingsDraft>) d -> d.tlsMaterial(null),
            "pemFile must not be null"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void aBadValueIsRefusedAtOnceNamingItsOption(String what, Consumer<SettingsDraft> set, String message) {
    SettingsDraft d = new SettingsDraft();

    assertThatThrownBy(() -> set.accept(d)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    assertThat(d.settings()).isEqualTo(new SettingsDraft().settings());
  }

  @Test
  void aHostNameWithAnMqttWildcardIsRefusedWhenTheSettingsAreMade() {
    SettingsDraft d = new SettingsDraft();
    d.hostName("hub+1");

    assertThatThrownBy(d::settings).isInstanceOf(IllegalStateException.class)
        .hasMessage("hostName must not contain '+' or '#'");
  }
}
