// Unit tests of TwinCollection: JSON types, typed getters, conversion, immutability, merge rules, strict parsing.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwinCollectionTest {

  @Test
  void parsesEveryJsonTypeIntoPlainJavaTypes() {
    TwinCollection c = TwinCollection.parse(
        "{\"s\":\"x\",\"b\":true,\"i\":42,\"d\":1.5,\"n\":null,\"o\":{\"k\":1},\"a\":[1,\"two\",{\"z\":false},null]}");
    assertThat(c.getString("s")).isEqualTo("x");
    assertThat(c.getBoolean("b")).isTrue();
    assertThat(c.getLong("i")).isEqualTo(42L);
    assertThat(c.getDouble("i")).isEqualTo(42.0);
    assertThat(c.getDouble("d")).isEqualTo(1.5);
    assertThat(c.containsKey("n")).isTrue();
    assertThat(c.get("n")).isNull();
    assertThat(c.getCollection("o")).isEqualTo(TwinCollection.builder().put("k", 1).build());
    assertThat(c.getList("a")).containsExactly(1L, "two", TwinCollection.builder().put("z", false).build(), null);
    assertThat(c.getString("missing")).isNull();
    assertThat(c.size()).isEqualTo(7);
    assertThat(c.keySet()).containsExactly("s", "b", "i", "d", "n", "o", "a");
  }

  @Test
  void typedGetterOfTheWrongTypeNamesTheKeyAndBothTypes() {
    TwinCollection c = TwinCollection.builder().put("speed", 5).build();
    assertThatIllegalArgumentException().isThrownBy(() -> c.getString("speed"))
        .withMessageContaining("'speed'").withMessageContaining("an integer").withMessageContaining("not a string");
    assertThatIllegalArgumentException().isThrownBy(() -> c.getCollection("speed"));
    assertThatIllegalArgumentException().isThrownBy(() -> c.getList("speed"));
    assertThatIllegalArgumentException().isThrownBy(() -> c.getBoolean("speed"));
  }

  @Test
  void builderNormalizesJavaNumbersMapsAndCollections() {
    Map<String, Object> nested = new HashMap<>();
    nested.put("x", (short) 3);
    TwinCollection c = TwinCollection.builder()
        .put("int", 7).put("byte", (byte) 1).put("float", 0.5f).put("bigInt", BigInteger.TEN)
        .put("bigDec", new BigDecimal("2.25")).put("map", nested)
        .put("list", Arrays.asList(1, "a")).put("array", new Object[] {true})
        .build();
    assertThat(c.get("int")).isEqualTo(7L);
    assertThat(c.get("byte")).isEqualTo(1L);
    assertThat(c.get("float")).isEqualTo(0.5);
    assertThat(c.get("bigInt")).isEqualTo(10L);
    assertThat(c.get("bigDec")).isEqualTo(2.25);
    assertThat(c.getCollection("map").get("x")).isEqualTo(3L);
    assertThat(c.getList("list")).containsExactly(1L, "a");
    assertThat(c.getList("array")).containsExactly(true);
  }

  @Test
  void builderRejectsUnsupportedAndNonFiniteValues() {
    assertThatIllegalArgumentException().isThrownBy(() -> TwinCollection.builder().put("k", new Object()))
        .withMessageContaining("'k'").withMessageContaining("unsupported type");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinCollection.builder().put("k", Double.NaN))
        .withMessageContaining("finite");
    assertThatIllegalArgumentException().isThrownBy(
        () -> TwinCollection.builder().put("k", BigInteger.ONE.shiftLeft(70))).withMessageContaining("64-bit");
    assertThatIllegalArgumentException().isThrownBy(() -> TwinCollection.builder().put(null, 1));
  }

  @Test
  void isImmutableAndDefensivelyCopied() {
    List<Object> list = new java.util.ArrayList<>(Arrays.asList(1, 2));
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("list", list);
    TwinCollection c = TwinCollection.of(map);
    list.add(3);
    map.put("other", 1);
    assertThat(c.getList("list")).containsExactly(1L, 2L);
    assertThat(c.containsKey("other")).isFalse();
    assertThatThrownBy(() -> c.asMap().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.getList("list").add(1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toBuilderCopiesAndRemoveDiffersFromPutNull() {
    TwinCollection c = TwinCollection.builder().put("a", 1).put("b", 2).build();
    TwinCollection changed = c.toBuilder().remove("a").put("b", null).build();
    assertThat(changed.containsKey("a")).isFalse();
    assertThat(changed.containsKey("b")).isTrue();
    assertThat(c.getLong("a")).isEqualTo(1L);
  }

  @Test
  void equalityIgnoresKeyOrderButSerializationKeepsIt() {
    TwinCollection ab = TwinCollection.builder().put("a", 1).put("b", 2).build();
    TwinCollection ba = TwinCollection.builder().put("b", 2).put("a", 1).build();
    assertThat(ab).isEqualTo(ba).hasSameHashCodeAs(ba);
    assertThat(ab.toJson()).isEqualTo("{\"a\":1,\"b\":2}");
    assertThat(ba.toJson()).isEqualTo("{\"b\":2,\"a\":1}");
    assertThat(ab.toString()).isEqualTo(ab.toJson());
  }

  @Test
  void mergeFollowsTheHubPatchRules() {
    TwinCollection doc = TwinCollection.parse(
        "{\"telemetrySendFrequency\":\"5m\",\"route\":\"r1\",\"nested\":{\"a\":1,\"b\":2},\"scalar\":3}");
    TwinCollection patch = TwinCollection.parse(
        "{\"telemetrySendFrequency\":\"35m\",\"route\":null,\"nested\":{\"b\":null,\"c\":3},"
            + "\"scalar\":{\"x\":1,\"gone\":null},\"new\":[1,2]}");
    TwinCollection merged = doc.merge(patch);
    assertThat(merged).isEqualTo(TwinCollection.parse(
        "{\"telemetrySendFrequency\":\"35m\",\"nested\":{\"a\":1,\"c\":3},\"scalar\":{\"x\":1},\"new\":[1,2]}"));
    assertThat(merged.merge(patch)).isEqualTo(merged);
    assertThat(doc.getString("route")).as("original unchanged").isEqualTo("r1");
  }

  @Test
  void parseRejectsWhatIsNotOneObjectWithAClearMessage() {
    for (String bad : new String[] {"", "[]", "1", "\"s\"", "null", "{", "{\"a\":1}x", "{\"a\":1,\"a\":2}",
        "{'a':1}", "{\"a\":NaN}", "{\"a\":123456789012345678901234567890}", "{\"a\":1e400}"}) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> TwinCollection.parse(bad))
          .withMessageContaining("twin JSON");
    }
    assertThatIllegalArgumentException().isThrownBy(() -> TwinCollection.parse(null));
  }
}
