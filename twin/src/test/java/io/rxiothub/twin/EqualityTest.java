// EqualsVerifier checks of every value type in this module.
package io.rxiothub.twin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class EqualityTest {

  private static final TwinCollection RED = TwinCollection.builder().put("color", "red").build();
  private static final TwinCollection BLUE = TwinCollection.builder().put("color", "blue").build();

  @Test
  void twinCollection() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("a", 1L);
    EqualsVerifier.forClass(TwinCollection.class)
        .withPrefabValues(Map.class, Collections.unmodifiableMap(a), Collections.emptyMap())
        .suppress(Warning.NULL_FIELDS)
        .verify();
  }

  @Test
  void twin() {
    EqualsVerifier.forClass(Twin.class).withPrefabValues(TwinCollection.class, RED, BLUE)
        .suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void twinPatch() {
    EqualsVerifier.forClass(TwinPatch.class).withPrefabValues(TwinCollection.class, RED, BLUE)
        .suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void twinTopic() {
    EqualsVerifier.forClass(TwinTopic.class).verify();
  }

  @Test
  void twinRequestAndResponse() {
    EqualsVerifier.forClass(TwinRequest.class).suppress(Warning.NULL_FIELDS).verify();
    EqualsVerifier.forClass(TwinResponse.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void trackerStep() {
    EqualsVerifier.forClass(DesiredStateTracker.Step.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void plugAndPlayValues() {
    EqualsVerifier.forClass(WritablePropertyAck.class).suppress(Warning.NULL_FIELDS).verify();
    EqualsVerifier.forClass(WritablePropertyUpdate.class).suppress(Warning.NULL_FIELDS).verify();
  }
}
