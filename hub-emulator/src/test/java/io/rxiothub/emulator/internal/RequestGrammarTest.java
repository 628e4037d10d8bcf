// The grammar of twin and method requests (protocol.md §6, §7) as pure rules, without a broker.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.emulator.internal.TopicRules.PublishKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestGrammarTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "$iothub/twin/GET/?$rid=1                           | TWIN_GET            | 1",
      "$iothub/twin/GET/?$rid=a%2Fb                       | TWIN_GET            | a%2Fb",
      "$iothub/twin/GET/?x=1&%24rid=7                     | TWIN_GET            | 7",
      "$iothub/twin/PATCH/properties/reported/?$rid=9     | TWIN_PATCH_REPORTED | 9",
      "$iothub/methods/res/200/?$rid=ab                   | METHOD_RESPONSE     | ab",
      "$iothub/methods/res/200/?$rid=1&$rid=2             | METHOD_RESPONSE     | 2",
      "$iothub/methods/res/200/?$rid=%zz                  | METHOD_RESPONSE     | %zz",
  })
  void findsTheRawRidOfAWellFormedRequest(String topic, PublishKind kind, String rid) {
    assertThat(RequestGrammar.problem(topic, kind)).isNull();
    assertThat(RequestGrammar.rid(topic, kind)).isEqualTo(rid);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "$iothub/twin/GET/                             | TWIN_GET        | has no '?$rid=' query",
      "$iothub/twin/GET/$rid=1                       | TWIN_GET        | has no '?$rid=' query",
      "$iothub/twin/GET/?rid=1                       | TWIN_GET        | has no '?$rid=' query",
      "$iothub/twin/GET/?$rid                        | TWIN_GET        | has no '?$rid=' query",
      "$iothub/twin/GET/?$rid=1&x%zz=1               | TWIN_GET        | has a malformed query: property bag key at",
      "$iothub/twin/GET/?=1&$rid=1                   | TWIN_GET        | has a malformed query: property bag holds",
      "$iothub/methods/res/200                       | METHOD_RESPONSE | has no '?$rid=' query",
      "$iothub/methods/res/ok/?$rid=1                | METHOD_RESPONSE | must be $iothub/methods/res/{status}/?$rid={rid}",
  })
  void saysWhyAMalformedRequestIsRefused(String topic, PublishKind kind, String problem) {
    assertThat(RequestGrammar.problem(topic, kind)).contains(topic).contains(problem);
  }

  @Test
  void readsTheStatusOfAMethodResponse() {
    assertThat(RequestGrammar.methodStatus("$iothub/methods/res/504/?$rid=1")).isEqualTo(504);
    assertThat(RequestGrammar.methodStatus("$iothub/methods/res/x/?$rid=1")).isNull();
    assertThat(RequestGrammar.methodStatus("$iothub/methods/res/200")).isNull();
  }

  @Test
  void formatsTheHubsAnswerTopics() {
    assertThat(RequestGrammar.twinResponse(200, "a%2Fb")).isEqualTo("$iothub/twin/res/200/?$rid=a%2Fb");
    assertThat(RequestGrammar.twinResponse(204, "7", 12)).isEqualTo("$iothub/twin/res/204/?$rid=7&$version=12");
    assertThat(RequestGrammar.desiredPatch(3)).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=3");
    assertThat(RequestGrammar.methodRequest("reboot", "1f")).isEqualTo("$iothub/methods/POST/reboot/?$rid=1f");
  }

  @Test
  void escapesQuotesAndBackslashesInTheErrorBody() {
    assertThat(new String(RequestGrammar.errorBody(400004, "bad \"x\" \\ y"), StandardCharsets.UTF_8))
        .isEqualTo("{\"errorCode\":400004,\"message\":\"bad \\\"x\\\" \\\\ y\"}");
    assertThat(RequestGrammar.errorText(404103, null)).isEqualTo("{\"errorCode\":404103,\"message\":\"\"}");
  }
}
