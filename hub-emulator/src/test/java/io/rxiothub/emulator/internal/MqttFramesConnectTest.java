// The front's CONNECT rewrite for client certificates (protocol.md §15.5): the broker sees the same CONNECT with a
// password appended, every other field intact.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.rxiothub.emulator.mqtt.MqttPacket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MqttFramesConnectTest {

  private static void string(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >> 8);
    out.write(b.length);
    out.write(b, 0, b.length);
  }

  private static ByteBuf connect(String clientId, String userName, int extraFlags, String willTopic) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    string(body, "MQTT");
    body.write(4);
    body.write(0x80 | extraFlags | (willTopic.isEmpty() ? 0 : 0x04));
    body.write(0);
    body.write(230);
    string(body, clientId);
    if (!willTopic.isEmpty()) {
      string(body, willTopic);
      string(body, "bye");
    }
    string(body, userName);
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    packet.write(0x10);
    int remaining = body.size();
    do {
      int digit = remaining % 128;
      remaining /= 128;
      packet.write(remaining > 0 ? digit | 0x80 : digit);
    } while (remaining > 0);
    packet.write(body.toByteArray(), 0, body.size());
    return Unpooled.wrappedBuffer(packet.toByteArray());
  }

  @Test
  void appendsThePasswordAndKeepsClientIdUserNameAndWill() {
    String longUser = "hub.localhost/dev1/?api-version=2021-04-12&DeviceClientType=" + "x".repeat(200);
    ByteBuf original = connect("dev1", longUser, 0x02, "devices/dev1/messages/events/");
    assertThat(MqttFrames.connectNeedsPassword(original)).isTrue();
    ByteBuf rewritten = MqttFrames.connectWithPassword(original, "marker".getBytes(StandardCharsets.UTF_8),
        ByteBufAllocator.DEFAULT);
    MqttPacket decoded = MqttPacket.decode(rewritten.nioBuffer());
    assertThat(decoded.malformed()).isFalse();
    assertThat(decoded.clientId()).isEqualTo("dev1");
    assertThat(decoded.userName()).isEqualTo(longUser);
    assertThat(new String(decoded.password(), StandardCharsets.UTF_8)).isEqualTo("marker");
    assertThat(MqttFrames.connectNeedsPassword(rewritten)).isFalse();
    rewritten.release();
  }
}
