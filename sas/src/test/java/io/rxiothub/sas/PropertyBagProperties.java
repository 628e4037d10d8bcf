// Property-bag encoding round-trips, the protocol.md §5 vectors and the settled rules (empty keys, error text).
package io.rxiothub.sas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

class PropertyBagProperties {

  @Provide
  Arbitrary<String> unicode() {
    // Any code point except lone surrogates, which have no UTF-8 form.
    return Arbitraries.strings().all().ofMaxLength(20)
        .filter(s -> s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF));
  }

  @Provide
  Arbitrary<Map<String, String>> bags() {
    return Arbitraries.maps(unicode().filter(s -> !s.isEmpty()), unicode()).ofMaxSize(8)
        .map(LinkedHashMap::new);
  }

  @Property
  void decodeOfEncodeIsIdentityInOrder(@ForAll("bags") Map<String, String> properties) {
    Map<String, String> decoded = new LinkedHashMap<>();
    PropertyBag.decode(PropertyBag.encode(properties)).forEach(decoded::put);
    assertThat(decoded).containsExactlyEntriesOf(properties);
  }

  @Property
  void encodedBagsHoldOnlyUnreservedCharactersSeparatorsAndEscapes(
      @ForAll("bags") Map<String, String> properties) {
    assertThat(PropertyBag.encode(properties)).matches("[A-Za-z0-9._~%&=-]*");
  }

  @Example
  void encodesTheProtocolExample() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("$.mid", "msg-1");
    p.put("$.cid", "corr-1");
    p.put("$.ct", "application/json");
    p.put("$.ce", "utf-8");
    p.put("$.cdid", "dev1");
    p.put("prop with space", "value with space");
    p.put("weird", "a&b=c/d%e é");
    assertThat(PropertyBag.encode(p)).isEqualTo("%24.mid=msg-1&%24.cid=corr-1"
        + "&%24.ct=application%2Fjson&%24.ce=utf-8&%24.cdid=dev1"
        + "&prop%20with%20space=value%20with%20space&weird=a%26b%3Dc%2Fd%25e%20%C3%A9");
  }

  @Example
  void decodesTheProtocolExamples() {
    assertThat(PropertyBag.decode("%24.mid=abc&%24.to=%2Fdevices%2Fdev1%2Fmessages%2FdeviceBound"
        + "&%24.ct=application%2Fjson&%24.ce=utf-8&iothub-ack=full&prop1=value%201"
        + "&odd%20key=a%26b%3Dc%2Fd%25e%C3%A9"))
        .containsExactly(
            Map.entry("$.mid", "abc"),
            Map.entry("$.to", "/devices/dev1/messages/deviceBound"),
            Map.entry("$.ct", "application/json"),
            Map.entry("$.ce", "utf-8"),
            Map.entry("iothub-ack", "full"),
            Map.entry("prop1", "value 1"),
            Map.entry("odd key", "a&b=c/d%eé"));
    assertThat(PropertyBag.decode("prop0=first&%24.mid=def&prop1=value%201")).containsExactly(
        Map.entry("prop0", "first"), Map.entry("$.mid", "def"), Map.entry("prop1", "value 1"));
    Map<String, String> bare = PropertyBag.decode("?prop1&prop2=&prop3=a%20string");
    assertThat(bare).containsKeys("prop1", "prop2", "prop3");
    assertThat(bare.get("prop1")).isNull();
    assertThat(bare.get("prop2")).isEmpty();
    assertThat(bare.get("prop3")).isEqualTo("a string");
  }

  @Example
  void dollarAndPercentFormsOfSystemKeysAreTheSameKeyAndLastWins() {
    assertThat(PropertyBag.decode("$.mid=a&&%24.mid=b&x=1+2"))
        .containsExactly(Map.entry("$.mid", "b"), Map.entry("x", "1+2"));
  }

  @Example
  void malformedBagsAreRejected() {
    assertThatThrownBy(() -> PropertyBag.decode("a=%zz")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PropertyBag.decode("=v")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty key");
  }

  @Example
  void theSettledRulesNameThePartAndTheRule() {
    assertThatThrownBy(() -> PropertyBag.decode("a=1&%24=x&%zz=2")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("property bag key at offset 10 ('%zz'): bad percent-encoding at index 0: '%' must be "
            + "followed by two hex digits");
    assertThatThrownBy(() -> PropertyBag.decode("k=%C3")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("property bag value of key 'k': percent-encoded text does not decode to valid UTF-8");
    assertThatThrownBy(() -> PropertyBag.decode("a=1&=v")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("property bag holds a pair with an empty key at offset 4: every pair needs a key");
    assertThat(PropertyBag.decode("a=1&%3D")).as("a key that decodes to '=' is fine")
        .containsEntry("=", null);
    assertThatThrownBy(() -> PropertyBag.decodeKeys("=v")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty key");
    assertThat(PropertyBag.decodeKeys("%24rid=a%2Fb=c&x=%zz")).containsExactly(
        Map.entry("$rid", "a%2Fb=c"), Map.entry("x", "%zz"));
    Map<String, String> empty = new LinkedHashMap<>();
    empty.put("", "v");
    assertThatThrownBy(() -> PropertyBag.encode(empty)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("property bag key must not be empty: every pair needs a key");
    Map<String, String> surrogate = new LinkedHashMap<>();
    surrogate.put("k", "\uD800");
    assertThatThrownBy(() -> PropertyBag.encode(surrogate)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("property bag value of key 'k': ");
  }

  @Example
  void appendPairWritesIntoATopicAndSkipsNullValues() {
    StringBuilder out = new StringBuilder("t/");
    PropertyBag.appendPair(out, 2, "$.mid", "a b");
    PropertyBag.appendPair(out, 2, "$.cid", null);
    PropertyBag.appendPair(out, 2, "k", "");
    assertThat(out.toString()).isEqualTo("t/%24.mid=a%20b&k=");
  }
}
