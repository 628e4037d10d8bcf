// Unit tests of TwinPatch: desired notification parsing, reported body, and every twin limit of protocol.md §6.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TwinPatchTest {

  private static String repeat(char c, int n) {
    return String.valueOf(c).repeat(n);
  }

  @Test
  void parsesTheProtocolDesiredNotification() {
    TwinPatch patch = TwinPatch.parse(
        "{\"telemetrySendFrequency\":\"5m\",\"route\":null,\"$version\":13}".getBytes(StandardCharsets.UTF_8));
    assertThat(patch.version()).isEqualTo(13L);
    assertThat(patch.properties().getString("telemetrySendFrequency")).isEqualTo("5m");
    assertThat(patch.properties().containsKey("route")).isTrue();
    assertThat(patch.properties().containsKey("$version")).isFalse();
  }

  @Test
  void desiredNotificationTakesItsVersionFromBodyOrTopic() {
    TwinTopic topic = TwinTopic.parse("$iothub/twin/PATCH/properties/desired/?$version=13");
    byte[] withVersion = "{\"a\":1,\"$version\":13}".getBytes(StandardCharsets.UTF_8);
    byte[] without = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    assertThat(TwinPatch.fromDesiredNotification(topic, withVersion).version()).isEqualTo(13L);
    assertThat(TwinPatch.fromDesiredNotification(topic, without).version()).isEqualTo(13L);
    assertThat(TwinPatch.fromDesiredNotification(topic, without).properties().getLong("a")).isEqualTo(1L);
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.fromDesiredNotification(
        TwinTopic.desiredPatch(14), withVersion)).withMessageContaining("13").withMessageContaining("14");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.fromDesiredNotification(TwinTopic.get("1"), without))
        .withMessageContaining("DESIRED_PATCH");
  }

  @Test
  void ignoresTopLevelHubMetadataAndToleratesAMissingVersion() {
    TwinPatch patch = TwinPatch.parse("{\"a\":1,\"$metadata\":{\"$lastUpdated\":\"2020\"}}");
    assertThat(patch.version()).isNull();
    assertThat(patch.properties().keySet()).containsExactly("a");
  }

  @Test
  void rejectsABadVersion() {
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.parse("{\"$version\":\"13\"}"))
        .withMessageContaining("$version");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.parse("{\"$version\":-1}"));
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.builder().version(-1));
  }

  @Test
  void reportedPatchSerializesToTheExactPatchBody() {
    TwinPatch patch = TwinPatch.builder().put("telemetrySendFrequency", "35m").put("batteryLevel", 60).build();
    assertThat(patch.version()).isNull();
    assertThat(patch.toJson()).isEqualTo("{\"telemetrySendFrequency\":\"35m\",\"batteryLevel\":60}");
    assertThat(new String(patch.toJsonBytes(), StandardCharsets.UTF_8)).isEqualTo(patch.toJson());
    assertThat(patch.toBuilder().version(7).build().toJson()).endsWith(",\"$version\":7}");
    assertThat(patch.toBuilder().version(7).clearVersion().build()).isEqualTo(patch);
  }

  @Test
  void nullDeletesWhenApplied() {
    TwinPatch patch = TwinPatch.builder().put("a", null).put("b", 2).build();
    TwinCollection target = TwinCollection.builder().put("a", 1).put("c", 3).build();
    assertThat(patch.applyTo(target)).isEqualTo(TwinCollection.builder().put("c", 3).put("b", 2).build());
  }

  @Test
  void keyRulesAreCheckedAtPutWithTheKeyAndRuleNamed() {
    for (String bad : new String[] {"a.b", "$a", "a b"}) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> TwinPatch.builder().put(bad, 1))
          .withMessageContaining(bad).withMessageContaining("must not contain '.', '$' or ' '");
    }
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.builder().put("a\u0001", 1))
        .withMessageContaining("\\u0001").withMessageContaining("control characters");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.builder().put("a\u0085", 1))
        .withMessageContaining("control characters");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.builder().put("", 1))
        .withMessageContaining("empty key");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.builder().put(repeat('k', 1025), 1))
        .withMessageContaining("1024 bytes");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.builder().put("\ud800", 1))
        .withMessageContaining("lone surrogate");
    assertThat(TwinPatch.builder().put(repeat('k', 1024), 1).build().properties().size()).isEqualTo(1);
    assertThat(TwinPatch.builder().put(repeat('é', 512), 1).build().properties().size()).isEqualTo(1);
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.builder().put(repeat('é', 513), 1));
  }

  @Test
  void nestedKeysAreCheckedWithTheirPath() {
    TwinCollection nested = TwinCollection.builder().put("outer", TwinCollection.builder().put("in.ner", 1).build()).build();
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.of(nested))
        .withMessageContaining("'in.ner'").withMessageContaining("/outer");
  }

  @Test
  void valueLimits() {
    assertThat(TwinPatch.builder().put("s", repeat('x', 4096)).build()).isNotNull();
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.builder().put("s", repeat('x', 4097)))
        .withMessageContaining("/s").withMessageContaining("4096 bytes");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.builder().put("s", "\udc00"))
        .withMessageContaining("lone surrogate");
    assertThat(TwinPatch.builder().put("max", 4503599627370495L).put("min", -4503599627370496L).build()).isNotNull();
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.builder().put("i", 4503599627370496L))
        .withMessageContaining("/i").withMessageContaining("4503599627370495");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.builder().put("i", -4503599627370497L));
    assertThatIllegalArgumentException().isThrownBy(
        () -> TwinPatch.builder().put("l", java.util.Arrays.asList(1, 4503599627370496L))).withMessageContaining("/l/1");
  }

  @Test
  void depthLimitIsTenLevelsBelowThePatch() {
    assertThat(TwinPatch.of(nest(10))).isNotNull();
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.of(nest(11)))
        .withMessageContaining("deeper than 10");
    TwinCollection arrays = TwinCollection.builder().put("a", java.util.Collections.singletonList(nest(10).get("k"))).build();
    assertThatIllegalArgumentException().as("arrays count as a level").isThrownBy(() -> TwinPatch.of(arrays));
  }

  @Test
  void sizeLimitIs32KiBOfCompactJson() {
    TwinPatch.Builder ok = TwinPatch.builder();
    // 8 members of {"kN":"<4000 x>"} stay under 32768 bytes
    for (int i = 0; i < 8; i++) {
      ok.put("k" + i, repeat('x', 4000));
    }
    assertThat(ok.build().toJsonBytes().length).isLessThanOrEqualTo(32 * 1024);
    TwinPatch.Builder big = TwinPatch.builder();
    for (int i = 0; i < 9; i++) {
      big.put("k" + i, repeat('x', 4000));
    }
    assertThatIllegalArgumentException().isThrownBy(big::build).withMessageContaining("32768 bytes");
  }

  @Test
  void propertiesArePutAsAWhole() {
    TwinCollection props = TwinCollection.builder().put("a", 1).build();
    assertThat(TwinPatch.builder().put("x", 1).properties(props).build().properties()).isEqualTo(props);
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.builder().properties(null));
    assertThatIllegalArgumentException().isThrownBy(() -> TwinPatch.parse((byte[]) null));
  }

  /** {"k":{"k":{…}}} with {@code levels} nested objects below the root. */
  static TwinCollection nest(int levels) {
    TwinCollection inner = TwinCollection.builder().put("leaf", 1).build();
    for (int i = 1; i < levels; i++) {
      inner = TwinCollection.builder().put("k", inner).build();
    }
    return TwinCollection.builder().put("k", inner).build();
  }
}
