// hubSize (counted field by field without encoding) equals the UTF-8 size of the wire properties it stands for,
// and the builder's allocation-free lone-surrogate check agrees with the UTF-8 encoder.
package io.rxiothub.device.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rxiothub.device.Message;
import io.rxiothub.sas.PropertyBag;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

class MessageCodecProperties {

  @Provide
  Arbitrary<String> unicode() {
    // Any code point except lone surrogates, which have no UTF-8 form.
    return Arbitraries.strings().all().ofMaxLength(20)
        .filter(s -> s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF));
  }

  /**
   * The properties {@code m} must carry on the wire, in order (protocol.md §4, §5 "Ours"): system
   * properties, then application properties in insertion order. The reference the codec is held to.
   */
  private static Map<String, String> wireProperties(String deviceId, @Nullable String moduleId, Message m) {
    Map<String, String> out = new LinkedHashMap<>();
    BiConsumer<String, String> put = (k, v) -> {
      if (v != null) {
        out.put(k, v);
      }
    };
    put.accept("$.mid", m.messageId());
    put.accept("$.cid", m.correlationId());
    put.accept("$.uid", m.userId());
    put.accept("$.ct", m.contentType());
    put.accept("$.ce", m.contentEncoding());
    put.accept("$.ctime", m.creationTimeEpochMillis() == null ? null
        : MessageCodec.formatUtc(m.creationTimeEpochMillis()));
    put.accept("$.on", m.outputName());
    put.accept("$.sub", m.componentName());
    put.accept("$.cdid", deviceId);
    put.accept("$.cmid", moduleId);
    out.putAll(m.properties());
    return out;
  }

  /** The hub's rule (protocol.md §9) computed the slow way, from the properties decoded off the wire. */
  private static int reference(MessageCodec codec, Message m) {
    int size = m.payloadSize();
    String topic = codec.telemetryTopic(m);
    Map<String, String> wire = PropertyBag.decode(topic.substring(codec.topics().telemetryPrefix().length()));
    for (Map.Entry<String, String> e : wire.entrySet()) {
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
    String deviceId = "dév" + text;
    String moduleId = module ? "m" + text : null;
    MessageCodec codec = new MessageCodec(deviceId, moduleId);
    assertThat(codec.telemetryTopic(m))
        .isEqualTo(codec.topics().telemetry(PropertyBag.encode(wireProperties(deviceId, moduleId, m))));
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
