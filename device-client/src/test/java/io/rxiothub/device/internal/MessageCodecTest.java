// Telemetry topics exactly as protocol.md's "Ours" line, sizes, and cloud-to-device decoding.
package io.rxiothub.device.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.IotHubProtocolException;
import io.rxiothub.device.Message;
import io.rxiothub.sas.MessageTopic;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

  static final Message EXAMPLE = Message.builder()
      .payload("{}".getBytes(StandardCharsets.UTF_8))
      .messageId("msg-1")
      .correlationId("corr-1")
      .contentType("application/json")
      .contentEncoding("utf-8")
      .property("prop with space", "value with space")
      .property("weird", "a&b=c/d%e é")
      .build();

  @Test
  void deviceTelemetryTopicIsTheOursLineOfProtocolMd() {
    assertThat(new MessageCodec("dev1", null).telemetryTopic(EXAMPLE)).isEqualTo(
        "devices/dev1/messages/events/%24.mid=msg-1&%24.cid=corr-1&%24.ct=application%2Fjson"
            + "&%24.ce=utf-8&%24.cdid=dev1&prop%20with%20space=value%20with%20space"
            + "&weird=a%26b%3Dc%2Fd%25e%20%C3%A9");
  }

  @Test
  void moduleTelemetryTopicCarriesTheModuleAndNoTrailingSlash() {
    assertThat(new MessageCodec("dev1", "mod1").telemetryTopic(Message.builder()
        .messageId("m").outputName("out 1").build()))
        .isEqualTo("devices/dev1/modules/mod1/messages/events/%24.mid=m&%24.on=out%201"
            + "&%24.cdid=dev1&%24.cmid=mod1");
  }

  @Test
  void creationTimeIsSentAsIsoUtcWithMilliseconds() {
    assertThat(MessageTopic.parse(new MessageCodec("d", null).telemetryTopic(Message.builder()
        .creationTimeEpochMillis(1_700_000_000_123L).build())).properties())
        .containsEntry("$.ctime", "2023-11-14T22:13:20.123Z");
  }

  @Test
  void hubSizeCountsPayloadSystemValuesAndApplicationNamesAndValues() {
    Message m = Message.builder().payload(new byte[10]).messageId("abc").property("k", "é").build();
    // 10 payload + "abc" 3 + "d" (cdid) 1 + "k" 1 + "é" 2
    assertThat(new MessageCodec("d", null).hubSize(m)).isEqualTo(17);
  }

  @Test
  void cloudMessagesKeepEveryPropertyAndInventNothing() {
    CloudMessage m = new MessageCodec("dev1", null).decodeCloudMessage(
        "devices/dev1/messages/devicebound/prop0=first&%24.mid=def&%24.to=%2Fdevices%2Fdev1"
            + "%2Fmessages%2Fdevicebound&iothub-ack=full&bare&prop1=value%201",
        "hi".getBytes(StandardCharsets.UTF_8));
    assertThat(m.messageId()).isEqualTo("def");
    assertThat(m.correlationId()).isNull();
    assertThat(m.to()).isEqualTo("/devices/dev1/messages/devicebound");
    assertThat(m.ack()).isEqualTo("full");
    assertThat(m.applicationProperties().keySet()).containsExactly("prop0", "bare", "prop1");
    assertThat(m.applicationProperties().get("bare")).isNull();
    assertThat(m.properties()).hasSize(6);
    assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("hi");
  }

  @Test
  void cloudMessagesWithoutBagOrOnModulesDecode() {
    assertThat(new MessageCodec("dev1", null).decodeCloudMessage(
        "devices/dev1/messages/devicebound/", new byte[0]).properties()).isEmpty();
    assertThat(new MessageCodec("dev1", "m1").decodeCloudMessage(
        "devices/dev1/modules/m1/messages/devicebound/a=1", new byte[0]).properties())
        .isEqualTo(Map.of("a", "1"));
  }

  @Test
  void garbageTopicsAreProtocolErrorsNamingTheTopic() {
    MessageCodec codec = new MessageCodec("dev1", null);
    assertThatThrownBy(() -> codec.decodeCloudMessage("devices/dev2/messages/devicebound/a=1",
        new byte[0])).isInstanceOf(IotHubProtocolException.class)
        .hasMessageContaining("devices/dev2/messages/devicebound/a=1");
    assertThatThrownBy(() -> codec.decodeCloudMessage("devices/dev1/messages/devicebound/a=%G0",
        new byte[0])).isInstanceOf(IotHubProtocolException.class);
  }
}
