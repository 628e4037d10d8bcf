// Unit tests of the method topic grammar: opaque name and $rid, bag reading, malformed topics.
package io.rxiothub.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class MethodTopicTest {

  @Test
  void formatsBothTopics() {
    assertThat(MethodTopic.request("reboot", "1").format()).isEqualTo("$iothub/methods/POST/reboot/?$rid=1");
    assertThat(MethodTopic.response(200, "1").format()).isEqualTo("$iothub/methods/res/200/?$rid=1");
    assertThat(MethodTopic.response(-1, "1").format()).isEqualTo("$iothub/methods/res/-1/?$rid=1");
    assertThat(MethodTopic.REQUEST_FILTER).isEqualTo("$iothub/methods/POST/#");
  }

  @Test
  void parsesARequestKeepingNameAndRidOpaque() {
    MethodTopic t = MethodTopic.parse("$iothub/methods/POST/set%20Speed/?$rid=a%2Fb=c");
    assertThat(t.kind()).isEqualTo(MethodTopic.Kind.REQUEST);
    assertThat(t.methodName()).isEqualTo("set%20Speed");
    assertThat(t.rid()).isEqualTo("a%2Fb=c");
    assertThat(MethodTopic.response(200, t.rid()).format()).as("echoed byte for byte")
        .isEqualTo("$iothub/methods/res/200/?$rid=a%2Fb=c");
  }

  @Test
  void readsTheBagLikeAnyPropertyBag() {
    assertThat(MethodTopic.parse("$iothub/methods/POST/m/?%24rid=7").rid()).isEqualTo("7");
    assertThat(MethodTopic.parse("$iothub/methods/POST/m/$rid=7").rid()).as("leading ? optional").isEqualTo("7");
    assertThat(MethodTopic.parse("$iothub/methods/POST/m/?x=1&&$rid=7&y").rid()).as("unknown keys ignored").isEqualTo("7");
    assertThat(MethodTopic.parse("$iothub/methods/POST/m/?$rid=1&$rid=2").rid()).as("last wins").isEqualTo("2");
    assertThat(MethodTopic.parse("$iothub/methods/POST/m/?$rid=a/b").rid()).isEqualTo("a/b");
  }

  @Test
  void parsesAResponse() {
    MethodTopic t = MethodTopic.parse("$iothub/methods/res/501/?$rid=9");
    assertThat(t.kind()).isEqualTo(MethodTopic.Kind.RESPONSE);
    assertThat(t.status()).isEqualTo(501);
    assertThat(t.methodName()).isNull();
    assertThat(t.rid()).isEqualTo("9");
  }

  @Test
  void rejectsMalformedTopics() {
    assertThatIllegalArgumentException().isThrownBy(() -> MethodTopic.parse("$iothub/twin/GET/?$rid=1"))
        .withMessageContaining("not a method topic");
    assertThatIllegalArgumentException().isThrownBy(() -> MethodTopic.parse("$iothub/methods/POST/reboot"))
        .withMessageContaining("/?$rid=");
    assertThatIllegalArgumentException().isThrownBy(() -> MethodTopic.parse("$iothub/methods/POST//?$rid=1"))
        .withMessageContaining("empty method name");
    assertThatIllegalArgumentException().isThrownBy(() -> MethodTopic.parse("$iothub/methods/POST/m/?$rid="))
        .withMessageContaining("no $rid");
    assertThatIllegalArgumentException().isThrownBy(() -> MethodTopic.parse("$iothub/methods/POST/m/?$rid"))
        .withMessageContaining("no $rid");
    assertThatIllegalArgumentException().isThrownBy(() -> MethodTopic.parse("$iothub/methods/res/2x/?$rid=1"))
        .withMessageContaining("status");
    assertThatIllegalArgumentException().isThrownBy(() -> MethodTopic.parse("$iothub/methods/res/99999999999/?$rid=1"))
        .withMessageContaining("status");
    assertThatIllegalArgumentException().isThrownBy(() -> MethodTopic.parse("$iothub/methods/res/-/?$rid=1"));
    assertThatIllegalArgumentException().isThrownBy(() -> MethodTopic.parse("$iothub/methods/POST/m/?%zz=1"))
        .withMessageContaining("percent");
    assertThatIllegalArgumentException().isThrownBy(() -> MethodTopic.parse(null));
  }

  @Test
  void followsTheOnePropertyBagRuleForEmptyKeysAndLeavesValuesAlone() {
    assertThatIllegalArgumentException().isThrownBy(() -> MethodTopic.parse("$iothub/methods/POST/m/?$rid=1&=x"))
        .withMessage("method topic '$iothub/methods/POST/m/?$rid=1&=x': property bag holds a pair with an "
            + "empty key at offset 8: every pair needs a key");
    assertThat(MethodTopic.parse("$iothub/methods/POST/m/?x=%zz&$rid=%zz").rid()).as("values stay raw")
        .isEqualTo("%zz");
  }

  @Test
  void factoriesRejectNamesAndRidsThatCannotBeTopicText() {
    for (String name : new String[] {"", "a/b", "a+b", "a#b", "a\u0000"}) {
      assertThatIllegalArgumentException().as(name).isThrownBy(() -> MethodTopic.request(name, "1"));
    }
    for (String rid : new String[] {"", "a&b", "a+b", "a#b", "\u0000"}) {
      assertThatIllegalArgumentException().as(rid).isThrownBy(() -> MethodTopic.response(200, rid));
    }
  }
}
