// The console's URL: on the WebSocket port, refused when that port is off.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceStringsTest {

  @Test
  void theConsoleIsOnTheWebSocketPort() {
    assertThat(ServiceStrings.consoleUrl("hub.localhost", 8443)).isEqualTo("https://hub.localhost:8443/console/");
  }

  @Test
  void theConsoleHasNoUrlWhenTheWebSocketPortIsOff() {
    assertThatThrownBy(() -> ServiceStrings.consoleUrl("hub.localhost", -1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the console is served on the WebSocket port, which is off");
  }
}
