// Properties of the methods module: topic round trips, total parsers, the JSON checker, one reply per request.
package io.rxiothub.methods;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rxiothub.methods.internal.Json;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class MethodProperties {

  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonParser.Feature.ALLOW_COMMENTS);

  @Property
  void topicParseOfFormatIsIdentity(@ForAll("topics") MethodTopic topic) {
    assertThat(MethodTopic.parse(topic.format())).isEqualTo(topic);
  }

  @Property
  void requestRidIsEchoedByteForByte(@ForAll("names") String name, @ForAll("rids") String rid) {
    String topic = "$iothub/methods/POST/" + name + "/?$rid=" + rid;
    MethodRequest request = MethodRequest.fromPublish(topic, new byte[0]);
    assertThat(request.responseTopic(200)).isEqualTo("$iothub/methods/res/200/?$rid=" + rid);
  }

  @Property(tries = 2000)
  void everyParserReturnsAValueOrAnIllegalArgument(@ForAll @StringLength(max = 200) String text) {
    accepts(() -> MethodTopic.parse(text));
    accepts(() -> MethodTopic.parse("$iothub/methods/POST/" + text));
    accepts(() -> MethodTopic.parse("$iothub/methods/res/" + text));
    accepts(() -> MethodRequest.fromPublish("$iothub/methods/POST/m/" + text, new byte[0]));
    accepts(() -> MethodResponse.ofJson(200, text));
    assertThat(Json.isValid(text)).isIn(true, false);
  }

  @Property(tries = 3000)
  void jsonCheckerAgreesWithJackson(@ForAll("jsonish") String text) throws Exception {
    boolean jackson;
    try {
      STRICT.readTree(text);
      jackson = !text.trim().isEmpty();
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      jackson = false;
    }
    assertThat(Json.isValid(text)).as(text).isEqualTo(jackson);
  }

  @Property
  void quotedStringsAreValidJson(@ForAll String text) {
    assertThat(Json.isValid(Json.quote(text))).isTrue();
  }

  @Property
  void dispatchRepliesExactlyOncePerRequest(@ForAll("behaviours") List<Integer> behaviours) {
    MethodDispatcher dispatcher = MethodDispatcher.create();
    dispatcher.register("ok", (req, reply) -> reply.send(MethodResponse.of(200)));
    dispatcher.register("twice", (req, reply) -> {
      reply.send(MethodResponse.of(200));
      reply.send(MethodResponse.of(201));
    });
    dispatcher.register("throw", (req, reply) -> {
      throw new IllegalStateException();
    });
    dispatcher.register("sendThenThrow", (req, reply) -> {
      reply.send(MethodResponse.of(200));
      throw new IllegalStateException();
    });
    dispatcher.register("failThenSend", (req, reply) -> {
      reply.fail(new RuntimeException());
      reply.send(MethodResponse.of(200));
    });
    String[] names = {"ok", "twice", "throw", "sendThenThrow", "failThenSend", "unknown"};
    List<String> replied = new ArrayList<>();
    for (int i = 0; i < behaviours.size(); i++) {
      MethodRequest request = MethodRequest.builder().methodName(names[behaviours.get(i)]).rid("r" + i).build();
      dispatcher.dispatch(request, (req, resp) -> replied.add(req.rid()));
    }
    assertThat(replied).hasSize(behaviours.size()).doesNotHaveDuplicates();
  }

  @Provide
  Arbitrary<List<Integer>> behaviours() {
    return Arbitraries.integers().between(0, 5).list().ofMaxSize(30);
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(20).filter(s -> s.matches("[^/+#\u0000]+"));
  }

  @Provide
  Arbitrary<String> rids() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(20).filter(s -> s.matches("[^&+#\u0000]+"));
  }

  @Provide
  Arbitrary<MethodTopic> topics() {
    Arbitrary<String> ridsWithoutLeadingQuestion = rids();
    return Arbitraries.oneOf(
        Combinators.combine(names(), ridsWithoutLeadingQuestion).as(MethodTopic::request),
        Combinators.combine(Arbitraries.integers(), ridsWithoutLeadingQuestion).as(MethodTopic::response));
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("{}[]\":,0123456789.eE-+ \ttruefalsn\\u/x").ofMaxLength(40),
        Arbitraries.of("{\"a\":[1,2.5e-3,true,null,\"\\u00e9\"]}", "[]", "{}", "-0", "01", "1.", ".5", "\"\\x\"",
            "\"a\u0001\"", "[1,]", "{\"a\":1,}", "  7  ", "tru", "nulll", "\"\\ud800\""));
  }

  @Property
  void statusRoundTripsAnyInt(@ForAll int status, @ForAll @IntRange(min = 1, max = 9) int ridLength) {
    String rid = "1".repeat(ridLength);
    MethodTopic t = MethodTopic.parse(MethodTopic.response(status, rid).format());
    assertThat(t.status()).isEqualTo(status);
  }

  static void accepts(Runnable parse) {
    try {
      parse.run();
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
