// Unit tests of the twin topic grammar: the protocol.md §6 examples, bag decoding, malformed topics.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class TwinTopicTest {

  @Test
  void formatsTheFourProtocolTopics() {
    assertThat(TwinTopic.get("1").format()).isEqualTo("$iothub/twin/GET/?$rid=1");
    assertThat(TwinTopic.patchReported("2").format()).isEqualTo("$iothub/twin/PATCH/properties/reported/?$rid=2");
    assertThat(TwinTopic.response(204, "2", 124L).format()).isEqualTo("$iothub/twin/res/204/?$rid=2&$version=124");
    assertThat(TwinTopic.response(200, "1", null).format()).isEqualTo("$iothub/twin/res/200/?$rid=1");
    assertThat(TwinTopic.desiredPatch(13).format()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=13");
  }

  @Test
  void parsesResponsesWithRidAndVersionInEitherOrderAndIgnoresUnknownKeys() {
    TwinTopic a = TwinTopic.parse("$iothub/twin/res/204/?$rid=2&$version=124");
    TwinTopic b = TwinTopic.parse("$iothub/twin/res/204/?$version=124&$rid=2");
    TwinTopic c = TwinTopic.parse("$iothub/twin/res/204/?foo=bar&$rid=2&&$version=124&bare");
    assertThat(a).isEqualTo(b).isEqualTo(c);
    assertThat(a.kind()).isEqualTo(TwinTopic.Kind.RESPONSE);
    assertThat(a.status()).isEqualTo(204);
    assertThat(a.rid()).isEqualTo("2");
    assertThat(a.version()).isEqualTo(124L);
    assertThat(TwinTopic.parse("$iothub/twin/res/200/?$rid=1").version()).isNull();
  }

  @Test
  void decodesTheBagLikeAnyPropertyBag() {
    assertThat(TwinTopic.parse("$iothub/twin/res/200/?%24rid=a%20b").rid()).isEqualTo("a b");
    assertThat(TwinTopic.parse("$iothub/twin/res/200/$rid=1").rid()).as("leading ? optional").isEqualTo("1");
    assertThat(TwinTopic.parse("$iothub/twin/res/200/?$rid=1&$rid=7").rid()).as("last wins").isEqualTo("7");
    assertThat(TwinTopic.parse("$iothub/twin/res/200/?$rid=a+b").rid()).as("+ stays").isEqualTo("a+b");
    assertThat(TwinTopic.get("a&b=c/é").format()).isEqualTo("$iothub/twin/GET/?$rid=a%26b%3Dc%2F%C3%A9");
  }

  @Test
  void parsesRequestsAndDesiredNotifications() {
    assertThat(TwinTopic.parse("$iothub/twin/GET/?$rid=1")).isEqualTo(TwinTopic.get("1"));
    assertThat(TwinTopic.parse("$iothub/twin/PATCH/properties/reported/?$rid=2")).isEqualTo(TwinTopic.patchReported("2"));
    TwinTopic desired = TwinTopic.parse("$iothub/twin/PATCH/properties/desired/?$version=13");
    assertThat(desired.kind()).isEqualTo(TwinTopic.Kind.DESIRED_PATCH);
    assertThat(desired.version()).isEqualTo(13L);
    assertThat(desired.rid()).isNull();
  }

  @Test
  void rejectsMalformedTopicsNamingTheProblem() {
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.parse("devices/d/messages/events/"))
        .withMessageContaining("not a twin topic");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.parse("$iothub/twin/GET/?$version=1"))
        .withMessageContaining("no $rid");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.parse("$iothub/twin/GET/?$rid="))
        .withMessageContaining("no $rid");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.parse("$iothub/twin/res/2x0/?$rid=1"))
        .withMessageContaining("status");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.parse("$iothub/twin/res/99/?$rid=1"))
        .withMessageContaining("status");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.parse("$iothub/twin/res/200"))
        .withMessageContaining("{status}");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.parse("$iothub/twin/res/200/?$rid=1&$version=x"))
        .withMessageContaining("$version");
    assertThatIllegalArgumentException().isThrownBy(
        () -> TwinTopic.parse("$iothub/twin/res/200/?$rid=1&$version=99999999999999999999")).withMessageContaining("$version");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.parse("$iothub/twin/PATCH/properties/desired/"))
        .withMessageContaining("no $version");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.parse("$iothub/twin/GET/?$rid=%zz"))
        .withMessageContaining("percent");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.parse(null));
  }

  @Test
  void followsTheOnePropertyBagRuleForEmptyKeys() {
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.parse("$iothub/twin/res/200/?$rid=1&=x"))
        .withMessage("twin topic '$iothub/twin/res/200/?$rid=1&=x': property bag holds a pair with an empty "
            + "key at offset 8: every pair needs a key");
  }

  @Test
  void factoriesRejectBadValues() {
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.get(""));
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.get("\ud800"));
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.response(1000, "1", null));
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.response(200, "1", -1L));
    assertThatIllegalArgumentException().isThrownBy(() -> TwinTopic.desiredPatch(-1));
  }

  @Test
  void filtersCoverTheTopicsTheHubSends() {
    assertThat(TwinTopic.RESPONSE_FILTER).isEqualTo("$iothub/twin/res/#");
    assertThat(TwinTopic.DESIRED_PATCH_FILTER).isEqualTo("$iothub/twin/PATCH/properties/desired/#");
  }
}
