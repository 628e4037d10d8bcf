// Topic grammar examples from the seeds and IBM's SDK (protocol.md §14.2, §14.5).
package io.rxiothub.watson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class WatsonTopicTest {

  @Test
  void gatewayPublishesForItselfAndForADeviceBehindIt() {
    WatsonTopic own = WatsonTopic.parse("iot-2/type/mygateway/id/gateway1/evt/status/fmt/json");
    WatsonTopic behind = WatsonTopic.event("mydevice", "device1", "status", "json");
    assertThat(own.kind()).isEqualTo(WatsonTopic.Kind.EVENT);
    assertThat(own.typeId()).isEqualTo("mygateway");
    assertThat(own.deviceId()).isEqualTo("gateway1");
    assertThat(own.name()).isEqualTo("status");
    assertThat(own.format()).isEqualTo("json");
    assertThat(behind).hasToString("iot-2/type/mydevice/id/device1/evt/status/fmt/json");
  }

  @Test
  void commandFiltersOfSeed001MatchTheirCommands() {
    WatsonTopic all = WatsonTopic.parseFilter("iot-2/type/mydevice/id/+/cmd/+/fmt/+");
    assertThat(all.isFilter()).isTrue();
    assertThat(all.matches("iot-2/type/mydevice/id/device1/cmd/reboot/fmt/json")).isTrue();
    assertThat(all.matches("iot-2/type/other/id/device1/cmd/reboot/fmt/json")).isFalse();
    assertThat(WatsonTopic.commandFilter("mygateway", "gateway1", "+", "+"))
        .hasToString("iot-2/type/mygateway/id/gateway1/cmd/+/fmt/+");
  }

  @Test
  void dmTopicsKeepTheirOperationAndDropSeed001sTrailingSlash() {
    WatsonTopic manage = WatsonTopic.parse("iotdevice-1/type/t/id/d/mgmt/manage/");
    assertThat(manage.kind()).isEqualTo(WatsonTopic.Kind.DM_TO_PLATFORM);
    assertThat(manage.name()).isEqualTo("mgmt/manage");
    assertThat(DmOperation.of(manage)).isEqualTo(DmOperation.MANAGE);
    WatsonTopic reboot = DmOperation.REBOOT.topic("t", "d");
    assertThat(reboot).hasToString("iotdm-1/type/t/id/d/mgmt/initiate/device/reboot");
    assertThat(DmOperation.of(WatsonTopic.parse(reboot.toString()))).isEqualTo(DmOperation.REBOOT);
    assertThat(DmOperation.of(WatsonTopic.parse("iotdevice-1/mgmt/manage"))).isEqualTo(DmOperation.MANAGE);
    assertThat(WatsonTopic.parseFilter("iotdm-1/type/+/id/+/response").matches("iotdm-1/type/t/id/d/response"))
        .isTrue();
  }

  @Test
  void deviceFormsNameNoTypeOrDevice() {
    WatsonTopic event = WatsonTopic.parse("iot-2/evt/temp/fmt/json");
    assertThat(event.kind()).isEqualTo(WatsonTopic.Kind.OWN_EVENT);
    assertThat(event.typeId()).isNull();
    assertThat(WatsonTopic.parseFilter("iot-2/cmd/+/fmt/+").kind()).isEqualTo(WatsonTopic.Kind.OWN_COMMAND);
  }

  static Stream<Arguments> badTopics() {
    return Stream.of(
        Arguments.of("iot-2/type/my type/id/d/evt/e/fmt/json", "typeId"),
        Arguments.of("iot-2/type/t/id/" + "x".repeat(37) + "/evt/e/fmt/json", "deviceId"),
        Arguments.of("iot-2/type/t/id/+/evt/e/fmt/json", "deviceId must not be a wildcard"),
        Arguments.of("iot-2/type/t/id/d/cmd/#", "'#'"),
        Arguments.of("iot-2/type/t/id/d/status", "matches no iot-2 form"),
        Arguments.of("devices/d/messages/events/", "must start with"),
        Arguments.of("iotdevice-1/type/t/id/d/", "operation is missing"),
        Arguments.of("", "missing"));
  }

  @ParameterizedTest(name = "{0} fails naming {1}")
  @MethodSource("badTopics")
  void badTopicsFailNamingTheLevel(String topic, String named) {
    assertThatThrownBy(() -> WatsonTopic.parse(topic))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
  }

  @Test
  void wildcardsOnlyWhereTheDialectAllowsThem() {
    assertThatThrownBy(() -> WatsonTopic.parseFilter("iot-2/evt/+/fmt/json"))
        .hasMessageContaining("eventId must not be a wildcard");
    assertThatThrownBy(() -> WatsonTopic.commandFilter("t", "a+b", "+", "+"))
        .hasMessageContaining("deviceId");
  }

  @Test
  void clientIdsRoundTripAndNameTheBrokenRule() {
    assertThat(ClientId.parse("g:abc123:gwtype:gw1")).isEqualTo(ClientId.gateway("abc123", "gwtype", "gw1"));
    assertThat(ClientId.parse("A:abc123:app").kind()).isEqualTo(ClientId.Kind.SCALABLE_APPLICATION);
    assertThat(ClientId.device("abc123", "t", "d")).hasToString("d:abc123:t:d");
    assertThatThrownBy(() -> ClientId.parse("g:ABC123:t:d")).hasMessageContaining("orgId");
    assertThatThrownBy(() -> ClientId.parse("x:abc123:t:d")).hasMessageContaining("must start with g:");
    assertThatThrownBy(() -> ClientId.parse("d:abc123:t")).hasMessageContaining("d:{orgId}:{typeId}:{deviceId}");
  }
}
