// Fuzzing of every public twin parser (issue 9, bad input): a value or IllegalArgumentException, in bounded time.
package io.rxiothub.twin;

import static io.rxiothub.testing.ParserFuzzing.nearOrRandom;

import io.rxiothub.testing.ParserFuzzing;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

class ParserFuzzProperties extends ParserFuzzing {

  @Override
  protected List<Parser<?>> parsers() {
    Arbitrary<String> topics = nearTopics();
    Arbitrary<String> documents = nearDocuments();
    Arbitrary<byte[]> documentBytes = documents.map(ParserFuzzProperties::utf8);
    return Arrays.asList(
        Parser.of("TwinTopic.parse", IllegalArgumentException.class, topics, TwinTopic::parse)
            .huge("1M '%'", "$iothub/twin/res/200/?$rid=" + "%".repeat(1_000_000), Outcome.FAILS),
        Parser.of("Twin.parse", IllegalArgumentException.class, documents, Twin::parse)
            .huge("deep objects", "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000), Outcome.FAILS)
            .huge("4 MB", "{\"desired\":{\"$version\":1,\"k\":\"" + "x".repeat(4_000_000)
                + "\"},\"reported\":{\"$version\":1}}", Outcome.EITHER),
        Parser.of("Twin.parse(bytes)", IllegalArgumentException.class, documentBytes, Twin::parse),
        Parser.of("TwinPatch.parse", IllegalArgumentException.class, documents, TwinPatch::parse)
            .huge("deep", "{\"a\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}", Outcome.FAILS)
            .huge("duplicate keys", "{" + "\"k\":1,".repeat(100_000) + "\"z\":1}", Outcome.FAILS),
        Parser.of("TwinPatch.parse(bytes)", IllegalArgumentException.class, documentBytes, TwinPatch::parse)
            .huge("bad UTF-8", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'},
                Outcome.EITHER),
        Parser.of("TwinCollection.parse", IllegalArgumentException.class, documents, TwinCollection::parse),
        Parser.of("TwinPatch.fromDesiredNotification", IllegalArgumentException.class, documentBytes,
            body -> TwinPatch.fromDesiredNotification(TwinTopic.desiredPatch(7), body)),
        Parser.of("TwinPatch.fromDesiredNotification(any topic)", IllegalArgumentException.class,
            Combinators.combine(topics, documents).as((topic, body) -> new String[] {topic, body}),
            pair -> TwinPatch.fromDesiredNotification(TwinTopic.parse(pair[0]), utf8(pair[1]))),
        Parser.of("WritablePropertyUpdate.fromPatch", IllegalArgumentException.class, documents,
            json -> WritablePropertyUpdate.fromPatch(TwinPatch.parse(json).toBuilder().version(3).build())));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Arbitrary<String> nearTopics() {
    return nearOrRandom(80,
        "$iothub/twin/res/200/?$rid=1",
        "$iothub/twin/res/204/?$rid=42&$version=7",
        "$iothub/twin/res/429/?$rid=abc%20d&extra=1",
        "$iothub/twin/GET/?$rid=9",
        "$iothub/twin/PATCH/properties/reported/?$rid=10",
        "$iothub/twin/PATCH/properties/desired/?$version=13",
        "$iothub/twin/PATCH/properties/desired/?$version=13&x");
  }

  private static Arbitrary<String> nearDocuments() {
    return nearOrRandom(80,
        "{\"desired\":{\"a\":1,\"$version\":3},\"reported\":{\"b\":{\"c\":null},\"$version\":5}}",
        "{\"telemetrySendFrequency\":\"5m\",\"route\":null,\"$version\":7}",
        "{\"x\":[1,2.5,\"s\",true,{\"y\":-3}],\"$metadata\":{\"$lastUpdated\":\"2021\"}}",
        "{\"big\":9223372036854775807,\"small\":-1e308,\"u\":\"\\u00e9\\ud83d\\ude00\"}",
        "{}");
  }
}
