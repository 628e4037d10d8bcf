// The message topics and the CONNECT user name as protocol.md §3-§5 write them.
package io.rxiothub.sas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.LinkedHashMap;
import java.util.Map;
import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class WireGrammarTest {

  @Test
  void parsesTheOursTelemetryLineOfProtocolMd() {
    MessageTopic t = MessageTopic.parse("devices/dev1/messages/events/%24.mid=msg-1&%24.cid=corr-1"
        + "&%24.ct=application%2Fjson&%24.ce=utf-8&%24.cdid=dev1&prop%20with%20space=value%20with%20space"
        + "&weird=a%26b%3Dc%2Fd%25e%20%C3%A9");
    assertThat(t.kind()).isEqualTo(MessageTopic.Kind.TELEMETRY);
    assertThat(t.deviceId()).isEqualTo("dev1");
    assertThat(t.moduleId()).isNull();
    assertThat(t.properties()).containsExactly(Map.entry("$.mid", "msg-1"), Map.entry("$.cid", "corr-1"),
        Map.entry("$.ct", "application/json"), Map.entry("$.ce", "utf-8"), Map.entry("$.cdid", "dev1"),
        Map.entry("prop with space", "value with space"), Map.entry("weird", "a&b=c/d%e é"));
  }

  @Test
  void parsesModuleTopicsTheJavaSdksTrailingSlashAndNoBag() {
    MessageTopic java = MessageTopic.parse("devices/dev1/modules/mod1/messages/events/$.mid=msg-1&$.cmid=mod1/");
    assertThat(java.moduleId()).isEqualTo("mod1");
    assertThat(java.properties()).containsExactly(Map.entry("$.mid", "msg-1"), Map.entry("$.cmid", "mod1"));
    assertThat(MessageTopic.parse("devices/dev1/messages/events").properties()).isEmpty();
    assertThat(MessageTopic.parse("devices/dev1/messages/events/").properties()).isEmpty();
    MessageTopic c2d = MessageTopic.parse("devices/dev1/messages/devicebound/?prop1&prop2=");
    assertThat(c2d.kind()).isEqualTo(MessageTopic.Kind.DEVICEBOUND);
    assertThat(c2d.properties().keySet()).containsExactly("prop1", "prop2");
    assertThat(c2d.properties().get("prop1")).isNull();
    assertThat(c2d.properties().get("prop2")).isEmpty();
  }

  @Test
  void formatsWithThePrefixOfTheIdentity() {
    Map<String, String> bag = new LinkedHashMap<>();
    bag.put("$.mid", "m");
    bag.put("$.on", "out 1");
    assertThat(MessageTopic.of(MessageTopic.Kind.TELEMETRY, "dev1", "mod1", bag).format())
        .isEqualTo("devices/dev1/modules/mod1/messages/events/%24.mid=m&%24.on=out%201");
    MessageTopic.Identity id = new MessageTopic.Identity("dev1", null);
    assertThat(id.deviceboundFilter()).isEqualTo("devices/dev1/messages/devicebound/#");
    assertThat(id.telemetry("")).isEqualTo("devices/dev1/messages/events/");
    assertThat(id.deviceboundBag("devices/dev1/messages/devicebound")).isEmpty();
    assertThat(id.deviceboundBag("devices/dev1/messages/devicebound/a=1/")).isEqualTo("a=1");
    assertThatIllegalArgumentException().isThrownBy(() -> id.deviceboundBag("devices/dev2/messages/devicebound/a"))
        .withMessage("'devices/dev2/messages/devicebound/a' is not a cloud-to-device topic of this identity; "
            + "expected it to start with 'devices/dev1/messages/devicebound/'");
  }

  @Test
  void rejectsMalformedTopicsNamingThePartAndTheRule() {
    assertThatIllegalArgumentException().isThrownBy(() -> MessageTopic.parse("$iothub/twin/GET/?$rid=1"))
        .withMessage("message topic '$iothub/twin/GET/?$rid=1' must start with 'devices/'");
    assertThatIllegalArgumentException().isThrownBy(() -> MessageTopic.parse("devices/d+1/messages/events/"))
        .withMessageContaining("DeviceId 'd+1' contains '+' or '#'");
    assertThatIllegalArgumentException().isThrownBy(() -> MessageTopic.parse("devices/d/messages/eventsX"))
        .withMessageContaining("must have '/' after 'events'");
    assertThatIllegalArgumentException().isThrownBy(() -> MessageTopic.parse("devices/d/messages/other/"))
        .withMessageContaining("'events/' (telemetry) or 'devicebound/'");
    assertThatIllegalArgumentException().isThrownBy(() -> MessageTopic.parse("devices/d/messages/events/=1"))
        .withMessage("message topic 'devices/d/messages/events/=1' property bag holds a pair with an empty "
            + "key at offset 0: every pair needs a key");
  }

  @Test
  void userNameIsTheOursFormOfProtocolMd() {
    ConnectUserName device = ConnectUserName.builder().hostName("hub.example.net").deviceId("dev1")
        .apiVersion("2021-04-12").deviceClientType("rxiothub/0.1.0 (demo 1)").build();
    assertThat(device.format()).isEqualTo("hub.example.net/dev1/?api-version=2021-04-12"
        + "&DeviceClientType=rxiothub%2F0.1.0%20%28demo%201%29");
    ConnectUserName module = device.toBuilder().moduleId("mod1").deviceClientType(null)
        .modelId("dtmi:com:example:Thermostat;1").build();
    assertThat(module.format()).isEqualTo("hub.example.net/dev1/mod1/?api-version=2021-04-12"
        + "&model-id=dtmi%3Acom%3Aexample%3AThermostat%3B1");
    assertThat(ConnectUserName.parse("hub.example.net/dev1/mod1/?model-id=dtmi%3Acom%3Aexample%3AThermostat%3B1"
        + "&x=1&api-version=2021-04-12")).isEqualTo(module);
  }

  @Test
  void rejectsMalformedUserNamesNamingTheRule() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ConnectUserName.parse("h/dev1/api-version=2016-11-14&DeviceClientType=x"))
        .withMessageContaining("must continue with '?' after the device id and '/'");
    assertThatIllegalArgumentException().isThrownBy(() -> ConnectUserName.parse("h/dev1/?DeviceClientType=x"))
        .withMessage("CONNECT user name 'h/dev1/?DeviceClientType=x' has no api-version value");
    assertThatIllegalArgumentException().isThrownBy(() -> ConnectUserName.parse("h/d^1/?api-version=1"))
        .withMessageContaining("DeviceId contains an illegal character");
    assertThatIllegalStateException().isThrownBy(() -> ConnectUserName.builder().hostName("h").build())
        .withMessageContaining("needs a host name, a device id and an api-version");
  }

  @Test
  void systemPropertiesAreListedOnceInSendingOrder() {
    assertThat(java.util.Arrays.stream(SystemProperty.values()).filter(SystemProperty::isDeviceToCloud)
        .map(SystemProperty::key)).containsExactly("$.mid", "$.cid", "$.uid", "$.ct", "$.ce", "$.ctime",
        "$.on", "$.sub", "$.cdid", "$.cmid", "$.ifid");
    assertThat(java.util.Arrays.stream(SystemProperty.values()).filter(SystemProperty::isCloudToDevice)
        .map(SystemProperty::key)).containsExactly("$.mid", "$.cid", "$.uid", "$.ct", "$.ce", "$.exp",
        "$.to", "iothub-ack");
    assertThat(SystemProperty.ofKey("$.to")).isEqualTo(SystemProperty.TO);
    assertThat(SystemProperty.ofKey("to")).isNull();
    assertThat(SystemProperty.isReserved("iothub-MessageType")).isTrue();
    assertThat(SystemProperty.isReserved("room")).isFalse();
  }

  @Test
  void equalsAndHashCode() {
    EqualsVerifier.forClass(ConnectUserName.class).verify();
    // Properties compare in order, which Map.equals does not: hashCode stays the map's, still consistent.
    EqualsVerifier.forClass(MessageTopic.class).suppress(Warning.STRICT_HASHCODE).verify();
  }
}
