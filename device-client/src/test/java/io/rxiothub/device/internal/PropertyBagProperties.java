// Property-bag encoding round-trips and the protocol.md §5 vectors.
package io.rxiothub.device.internal;

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
}
