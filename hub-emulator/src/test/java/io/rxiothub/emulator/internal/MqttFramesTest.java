package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MqttFramesTest {

  private final MqttFrames frames = new MqttFrames();
  private final List<ByteBuf> packets = new ArrayList<>();

  private static ByteBuf bytes(int... values) {
    ByteBuf out = Unpooled.buffer();
    for (int value : values) {
      out.writeByte(value);
    }
    return out;
  }

  private void add(ByteBuf chunk) {
    frames.add(chunk, ByteBufAllocator.DEFAULT, packets::add);
  }

  private List<String> hex() {
    List<String> out = new ArrayList<>();
    for (ByteBuf packet : packets) {
      out.add(ByteBufUtil.hexDump(packet));
      packet.release();
    }
    return out;
  }

  @Test
  void packetsSplitAcrossChunksComeOutWhole() {
    add(bytes(0x40, 0x02, 0x00));                      // PUBACK, cut in its body
    add(bytes(0x07, 0xC0, 0x00, 0x30));                // its end, a PINGREQ, a PUBLISH's first byte
    add(bytes(0x03, 0x00, 0x01, 't'));                 // the PUBLISH's rest

    assertThat(hex()).containsExactly("40020007", "c000", "3003000174");
  }

  @Test
  void afterAMalformedLengthTheStreamPassesThroughUnsplit() {
    add(bytes(0xC0, 0x00, 0x30, 0x80, 0x80, 0x80, 0x80, 0x01));
    add(bytes(0x01, 0x02));

    assertThat(hex()).containsExactly("c000", "308080808001", "0102");
  }

  @Test
  void theFieldsFaultInjectionNeedsAreRead() {
    ByteBuf connect = Unpooled.buffer();
    connect.writeBytes(new byte[] {0x10, 16, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 4});
    connect.writeBytes("dev1".getBytes(StandardCharsets.UTF_8));
    ByteBuf publish = bytes(0x32, 7, 0, 3, 'a', '/', 'b', 0, 9);
    ByteBuf puback = bytes(0x40, 2, 0, 9);

    assertThat(MqttFrames.type(connect)).isEqualTo(MqttFrames.CONNECT);
    assertThat(MqttFrames.connectClientId(connect)).isEqualTo("dev1");
    assertThat(MqttFrames.qos(publish)).isEqualTo(1);
    assertThat(MqttFrames.publishTopic(publish)).isEqualTo("a/b");
    assertThat(MqttFrames.publishPacketId(publish)).isEqualTo(9);
    assertThat(MqttFrames.pubackPacketId(puback)).isEqualTo(9);
    assertThat(MqttFrames.pubackPacketId(bytes(0x40, 2, 0))).isEqualTo(-1);
    assertThat(MqttFrames.connectClientId(bytes(0x10, 0x80, 0x80, 0x80, 0x80, 0x01))).isNull();
  }
}
