// A leaf's telemetry topic to the stored record and back to the upstream Message: nothing of the bag is lost.
package io.rxiothub.gateway.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rxiothub.device.Message;
import io.rxiothub.gateway.store.ForwardMessage;
import org.junit.jupiter.api.Test;

class TelemetryMappingTest {

  @Test
  void systemAndApplicationPropertiesSurviveTheStore() {
    String topic = "devices/leaf-1/messages/events/%24.mid=m-1&%24.cid=c-9&%24.ct=application%2Fjson&%24.ce=utf-8"
        + "&%24.ctime=2026-12-03T10%3A00%3A00.000Z&%24.sub=thermostat1&%24.cdid=leaf-1&room=kitchen&alert=false";

    ForwardMessage record = TelemetryMapping.toRecord(topic, "{}".getBytes(UTF_8));
    Message message = TelemetryMapping.toMessage(record);

    assertThat(record.messageId()).isEqualTo("m-1");
    assertThat(message.messageId()).isEqualTo("m-1");
    assertThat(message.correlationId()).isEqualTo("c-9");
    assertThat(message.contentType()).isEqualTo("application/json");
    assertThat(message.contentEncoding()).isEqualTo("utf-8");
    assertThat(message.creationTimeEpochMillis()).isEqualTo(1_796_292_000_000L);
    assertThat(message.componentName()).isEqualTo("thermostat1");
    assertThat(message.properties()).containsEntry("room", "kitchen").containsEntry("alert", "false")
        .doesNotContainKey("$.cdid");
    assertThat(new String(message.payload(), UTF_8)).isEqualTo("{}");
  }

  @Test
  void aMessageWithoutIdGetsAFreshOneThatTheStoreKeeps() {
    ForwardMessage a = TelemetryMapping.toRecord("devices/leaf-1/messages/events/", new byte[0]);
    ForwardMessage b = TelemetryMapping.toRecord("devices/leaf-1/messages/events/", new byte[0]);

    assertThat(a.messageId()).isNotEmpty().isNotEqualTo(b.messageId());
    assertThat(TelemetryMapping.toMessage(a).messageId()).isEqualTo(a.messageId());
  }

  @Test
  void onlyTelemetryTopicsAreRecords() {
    assertThatThrownBy(() -> TelemetryMapping.toRecord("devices/leaf-1/messages/devicebound/", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
