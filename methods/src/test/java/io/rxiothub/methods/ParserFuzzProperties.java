// Fuzzing of every public methods parser (issue 9, bad input): a value or IllegalArgumentException, in bounded
// time; payloads of any bytes are carried, never rejected.
package io.rxiothub.methods;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.methods.internal.Json;
import io.rxiothub.testing.Mutations;
import io.rxiothub.testing.ParserContract;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ParserFuzzProperties {

  @Property(tries = 3000)
  void nearValidTopicsParseOrFailCleanly(@ForAll("nearTopics") String topic) {
    ParserContract.check("MethodTopic.parse", IllegalArgumentException.class,
        () -> MethodTopic.parse(topic));
  }

  @Property(tries = 2000)
  void requestsCarryAnyPayloadBytesAndAnswerEveryAccessor(@ForAll("nearTopics") String topic,
      @ForAll byte[] payload) {
    IllegalArgumentException e = ParserContract.check("MethodRequest.fromPublish",
        IllegalArgumentException.class, () -> inspect(MethodRequest.fromPublish(topic, payload)));
    if (e == null) {
      MethodRequest request = MethodRequest.fromPublish(topic, payload);
      assertThat(request.payload()).isEqualTo(payload);
    }
  }

  @Property(tries = 2000)
  void jsonPayloadsOfAnyShapeAreClassifiedInBoundedTime(@ForAll("nearJson") String json) {
    byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ParserContract.check("MethodRequest payload accessors", IllegalArgumentException.class,
        () -> inspect(MethodRequest.fromPublish("$iothub/methods/POST/m/?$rid=1", bytes)));
    ParserContract.check("MethodResponse.ofJson", IllegalArgumentException.class,
        () -> MethodResponse.ofJson(200, json));
  }

  @Example
  void deepAndHugePayloadsAreHandled() {
    String deep = "[".repeat(1_000_000);
    assertThat(ParserContract.check("Json.isValid(deep)", IllegalArgumentException.class,
        () -> Json.isValid(deep))).isNull();
    assertThat(Json.isValid(deep)).isFalse();
    byte[] deepBytes = deep.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(ParserContract.check("MethodRequest with deep payload",
        IllegalArgumentException.class,
        () -> inspect(MethodRequest.fromPublish("$iothub/methods/POST/m/?$rid=1", deepBytes))))
        .isNull();
    String longTopic = "$iothub/methods/POST/" + "m".repeat(1_000_000) + "/?$rid=1";
    ParserContract.check("MethodTopic.parse(1 MB)", IllegalArgumentException.class,
        () -> MethodTopic.parse(longTopic));
    assertThat(ParserContract.check("MethodResponse.ofJson(deep)", IllegalArgumentException.class,
        () -> MethodResponse.ofJson(200, deep))).isNotNull();
  }

  /** Calls every accessor; payloadAsJson must throw its documented IllegalStateException exactly
   * when the payload is neither empty nor JSON. */
  private static Object inspect(MethodRequest request) {
    request.payloadAsString();
    boolean json = request.isJsonPayload();
    try {
      request.payloadAsJson();
      assertThat(json || !request.hasPayload()).as("payloadAsJson accepted non-JSON").isTrue();
    } catch (IllegalStateException e) {
      assertThat(json || !request.hasPayload()).as("payloadAsJson refused JSON: " + e).isFalse();
    }
    request.responseTopic(200);
    return request.toString();
  }

  @Provide
  Arbitrary<String> nearTopics() {
    Arbitrary<String> seeds = Arbitraries.of(
        "$iothub/methods/POST/reboot/?$rid=1",
        "$iothub/methods/POST/a%20b/?$rid=ff&x=1",
        "$iothub/methods/POST/m/?$rid=%24x",
        "$iothub/methods/res/200/?$rid=1",
        "$iothub/methods/res/-1/?$rid=2");
    return Arbitraries.oneOf(Mutations.of(seeds), Arbitraries.strings().ofMaxLength(80));
  }

  @Provide
  Arbitrary<String> nearJson() {
    Arbitrary<String> seeds = Arbitraries.of("{\"delay\":5,\"why\":[\"a\",null,true,1.5e3]}",
        "\"text\"", "12", "null", "[]", "{\"u\":\"\\ud83d\\ude00\\u00e9\"}");
    return Arbitraries.oneOf(Mutations.of(seeds), Arbitraries.strings().ofMaxLength(60));
  }
}
