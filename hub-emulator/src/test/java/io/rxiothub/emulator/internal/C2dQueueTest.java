// The C2D bag and size rules (protocol.md §5, §8) without a broker.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class C2dQueueTest {

  @Test
  void theBagStartsWithMessageIdAndToThenTheGivenPropertiesInOrder() {
    Map<String, @Nullable String> given = new LinkedHashMap<>();
    given.put("b", "2");
    given.put("$.to", "ignored");
    given.put("$.mid", "m1");
    given.put("a", null);
    assertThat(C2dQueue.bag("dev1", given)).containsExactly(Map.entry("$.mid", "m1"),
        Map.entry("$.to", "/devices/dev1/messages/devicebound"), Map.entry("b", "2"), entry("a", null));
  }

  @Test
  void aMissingMessageIdBecomesAFreshUuid() {
    String first = C2dQueue.bag("dev1", Map.of()).get("$.mid");
    assertThat(first).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(C2dQueue.bag("dev1", Map.of()).get("$.mid")).isNotEqualTo(first);
  }

  @Test
  void theSizeCountsTheBodyAndEveryNameAndValueInUtf8() {
    Map<String, @Nullable String> bag = new LinkedHashMap<>();
    bag.put("é", "ab");
    bag.put("bare", null);
    assertThat(C2dQueue.size(new byte[10], bag)).isEqualTo(10 + 2 + 2 + 4);
  }

  private static Map.Entry<String, @Nullable String> entry(String key, @Nullable String value) {
    return new java.util.AbstractMap.SimpleEntry<>(key, value);
  }
}
