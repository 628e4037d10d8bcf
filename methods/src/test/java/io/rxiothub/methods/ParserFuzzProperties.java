// Fuzzing of every public methods parser (issue 9, bad input): a value or IllegalArgumentException, in bounded
// time; payloads of any bytes are carried, never rejected.
package io.rxiothub.methods;

import static io.rxiothub.testing.ParserFuzzing.nearOrRandom;
import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.methods.internal.Json;
import io.rxiothub.testing.ParserContract;
import io.rxiothub.testing.ParserFuzzing;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;

class ParserFuzzProperties extends ParserFuzzing {

  private static final String REQUEST_TOPIC = "$iothub/methods/POST/m/?$rid=1";

  @Override
  protected List<Parser<?>> parsers() {
    Arbitrary<String> topics = nearOrRandom(80,
        "$iothub/methods/POST/reboot/?$rid=1",
        "$iothub/methods/POST/a%20b/?$rid=ff&x=1",
        "$iothub/methods/POST/m/?$rid=%24x",
        "$iothub/methods/res/200/?$rid=1",
        "$iothub/methods/res/-1/?$rid=2");
    Arbitrary<String> json = nearOrRandom(60, "{\"delay\":5,\"why\":[\"a\",null,true,1.5e3]}",
        "\"text\"", "12", "null", "[]", "{\"u\":\"\\ud83d\\ude00\\u00e9\"}");
    String deep = "[".repeat(1_000_000);
    return Arrays.asList(
        Parser.of("MethodTopic.parse", IllegalArgumentException.class, topics, MethodTopic::parse)
            .huge("1 MB", "$iothub/methods/POST/" + "m".repeat(1_000_000) + "/?$rid=1", Outcome.EITHER),
        Parser.of("MethodRequest.fromPublish", IllegalArgumentException.class,
                Combinators.combine(topics, Arbitraries.bytes().array(byte[].class))
                    .as(Publish::new),
                p -> inspect(MethodRequest.fromPublish(p.topic, p.payload)))
            .then((p, value, error) -> {
              if (error == null) {
                assertThat(MethodRequest.fromPublish(p.topic, p.payload).payload()).isEqualTo(p.payload);
              }
            }),
        Parser.of("MethodRequest payload accessors", IllegalArgumentException.class,
                json.map(ParserFuzzProperties::utf8),
                payload -> inspect(MethodRequest.fromPublish(REQUEST_TOPIC, payload)))
            .huge("deep payload", utf8(deep), Outcome.PARSES),
        Parser.of("MethodResponse.ofJson", IllegalArgumentException.class, json,
                text -> MethodResponse.ofJson(200, text))
            .huge("deep", deep, Outcome.FAILS),
        Parser.of("CommandName.parse", IllegalArgumentException.class,
                nearOrRandom(40, "thermostat1*getMaxMinReport", "reboot", "a*b", "a_1*B2", "x*y*z", "*reboot"),
                CommandName::parse)
            .then((text, value, error) -> {
              if (error == null) {
                assertThat(CommandName.parse(text).methodName()).isEqualTo(text);
              }
            })
            .huge("1 MB", "c*" + "m".repeat(1_000_000), Outcome.FAILS));
  }

  @Example
  void deeplyNestedJsonIsNotValidAndEndsInBoundedTime() {
    String deep = "[".repeat(1_000_000);
    assertThat(ParserContract.check("Json.isValid(deep)", IllegalArgumentException.class,
        () -> Json.isValid(deep))).isNull();
    assertThat(Json.isValid(deep)).isFalse();
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

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A topic and payload as the hub publishes them. */
  private static final class Publish {
    final String topic;
    final byte[] payload;

    Publish(String topic, byte[] payload) {
      this.topic = topic;
      this.payload = payload;
    }

    @Override
    public String toString() {
      return topic + " + " + payload.length + " bytes";
    }
  }
}
