package io.rxiothub.emulator.mqtt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class MqttPacketTest {

  private static byte[] string(String s) {
    byte[] bytes = s.getBytes(UTF_8);
    return concat(new byte[] {(byte) (bytes.length >> 8), (byte) bytes.length}, bytes);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  @Test
  void packetLengthIsKnownOnceTheFixedHeaderIsWhole() {
    assertThat(MqttPacket.packetLength(bytes(0x30), 0, 1)).isEqualTo(-1);
    assertThat(MqttPacket.packetLength(bytes(0x30, 0x80), 0, 2)).isEqualTo(-1);
    assertThat(MqttPacket.packetLength(bytes(0x30, 0x05), 0, 2)).isEqualTo(7);
    assertThat(MqttPacket.packetLength(bytes(0x30, 0xC1, 0x02), 0, 3)).isEqualTo(1 + 2 + 321);
    assertThat(MqttPacket.packetLength(bytes(0xC0, 0x00), 0, 2)).isEqualTo(2);
    assertThat(MqttPacket.packetLength(bytes(9, 9, 0x30, 0xFF, 0xFF, 0xFF, 0x7F), 2, 5))
        .isEqualTo(1 + 4 + 268_435_455);
  }

  @Test
  void packetLengthRejectsARemainingLengthOfMoreThanFourBytes() {
    assertThatThrownBy(() -> MqttPacket.packetLength(bytes(0x30, 0x80, 0x80, 0x80, 0x80, 0x01), 0, 6))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 4 bytes");
    assertThatThrownBy(() -> MqttPacket.packetLength(bytes(0x30, 0x80, 0x80, 0x80, 0x80), 0, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void connectHasItsFieldsAndKeepsThePasswordOutOfToString() {
    byte[] body = concat(string("MQTT"), bytes(4, 0xC6, 0, 230), string("dev1"), string("will/t"), string("bye"),
        string("hub.net/dev1/?api-version=2021-04-12"), string("SharedAccessSignature sig=c2VjcmV0"));

    MqttPacket packet = MqttPacket.decode(0x10, ByteBuffer.wrap(body));

    assertThat(packet.type()).isEqualTo(MqttPacket.CONNECT);
    assertThat(packet.typeName()).isEqualTo("CONNECT");
    assertThat(packet.protocolName()).isEqualTo("MQTT");
    assertThat(packet.protocolLevel()).isEqualTo(4);
    assertThat(packet.keepAlive()).isEqualTo(230);
    assertThat(packet.cleanSession()).isTrue();
    assertThat(packet.clientId()).isEqualTo("dev1");
    assertThat(packet.willTopic()).isEqualTo("will/t");
    assertThat(packet.userName()).isEqualTo("hub.net/dev1/?api-version=2021-04-12");
    assertThat(packet.password()).isEqualTo("SharedAccessSignature sig=c2VjcmV0".getBytes(UTF_8));
    assertThat(packet.malformed()).isFalse();
    assertThat(packet.packetId()).isEqualTo(-1);
    assertThat(packet.toString()).contains("CONNECT", "dev1").doesNotContain("c2VjcmV0");
  }

  @Test
  void aWholePublishIsDecodedFromItsFixedHeaderOnAndLeavesTheBufferAsItWas() {
    byte[] body = concat(string("devices/d/messages/events/a=b"), bytes(0, 7), "{\"t\":1}".getBytes(UTF_8));
    byte[] whole = concat(bytes(0x3B, body.length), body, bytes(0xE0, 0));   // a DISCONNECT follows
    ByteBuffer buffer = ByteBuffer.wrap(whole);

    MqttPacket packet = MqttPacket.decode(buffer);

    assertThat(packet.type()).isEqualTo(MqttPacket.PUBLISH);
    assertThat(packet.qos()).isEqualTo(1);
    assertThat(packet.dup()).isTrue();
    assertThat(packet.retain()).isTrue();
    assertThat(packet.packetId()).isEqualTo(7);
    assertThat(packet.topic()).isEqualTo("devices/d/messages/events/a=b");
    assertThat(new String(packet.payload(), UTF_8)).isEqualTo("{\"t\":1}");
    assertThat(packet.remainingLength()).isEqualTo(body.length);
    assertThat(buffer.position()).isZero();
    assertThat(buffer.limit()).isEqualTo(whole.length);
  }

  @Test
  void aQos0PublishHasNoPacketId() {
    MqttPacket packet = MqttPacket.decode(0x30, ByteBuffer.wrap(concat(string("t"), bytes(1, 2, 3))));

    assertThat(packet.qos()).isZero();
    assertThat(packet.packetId()).isEqualTo(-1);
    assertThat(packet.payload()).containsExactly(1, 2, 3);
    assertThat(packet.dup()).isFalse();
  }

  @Test
  void acknowledgementsCarryTheirIdsAndCodes() {
    MqttPacket puback = MqttPacket.decode(ByteBuffer.wrap(bytes(0x40, 2, 0x01, 0x02)));
    MqttPacket connack = MqttPacket.decode(0x20, ByteBuffer.wrap(bytes(1, 5)));
    MqttPacket suback = MqttPacket.decode(0x90, ByteBuffer.wrap(bytes(0, 3, 1, 0x80)));

    assertThat(puback.packetId()).isEqualTo(258);
    assertThat(connack.returnCodes()).containsExactly(5);
    assertThat(connack.sessionPresent()).isTrue();
    assertThat(suback.packetId()).isEqualTo(3);
    assertThat(suback.returnCodes()).containsExactly(1, 0x80);
  }

  @Test
  void subscribeAndUnsubscribeListTheirFilters() {
    MqttPacket subscribe = MqttPacket.decode(0x82, ByteBuffer.wrap(concat(bytes(0, 4), string("a/#"), bytes(1),
        string("b"), bytes(0))));
    MqttPacket unsubscribe = MqttPacket.decode(0xA2, ByteBuffer.wrap(concat(bytes(0, 5), string("a/#"))));

    assertThat(subscribe.filters()).containsExactly("a/#", "b");
    assertThat(subscribe.requestedQos()).containsExactly(1, 0);
    assertThat(unsubscribe.packetId()).isEqualTo(5);
    assertThat(unsubscribe.filters()).containsExactly("a/#");
    assertThat(unsubscribe.requestedQos()).isEmpty();
  }

  @Test
  void aPacketCutShortIsMalformedAndKeepsWhatWasReadBeforeTheCut() {
    MqttPacket noFilter = MqttPacket.decode(0x82, ByteBuffer.wrap(bytes(0, 1, 0, 9, 'a')));
    MqttPacket noQos = MqttPacket.decode(0x82, ByteBuffer.wrap(concat(bytes(0, 1), string("a"))));
    MqttPacket noId = MqttPacket.decode(0x32, ByteBuffer.wrap(string("t")));
    MqttPacket noPassword = MqttPacket.decode(0x10, ByteBuffer.wrap(concat(string("MQTT"), bytes(4, 0x40, 0, 60),
        string("dev1"), bytes(0, 10))));

    assertThat(noFilter.malformed()).isTrue();
    assertThat(noFilter.packetId()).isEqualTo(1);
    assertThat(noFilter.filters()).isEmpty();
    assertThat(noQos.malformed()).isTrue();
    assertThat(noQos.filters()).containsExactly("a");
    assertThat(noQos.requestedQos()).isEmpty();
    assertThat(noId.malformed()).isTrue();
    assertThat(noId.topic()).isEqualTo("t");
    assertThat(noId.packetId()).isEqualTo(-1);
    assertThat(noId.payload()).isEmpty();
    assertThat(noPassword.malformed()).isTrue();
    assertThat(noPassword.clientId()).isEqualTo("dev1");
    assertThat(noPassword.password()).isNull();
  }

  @Test
  void packetsWithoutABodyAreWhole() {
    MqttPacket ping = MqttPacket.decode(ByteBuffer.wrap(bytes(0xC0, 0)));

    assertThat(ping.typeName()).isEqualTo("PINGREQ");
    assertThat(ping.malformed()).isFalse();
    assertThat(ping.remainingLength()).isZero();
    assertThat(MqttPacket.nameOf(0)).isEqualTo("RESERVED");
  }

  @Test
  void decodingAWholePacketNeedsItsWholeFixedHeader() {
    assertThatThrownBy(() -> MqttPacket.decode(ByteBuffer.wrap(bytes(0x30, 0x80))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MqttPacket.decode(ByteBuffer.allocate(0)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
