// The public values: equality contracts and validation with the rule named.
package io.rxiothub.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void messageEquality() {
    EqualsVerifier.forClass(Message.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void cloudMessageEquality() {
    EqualsVerifier.forClass(CloudMessage.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void inputMessageEquality() {
    EqualsVerifier.forClass(InputMessage.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void connectionStateEquality() {
    EqualsVerifier.forClass(ConnectionState.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void messagesCopyTheirPayloadAndKeepPropertyOrder() {
    byte[] payload = "abc".getBytes(StandardCharsets.UTF_8);
    Message m = Message.builder().payload(payload).property("z", "1").property("a", "2").build();
    payload[0] = 'x';
    assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("abc");
    m.payload()[0] = 'y';
    assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("abc");
    assertThat(m.properties().keySet()).containsExactly("z", "a");
    assertThat(m.toBuilder().build()).isEqualTo(m);
  }

  @Test
  void aBuiltMessageKeepsItsPropertiesWhateverItsBuilderDoesNext() {
    // The builder hands its property map to the message and copies it before its next change.
    Message.Builder b = Message.builder().property("a", "1");
    Message first = b.build();
    Message second = b.property("b", "2").build();
    Message third = b.clearProperties().property("c", "3").build();
    Message fourth = b.build();
    Message derived = first.toBuilder().property("a", "9").property("d", "4").build();
    Message emptied = second.toBuilder().clearProperties().build();
    assertThat(first.properties()).containsExactly(entry("a", "1"));
    assertThat(second.properties()).containsExactly(entry("a", "1"), entry("b", "2"));
    assertThat(third.properties()).containsExactly(entry("c", "3"));
    assertThat(fourth.properties()).containsExactly(entry("c", "3"));
    assertThat(derived.properties()).containsExactly(entry("a", "9"), entry("d", "4"));
    assertThat(emptied.properties()).isEmpty();
    assertThatThrownBy(() -> first.properties().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> emptied.properties().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void reservedOrEmptyPropertyNamesAreRejectedWithTheRule() {
    assertThatThrownBy(() -> Message.builder().property("$.mid", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    assertThatThrownBy(() -> Message.builder().property("iothub-ack", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    assertThatThrownBy(() -> Message.builder().property("", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> Message.builder().property("k", "\uD800"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
  }

  @Test
  void messageIdsFollowTheHubRule() {
    assertThat(Message.builder().messageId("a-b:c.d").build().messageId()).isEqualTo("a-b:c.d");
    assertThatThrownBy(() -> Message.builder().messageId("has space"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("messageId");
  }

  @Test
  void exceptionsSayWhetherToRetry() {
    assertThat(new IotHubConnectionException("x", null).isRetryable()).isTrue();
    assertThat(new IotHubConnectionRefusedException(5, "x", null).isRetryable()).isFalse();
    assertThat(new IotHubConnectionRefusedException(5, "x", null).isBadCredentials()).isTrue();
    assertThat(new IotHubConnectionRefusedException(3, "x", null).isBadCredentials()).isFalse();
    assertThat(new IotHubConnectionRefusedException(3, "x", null).isRetryable()).as("server unavailable").isTrue();
    assertThat(new IotHubRequestException(429, "1", "x", null).isRetryable()).isTrue();
    assertThat(new IotHubRequestException(503, "1", "x", null).isRetryable()).isTrue();
    assertThat(new IotHubRequestException(400, "1", "x", null).isRetryable()).isFalse();
    assertThat(new IotHubTimeoutException("x", null).isRetryable()).isTrue();
    assertThat(new IotHubClientStateException("x", null).isRetryable()).isFalse();
    assertThat(new IotHubProtocolException("x", null).isRetryable()).isFalse();
    assertThat(new IotHubQueueFullException(1, "x").isRetryable()).isTrue();
    assertThat(new IotHubTokenExpiredException(1, "x").isRetryable()).isFalse();
  }
}
