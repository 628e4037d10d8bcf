// The emulator's topic authorization (protocol.md §4) as pure rules, without a broker.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.emulator.internal.TopicRules.PublishKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicRulesTest {

  private static final Identity DEVICE = new Identity("dev1", null);
  private static final Identity MODULE = new Identity("dev1", "mod1");

  @ParameterizedTest
  @CsvSource({
      "devices/dev1/messages/events, TELEMETRY",
      "devices/dev1/messages/events/, TELEMETRY",
      "devices/dev1/messages/events/a=1&b=2, TELEMETRY",
      "devices/dev1/messages/eventsX, FORBIDDEN",
      "devices/dev2/messages/events/, FORBIDDEN",
      "devices/dev1/modules/mod1/messages/events/, FORBIDDEN",
      "$iothub/twin/GET/?$rid=1, TWIN_GET",
      "$iothub/twin/PATCH/properties/reported/?$rid=1, TWIN_PATCH_REPORTED",
      "$iothub/twin/PATCH/properties/desired/?$rid=1, FORBIDDEN",
      "$iothub/methods/res/200/?$rid=1, METHOD_RESPONSE",
      "$iothub/methods/POST/reboot/?$rid=1, FORBIDDEN",
      "devices/dev1/messages/devicebound/x, FORBIDDEN",
  })
  void classifiesTheTopicsOfADevice(String topic, PublishKind kind) {
    assertThat(TopicRules.classify(DEVICE, topic)).isEqualTo(kind);
  }

  @ParameterizedTest
  @CsvSource({
      "devices/dev1/modules/mod1/messages/events/, TELEMETRY",
      "devices/dev1/messages/events/, FORBIDDEN",
      "$iothub/twin/GET/?$rid=1, TWIN_GET",
  })
  void classifiesTheTopicsOfAModuleByItsOwnTelemetryTopic(String topic, PublishKind kind) {
    assertThat(TopicRules.classify(MODULE, topic)).isEqualTo(kind);
  }

  @ParameterizedTest
  @CsvSource({
      "devices/dev1/messages/devicebound/#, true",
      "$iothub/twin/res/#, true",
      "$iothub/twin/PATCH/properties/desired/#, true",
      "$iothub/methods/POST/#, true",
      "devices/dev2/messages/devicebound/#, false",
      "devices/dev1/messages/devicebound/+, false",
      "#, false",
      "$iothub/twin/res/200, false",
      "devices/dev1/messages/events/#, false",
  })
  void allowsOnlyTheFourHubFiltersToSubscribe(String filter, boolean allowed) {
    assertThat(TopicRules.maySubscribe(DEVICE, filter)).isEqualTo(allowed);
  }

  @ParameterizedTest
  @CsvSource({
      "$iothub/twin/res/#, $iothub/twin/res/200/?$rid=1, true",
      "$iothub/twin/res/#, $iothub/twin/PATCH/properties/desired/?$version=2, false",
      "$iothub/methods/POST/#, $iothub/methods/POST/reboot/?$rid=a, true",
  })
  void matchesATopicUnderAFilterByItsPrefix(String filter, String topic, boolean under) {
    assertThat(TopicRules.underFilter(filter, topic)).isEqualTo(under);
  }
}
