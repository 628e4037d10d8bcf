// The emulator's one bag reader and writer follows protocol.md §5: its examples, empty keys, duplicates, error texts.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PropertyBagsTest {

  @Test
  void decodesExample2OfProtocolSection5() {
    Map<String, String> bag = PropertyBags.decode("%24.mid=abc&%24.to=%2Fdevices%2Fdev1%2Fmessages%2FdeviceBound"
        + "&%24.ct=application%2Fjson&%24.ce=utf-8&iothub-ack=full&prop1=value%201&odd%20key=a%26b%3Dc%2Fd%25e%C3%A9");
    assertThat(bag).containsExactly(
        Map.entry("$.mid", "abc"),
        Map.entry("$.to", "/devices/dev1/messages/deviceBound"),
        Map.entry("$.ct", "application/json"),
        Map.entry("$.ce", "utf-8"),
        Map.entry("iothub-ack", "full"),
        Map.entry("prop1", "value 1"),
        Map.entry("odd key", "a&b=c/d%eé"));
  }

  @Test
  void bareKeyIsNullAndEmptyValueIsEmptyAndLeadingQuestionMarkIsTolerated() {
    Map<String, String> bag = PropertyBags.decode("?prop1&prop2=&prop3=a%20string");
    assertThat(bag).containsKey("prop1");
    assertThat(bag.get("prop1")).isNull();
    assertThat(bag).containsEntry("prop2", "").containsEntry("prop3", "a string");
  }

  @Test
  void literalDollarAndEncodedDollarAreTheSameKeyAndPlusStaysLiteral() {
    assertThat(PropertyBags.decode("$.mid=a+b")).containsExactly(Map.entry("$.mid", "a+b"));
    assertThat(PropertyBags.decode("%24.mid=x&$.mid=y")).containsExactly(Map.entry("$.mid", "y"));
  }

  @Test
  void badPercentSequenceIsRejected() {
    assertThatThrownBy(() -> PropertyBags.decode("a=%zz")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void encodesWithOurEncoderAndRoundTrips() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("$.mid", "msg-1");
    props.put("weird", "a&b=c/d%e é");
    props.put("bare", null);
    String bag = PropertyBags.encode(props);
    assertThat(bag).isEqualTo("%24.mid=msg-1&weird=a%26b%3Dc%2Fd%25e%20%C3%A9&bare");
    assertThat(PropertyBags.decode(bag)).isEqualTo(props);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "=v&a=1    | 0",
      "a=1&=x    | 4",
      "?a&%2F=1&= | 9",
  })
  void anEmptyKeyMakesTheBagMalformedForDecodeAndRawValue(String bag, int offset) {
    String text = "property bag holds a pair with an empty key at offset " + offset + ": every pair needs a key";
    assertThatThrownBy(() -> PropertyBags.decode(bag)).isInstanceOf(IllegalArgumentException.class).hasMessage(text);
    assertThatThrownBy(() -> PropertyBags.rawValue(bag, "a")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(text);
  }

  @Test
  void anEmptyKeyIsRefusedWhenEncoding() {
    assertThatThrownBy(() -> PropertyBags.encode(Map.of("", "v"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("property bag key must not be empty: every pair needs a key");
  }

  @Test
  void anEncodedEqualsSignIsAKeyNotAnEmptyOne() {
    assertThat(PropertyBags.decode("%3D=v")).containsExactly(Map.entry("=", "v"));
  }

  @Test
  void rawValueKeepsTheValueAsSentAndTheLastDuplicateWinsAsInDecode() {
    assertThat(PropertyBags.rawValue("?%24rid=a%2Fb&x", "$rid")).isEqualTo("a%2Fb");
    assertThat(PropertyBags.rawValue("$rid=%zz", "$rid")).isEqualTo("%zz");
    assertThat(PropertyBags.rawValue("$rid=1&$rid=2", "$rid")).isEqualTo("2");
    assertThat(PropertyBags.decode("a=1&b=2&a=3")).containsExactly(Map.entry("b", "2"), Map.entry("a", "3"));
    assertThat(PropertyBags.rawValue("$rid", "$rid")).isNull();
    assertThat(PropertyBags.rawValue("a=1", "$rid")).isNull();
  }

  @Test
  void aBadKeyIsRefusedWithTheSameTextByDecodeAndRawValue() {
    String text = "property bag key at offset 4 ('b%zz'): ";
    assertThatThrownBy(() -> PropertyBags.decode("a=1&b%zz=2")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(text);
    assertThatThrownBy(() -> PropertyBags.rawValue("a=1&b%zz=2", "a")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(text);
  }

  @Test
  void aBadValueIsRefusedByDecodeNamingItsKey() {
    assertThatThrownBy(() -> PropertyBags.decode("a=1&b=%C3")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("property bag value of key 'b': ");
  }
}
