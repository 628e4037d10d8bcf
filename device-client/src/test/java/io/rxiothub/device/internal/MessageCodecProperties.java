// hubSize (counted field by field without encoding) equals the UTF-8 size of the wire properties it stands for,
// and the builder's allocation-free lone-surrogate check agrees with the UTF-8 encoder.
package io.rxiothub.device.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rxiothub.device.Message;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class MessageCodecProperties {

  @Provide
  Arbitrary<String> unicode() {
    // Any code point except lone surrogates, which have no UTF-8 form.
    return Arbitraries.strings().all().ofMaxLength(20)
        .filter(s -> s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF));
  }

  /** The hub's rule (protocol.md §9) computed the slow way, from the encoded wire properties. */
  private static int reference(MessageCodec codec, Message m) {
    int size = m.payloadSize();
    for (Map.Entry<String, String> e : codec.wireProperties(m).entrySet()) {
      if (!e.getKey().startsWith("$.")) {
        size += e.getKey().getBytes(StandardCharsets.UTF_8).length;
      }
      size += e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    return size;
  }

  @Property
  void hubSizeIsTheUtf8SizeOfPayloadSystemValuesAndApplicationProperties(
      @ForAll("unicode") String name, @ForAll("unicode") String value, @ForAll("unicode") String text,
      @ForAll boolean module, @ForAll boolean ctime) {
    Message.Builder b = Message.builder().payload(new byte[7]).contentType("application/json;" + text)
        .userId(text).outputName(text + "o").componentName(text + "c");
    if (ctime) {
      b.creationTimeEpochMillis(1_700_000_000_123L);
    }
    if (!name.isEmpty() && !name.startsWith("$.") && !name.startsWith("iothub-")) {
      b.property(name, value);
    }
    b.property("k", value);
    Message m = b.build();
    MessageCodec codec = new MessageCodec("dév" + text, module ? "m" + text : null);
    assertThat(codec.hubSize(m)).isEqualTo(reference(codec, m));
  }

  @Property
  void theTopicIsTheEncodedBagOfTheWireProperties(
      @ForAll("unicode") String name, @ForAll("unicode") String value, @ForAll("unicode") String text,
      @ForAll boolean module, @ForAll boolean ctime, @ForAll boolean system) {
    // telemetryTopic writes the bag straight into the topic; the map-based way is the reference.
    Message.Builder b = Message.builder().payload(new byte[3]);
    if (system) {
      b.messageId("m+%$#*(=").correlationId("c:@;'!").userId(text).contentType("application/json;" + text)
          .contentEncoding(text).outputName(text + "o").componentName(text + "c");
    }
    if (ctime) {
      b.creationTimeEpochMillis(1_700_000_000_123L);
    }
    if (!name.isEmpty() && !name.startsWith("$.") && !name.startsWith("iothub-")) {
      b.property(name, value);
    }
    b.property("k y", value).property("~*+", text);
    Message m = b.build();
    MessageCodec codec = new MessageCodec("dév" + text, module ? "m" + text : null);
    assertThat(codec.telemetryTopic(m))
        .isEqualTo(codec.topics().telemetry(PropertyBag.encode(codec.wireProperties(m))));
  }

  @Property
  void propertiesAcceptEveryValidUnicodeText(@ForAll("unicode") String value) {
    assertThat(Message.builder().property("k", value).build().properties()).containsEntry("k", value);
  }

  @Example
  void loneSurrogatesAreRefusedWherever() {
    for (String bad : new String[] {"\uD800", "a\uDC00", "\uD83D", "x\uDE00y", "\uDE00\uD83D"}) {
      assertThatThrownBy(() -> Message.builder().property("k", bad))
          .hasMessageContaining("value of property 'k'").hasMessageContaining("surrogate");
      assertThatThrownBy(() -> Message.builder().property(bad, "v"))
          .hasMessageContaining("name of property").hasMessageContaining("surrogate");
    }
    assertThat(Message.builder().property("k", "\uD83D\uDE00").build().properties())
        .containsEntry("k", "\uD83D\uDE00");
  }
}
