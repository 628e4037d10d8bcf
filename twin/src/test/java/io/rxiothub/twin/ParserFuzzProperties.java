// Fuzzing of every public twin parser (issue 9, bad input): a value or IllegalArgumentException, in bounded time.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.testing.Mutations;
import io.rxiothub.testing.ParserContract;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ParserFuzzProperties {

  @Property(tries = 3000)
  void nearValidTopicsParseOrFailCleanly(@ForAll("nearTopics") String topic) {
    ParserContract.check("TwinTopic.parse", IllegalArgumentException.class,
        () -> TwinTopic.parse(topic));
  }

  @Property(tries = 3000)
  void nearValidDocumentsParseOrFailCleanly(@ForAll("nearDocuments") String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ParserContract.check("Twin.parse", IllegalArgumentException.class, () -> Twin.parse(json));
    ParserContract.check("Twin.parse(bytes)", IllegalArgumentException.class,
        () -> Twin.parse(bytes));
    ParserContract.check("TwinPatch.parse", IllegalArgumentException.class,
        () -> TwinPatch.parse(json));
    ParserContract.check("TwinCollection.parse", IllegalArgumentException.class,
        () -> TwinCollection.parse(json));
    ParserContract.check("TwinPatch.fromDesiredNotification", IllegalArgumentException.class,
        () -> TwinPatch.fromDesiredNotification(TwinTopic.desiredPatch(7), bytes));
  }

  @Property(tries = 1000)
  void desiredNotificationsFromAnyTopicAndBodyParseOrFailCleanly(
      @ForAll("nearTopics") String topic, @ForAll("nearDocuments") String body) {
    ParserContract.check("TwinPatch.fromDesiredNotification", IllegalArgumentException.class,
        () -> TwinPatch.fromDesiredNotification(TwinTopic.parse(topic),
            body.getBytes(StandardCharsets.UTF_8)));
  }

  @Example
  void deepNestingHugeDocumentsAndBadUtf8FailCleanly() {
    String deep = "{\"a\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
    assertThat(ParserContract.check("TwinPatch.parse(deep)", IllegalArgumentException.class,
        () -> TwinPatch.parse(deep))).isNotNull();
    String deepObjects = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
    assertThat(ParserContract.check("Twin.parse(deep objects)", IllegalArgumentException.class,
        () -> Twin.parse(deepObjects))).isNotNull();
    String huge = "{\"desired\":{\"$version\":1,\"k\":\"" + "x".repeat(4_000_000)
        + "\"},\"reported\":{\"$version\":1}}";
    ParserContract.check("Twin.parse(4 MB)", IllegalArgumentException.class,
        () -> Twin.parse(huge));
    String manyMembers = "{" + "\"k\":1,".repeat(100_000) + "\"z\":1}";
    assertThat(ParserContract.check("TwinPatch.parse(duplicate keys)",
        IllegalArgumentException.class, () -> TwinPatch.parse(manyMembers))).isNotNull();
    byte[] badUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
    ParserContract.check("TwinPatch.parse(bad UTF-8)", IllegalArgumentException.class,
        () -> TwinPatch.parse(badUtf8));
    String longTopic = "$iothub/twin/res/200/?$rid=" + "%".repeat(1_000_000);
    assertThat(ParserContract.check("TwinTopic.parse(1M '%')", IllegalArgumentException.class,
        () -> TwinTopic.parse(longTopic))).isNotNull();
  }

  @Provide
  Arbitrary<String> nearTopics() {
    Arbitrary<String> seeds = Arbitraries.of(
        "$iothub/twin/res/200/?$rid=1",
        "$iothub/twin/res/204/?$rid=42&$version=7",
        "$iothub/twin/res/429/?$rid=abc%20d&extra=1",
        "$iothub/twin/GET/?$rid=9",
        "$iothub/twin/PATCH/properties/reported/?$rid=10",
        "$iothub/twin/PATCH/properties/desired/?$version=13",
        "$iothub/twin/PATCH/properties/desired/?$version=13&x");
    return Arbitraries.oneOf(Mutations.of(seeds), Arbitraries.strings().ofMaxLength(80));
  }

  @Provide
  Arbitrary<String> nearDocuments() {
    Arbitrary<String> seeds = Arbitraries.of(
        "{\"desired\":{\"a\":1,\"$version\":3},\"reported\":{\"b\":{\"c\":null},\"$version\":5}}",
        "{\"telemetrySendFrequency\":\"5m\",\"route\":null,\"$version\":7}",
        "{\"x\":[1,2.5,\"s\",true,{\"y\":-3}],\"$metadata\":{\"$lastUpdated\":\"2021\"}}",
        "{\"big\":9223372036854775807,\"small\":-1e308,\"u\":\"\\u00e9\\ud83d\\ude00\"}",
        "{}");
    return Arbitraries.oneOf(Mutations.of(seeds), Arbitraries.strings().ofMaxLength(80));
  }
}
