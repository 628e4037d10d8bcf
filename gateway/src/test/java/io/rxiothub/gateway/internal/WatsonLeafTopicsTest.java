// The topics a Watson leaf may use through the gateway (protocol.md §18.3): its own events and command filters.
package io.rxiothub.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WatsonLeafTopicsTest {

  @Test
  void aDevicesOwnEventIsCarried() {
    assertThat(WatsonLeafTopics.event("iot-2/evt/status/fmt/json"))
        .isEqualTo(new WatsonLeafTopics.Event("status", "json"));
  }

  @Test
  void anythingElseIsNotCarried() {
    assertThat(WatsonLeafTopics.event("iot-2/type/sensor/id/s2/evt/status/fmt/json")).isNull();
    assertThat(WatsonLeafTopics.event("iotdevice-1/mgmt/manage")).isNull();
    assertThat(WatsonLeafTopics.event("iot-2/evt/bad level/fmt/json")).isNull();
    assertThat(WatsonLeafTopics.event("devices/leaf/messages/events/")).isNull();
  }

  @Test
  void commandFiltersOfTheDeviceFormAreAllowed() {
    assertThat(WatsonLeafTopics.commandFilter("iot-2/cmd/+/fmt/+")).isTrue();
    assertThat(WatsonLeafTopics.commandFilter("iot-2/cmd/open/fmt/json")).isTrue();
    assertThat(WatsonLeafTopics.commandFilter("iot-2/type/+/id/+/cmd/+/fmt/+")).isFalse();
    assertThat(WatsonLeafTopics.commandFilter("iot-2/#")).isFalse();
    assertThat(WatsonLeafTopics.commandFilter("#")).isFalse();
  }

  @Test
  void aCommandReachesTheLeafOnItsDeviceTopic() {
    assertThat(WatsonLeafTopics.commandTopic("open", "json")).isEqualTo("iot-2/cmd/open/fmt/json");
  }
}
