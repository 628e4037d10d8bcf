// The topics a leaf may use through the gateway: its own identity's, nothing else (protocol.md §4, §18.2).
package io.rxiothub.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeafTopicsTest {

  @Test
  void publishes() {
    assertThat(LeafTopics.classify("d1", "devices/d1/messages/events/a=b")).isEqualTo(LeafTopics.Kind.TELEMETRY);
    assertThat(LeafTopics.classify("d1", "devices/d2/messages/events/")).isEqualTo(LeafTopics.Kind.NOT_ALLOWED);
    assertThat(LeafTopics.classify("d1", "$iothub/twin/GET/?$rid=1")).isEqualTo(LeafTopics.Kind.TWIN_GET);
    assertThat(LeafTopics.classify("d1", "$iothub/twin/PATCH/properties/reported/?$rid=2"))
        .isEqualTo(LeafTopics.Kind.TWIN_PATCH_REPORTED);
    assertThat(LeafTopics.classify("d1", "$iothub/methods/res/200/?$rid=3"))
        .isEqualTo(LeafTopics.Kind.METHOD_RESPONSE);
    assertThat(LeafTopics.classify("d1", "$iothub/twin/res/200/?$rid=1")).isEqualTo(LeafTopics.Kind.NOT_ALLOWED);
    assertThat(LeafTopics.classify("d1", "anything/else")).isEqualTo(LeafTopics.Kind.NOT_ALLOWED);
  }

  @Test
  void subscriptions() {
    assertThat(LeafTopics.subscription("d1", "devices/d1/messages/devicebound/#"))
        .isEqualTo(LeafTopics.Subscription.CLOUD_MESSAGES);
    assertThat(LeafTopics.subscription("d1", "$iothub/twin/res/#")).isEqualTo(LeafTopics.Subscription.TWIN_RESPONSES);
    assertThat(LeafTopics.subscription("d1", "$iothub/twin/PATCH/properties/desired/#"))
        .isEqualTo(LeafTopics.Subscription.DESIRED_UPDATES);
    assertThat(LeafTopics.subscription("d1", "$iothub/methods/POST/#")).isEqualTo(LeafTopics.Subscription.METHODS);
    assertThat(LeafTopics.subscription("d1", "devices/d2/messages/devicebound/#")).isNull();
    assertThat(LeafTopics.subscription("d1", "#")).isNull();
  }

  @Test
  void aModuleLeafUsesItsModuleTopicsAndHasNoCloudToDeviceMessages() {
    assertThat(LeafTopics.classify("d1/m1", "devices/d1/modules/m1/messages/events/a=b"))
        .isEqualTo(LeafTopics.Kind.TELEMETRY);
    assertThat(LeafTopics.classify("d1/m1", "devices/d1/messages/events/")).isEqualTo(LeafTopics.Kind.NOT_ALLOWED);
    assertThat(LeafTopics.classify("d1/m1", "devices/d1/modules/m2/messages/events/"))
        .isEqualTo(LeafTopics.Kind.NOT_ALLOWED);
    assertThat(LeafTopics.classify("d1/m1", "$iothub/twin/GET/?$rid=1")).isEqualTo(LeafTopics.Kind.TWIN_GET);
    assertThat(LeafTopics.subscription("d1/m1", "$iothub/methods/POST/#")).isEqualTo(LeafTopics.Subscription.METHODS);
    assertThat(LeafTopics.subscription("d1/m1", "devices/d1/m1/messages/devicebound/#")).isNull();
    assertThat(LeafTopics.subscription("d1/m1", "devices/d1/modules/m1/messages/devicebound/#")).isNull();
  }
}
