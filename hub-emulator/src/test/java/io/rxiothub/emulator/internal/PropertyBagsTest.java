// The emulator's bag decoding follows protocol.md §5 examples.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
