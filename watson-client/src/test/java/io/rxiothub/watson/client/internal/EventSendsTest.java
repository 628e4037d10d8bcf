// The topics EventSends builds per event straight from the event's ids are the pure module's wire forms.
package io.rxiothub.watson.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.watson.WatsonTopic;
import io.rxiothub.watson.client.GatewayEvent;
import org.junit.jupiter.api.Test;

class EventSendsTest {

  private static final String LONGEST = "A-z_0.9-abcdefghijklmnopqrstuvwxyz01"; // 36 characters, every kind

  private static GatewayEvent event(String type, String device, String eventId, String format) {
    return GatewayEvent.builder().device(type, device).eventId(eventId).format(format).payload(new byte[1]).build();
  }

  @Test
  void aGatewaysTopicIsWatsonTopicsEventForm() {
    EventSends sends = new EventSends(e -> new byte[0], false);
    String[][] cases = {{"sensor", "s1", "status", "json"}, {"t", "d", "e", "f"},
        {LONGEST, LONGEST, LONGEST, LONGEST}, {"a.b", "x-y_z", "E.V-T_1", "bin"}};
    for (String[] c : cases) {
      assertThat(sends.topic(event(c[0], c[1], c[2], c[3])))
          .isEqualTo(WatsonTopic.event(c[0], c[1], c[2], c[3]).toString());
    }
  }

  @Test
  void aDevicesOwnTopicParsesAsItsOwnEvent() {
    EventSends sends = new EventSends(e -> new byte[0], true);
    String topic = sends.topic(event("t", "d", LONGEST, "json"));
    assertThat(topic).isEqualTo("iot-2/evt/" + LONGEST + "/fmt/json");
    WatsonTopic parsed = WatsonTopic.parse(topic);
    assertThat(parsed.kind()).isEqualTo(WatsonTopic.Kind.OWN_EVENT);
    assertThat(parsed.name()).isEqualTo(LONGEST);
    assertThat(parsed.format()).isEqualTo("json");
  }
}
