// MQTT 3.1.1 §4.7 filter matching.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicFilterTest {

  @Test
  void multiLevelWildcardMatchesTheParentAndEverythingBelow() {
    assertThat(TopicFilter.matches("devices/d/messages/devicebound/#",
        "devices/d/messages/devicebound/%24.mid=1&a=b")).isTrue();
    assertThat(TopicFilter.matches("devices/d/messages/devicebound/#",
        "devices/d/messages/devicebound/")).isTrue();
    assertThat(TopicFilter.matches("devices/d/messages/devicebound/#",
        "devices/d/messages/devicebound")).isTrue();
    assertThat(TopicFilter.matches("devices/d/messages/devicebound/#",
        "devices/d2/messages/devicebound/x")).isFalse();
  }

  @Test
  void singleLevelWildcardMatchesOneLevel() {
    assertThat(TopicFilter.matches("a/+/c", "a/b/c")).isTrue();
    assertThat(TopicFilter.matches("a/+/c", "a/b/x/c")).isFalse();
    assertThat(TopicFilter.matches("a/+", "a/")).isTrue();
  }

  @Test
  void wildcardsAtTheFirstLevelSkipDollarTopics() {
    assertThat(TopicFilter.matches("#", "$iothub/twin/res/200")).isFalse();
    assertThat(TopicFilter.matches("$iothub/twin/res/#", "$iothub/twin/res/200/?$rid=1")).isTrue();
  }

  @Test
  void exactFiltersMatchOnlyThemselves() {
    assertThat(TopicFilter.matches("a/b", "a/b")).isTrue();
    assertThat(TopicFilter.matches("a/b", "a/bc")).isFalse();
    assertThat(TopicFilter.matches("a/b", "a")).isFalse();
  }
}
