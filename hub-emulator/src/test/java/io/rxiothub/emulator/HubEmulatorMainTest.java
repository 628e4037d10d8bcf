// The command line of the runnable jar.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class HubEmulatorMainTest {

  @Test
  void defaultsMatchIotHub() {
    HubEmulatorMain.Options o = HubEmulatorMain.Options.parse(new String[0]);
    assertThat(o.host).isEqualTo("localhost");
    assertThat(o.mqttPort).isEqualTo(8883);
    assertThat(o.wsPort).isEqualTo(443);
    assertThat(o.tcpPort).isEqualTo(-1);
    assertThat(o.bind).isEqualTo("127.0.0.1");
    assertThat(o.dataDir).isNull();
    assertThat(o.device).isEqualTo("device1");
  }

  @Test
  void parsesEveryOption() {
    HubEmulatorMain.Options o = HubEmulatorMain.Options.parse(new String[] {"--host", "hub.localhost",
        "--mqtt-port", "0", "--ws-port", "-1", "--tcp-port", "1883", "--bind", "0.0.0.0", "--data-dir", "/tmp/h",
        "--device", "d9", "--cert-name", "a.example", "--cert-name", "10.0.0.1"});
    assertThat(o.host).isEqualTo("hub.localhost");
    assertThat(o.mqttPort).isZero();
    assertThat(o.wsPort).isEqualTo(-1);
    assertThat(o.tcpPort).isEqualTo(1883);
    assertThat(o.bind).isEqualTo("0.0.0.0");
    assertThat(o.dataDir).isEqualTo(Paths.get("/tmp/h"));
    assertThat(o.device).isEqualTo("d9");
    assertThat(o.certNames).containsExactly("a.example", "10.0.0.1");
  }

  @Test
  void rejectsUnknownOptionsAndBadPorts() {
    assertThatThrownBy(() -> HubEmulatorMain.Options.parse(new String[] {"--nope", "x"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--nope");
    assertThatThrownBy(() -> HubEmulatorMain.Options.parse(new String[] {"--mqtt-port", "x"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--mqtt-port");
    assertThatThrownBy(() -> HubEmulatorMain.Options.parse(new String[] {"--host"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--host");
  }
}
