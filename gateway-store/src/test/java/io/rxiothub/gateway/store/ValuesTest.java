// The store's values: equality, builders' rules and messages, the full-store message naming its limit.
package io.rxiothub.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void valuesHaveValueEquality() {
    EqualsVerifier.forClass(ForwardMessage.class).suppress(Warning.NULL_FIELDS).verify();
    EqualsVerifier.forClass(StoredMessage.class).suppress(Warning.NULL_FIELDS).verify();
    EqualsVerifier.forClass(StoreStats.class).verify();
    EqualsVerifier.forClass(StoreSettings.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void aMessageKeepsItsPropertiesInOrderAndItsPayloadToItself() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("z", "1");
    props.put("a", "2");
    byte[] payload = {1, 2, 3};
    ForwardMessage m = ForwardMessage.builder().messageId("m1").properties(props).payload(payload).build();
    payload[0] = 9;
    m.payload()[1] = 9;
    assertThat(m.properties().keySet()).containsExactly("z", "a");
    assertThat(m.payload()).containsExactly(1, 2, 3);
    assertThat(m.toBuilder().build()).isEqualTo(m);
    assertThatThrownBy(() -> m.properties().put("b", "3")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void buildersNameTheFieldAndTheRule() {
    assertThatThrownBy(() -> ForwardMessage.builder().messageId("")).hasMessage(
        "messageId must not be null or empty");
    assertThatThrownBy(() -> ForwardMessage.builder().property("k", null)).hasMessageContaining("value must not be null");
    assertThatThrownBy(() -> ForwardMessage.builder().payload(null)).hasMessageStartingWith("payload must not be null");
    assertThatThrownBy(() -> ForwardMessage.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("messageId is required");
    assertThatThrownBy(() -> StoreSettings.builder().maxBytes(0)).hasMessage("maxBytes must be positive, was 0");
    assertThatThrownBy(() -> StoreSettings.builder().maxAge(Duration.ZERO)).hasMessageContaining("maxAge must be positive");
    assertThatThrownBy(() -> StoredMessage.of(0, "d", java.time.Instant.EPOCH,
        ForwardMessage.builder().messageId("m").build())).hasMessageContaining("sequence must be positive");
  }

  @Test
  void settingsDefaultToAMemoryStoreThatRejectsWhenFull() {
    StoreSettings s = StoreSettings.builder().build();
    assertThat(s.inMemory()).isTrue();
    assertThat(s.maxBytes()).isEqualTo(256L * 1024 * 1024);
    assertThat(s.maxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(s.overflow()).isEqualTo(OverflowPolicy.REJECT_NEW);
    StoreSettings onDisk = s.toBuilder().directory(Path.of("q")).build();
    assertThat(onDisk.inMemory()).isFalse();
    assertThat(onDisk.toString()).contains("q", "maxBytes");
  }

  @Test
  void theFullStoreMessageNamesTheLimitAndWhatToDo() {
    StoreFullException full = new StoreFullException(1000, 990, 40, OverflowPolicy.REJECT_NEW);
    assertThat(full).hasMessageContaining("maxBytes 1000").hasMessageContaining("990")
        .hasMessageContaining("40 bytes").hasMessageContaining("REJECT_NEW").hasMessageContaining("DROP_OLDEST");
    assertThat(new StoreFullException(10, 0, 40, OverflowPolicy.DROP_OLDEST))
        .hasMessageContaining("larger than the store's maxBytes 10");
  }
}
