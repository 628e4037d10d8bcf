package io.rxiothub.cli.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireFrameTest {

  private static byte[] string(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes.length >> 8);
    out.write(bytes.length & 0xFF);
    out.writeBytes(bytes);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  @Test
  void connectShowsIdentityAndRedactsTheSignature() {
    byte[] body = concat(string("MQTT"), new byte[] {4, (byte) 0xC0, 0, (byte) 230}, string("dev1"),
        string("hub.net/dev1/?api-version=2021-04-12"),
        string("SharedAccessSignature sr=hub.net%2Fdevices%2Fdev1&sig=c2VjcmV0&se=1700000000"));

    WireFrame frame = WireFrame.decode(WireFrame.Direction.TO_HUB, 1, 0x10, body, null);

    assertThat(frame.toString()).isEqualTo("-> CONNECT  client id dev1, user name hub.net/dev1/?api-version=2021-04-12,"
        + " password SharedAccessSignature sr=hub.net%2Fdevices%2Fdev1&sig=<redacted>&se=1700000000,"
        + " clean session 0, keep-alive 230 s, MQTT level 4");
    assertThat(frame.toString()).doesNotContain("c2VjcmV0");
  }

  @Test
  void publishWithQos1CarriesTopicIdAndPayload() {
    byte[] body = concat(string("devices/d/messages/events/a=b"), new byte[] {0, 7},
        "{\"t\":1}".getBytes(StandardCharsets.UTF_8));

    WireFrame frame = WireFrame.decode(WireFrame.Direction.TO_HUB, 1, 0x32, body, null);

    assertThat(frame.qos()).isEqualTo(1);
    assertThat(frame.packetId()).isEqualTo(7);
    assertThat(frame.topic()).isEqualTo("devices/d/messages/events/a=b");
    assertThat(frame.describe()).isEqualTo("PUBLISH  qos 1 id 7 devices/d/messages/events/a=b  {\"t\":1}");
  }

  @Test
  void subackNamesTheFiltersItGrants() {
    WireFrame frame = WireFrame.decode(WireFrame.Direction.TO_DEVICE, 1, 0x90, new byte[] {0, 3, 1, (byte) 0x80},
        List.of("$iothub/twin/res/#", "bad/#"));

    assertThat(frame.grants("$iothub/twin/res/#")).isTrue();
    assertThat(frame.grants("bad/#")).isFalse();
    assertThat(frame.describe()).isEqualTo("SUBACK  id 3 $iothub/twin/res/# (granted qos 1) bad/# (refused)");
  }

  @Test
  void binaryPayloadsAreShownBySize() {
    assertThat(WireFrame.describePayload(new byte[] {0, 1, 2})).isEqualTo("(3 bytes)");
    assertThat(WireFrame.describePayload(new byte[0])).isEqualTo("(empty)");
  }

  @Test
  void aTruncatedPacketIsMarkedMalformed() {
    WireFrame frame = WireFrame.decode(WireFrame.Direction.TO_HUB, 1, 0x82, new byte[] {0, 1, 0, 9, 'a'}, null);

    assertThat(frame.describe()).contains("(malformed: 5 bytes)");
  }
}
