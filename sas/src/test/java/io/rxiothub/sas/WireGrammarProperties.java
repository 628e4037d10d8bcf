// The device dialect's one wire grammar (property bag, message topics, CONNECT user name): round trips (the
// fuzzing is in ParserFuzzProperties).
package io.rxiothub.sas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class WireGrammarProperties {

  @Provide
  Arbitrary<String> unicode() {
    // Any code point except lone surrogates, which have no UTF-8 form.
    return Arbitraries.strings().all().ofMaxLength(20)
        .filter(s -> s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF));
  }

  @Provide
  Arbitrary<Map<String, String>> bags() {
    Arbitrary<String> values = Arbitraries.oneOf(unicode(), Arbitraries.just(null));
    return Arbitraries.maps(unicode().filter(s -> !s.isEmpty()), values).ofMaxSize(8)
        .map(LinkedHashMap::new);
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.strings().withChars("abcXYZ019-:.%_*?!(),=@;$'").ofMinLength(1).ofMaxLength(12);
  }

  @Property
  void bagDecodeOfEncodeIsIdentityInOrder(@ForAll("bags") Map<String, String> properties) {
    assertThat(new ArrayList<>(PropertyBag.decode(PropertyBag.encode(properties)).entrySet()))
        .isEqualTo(new ArrayList<>(properties.entrySet()));
  }

  @Property
  void bagKeysDecodeAndValuesStayAsWritten(@ForAll("bags") Map<String, String> properties) {
    Map<String, String> raw = PropertyBag.decodeKeys(PropertyBag.encode(properties));
    assertThat(raw.keySet()).containsExactlyElementsOf(properties.keySet());
    properties.forEach((k, v) -> assertThat(raw.get(k))
        .isEqualTo(v == null ? null : PercentEncoding.encode(v)));
  }

  @Property
  void encodedBagsHoldOnlyUnreservedCharactersSeparatorsAndEscapes(
      @ForAll("bags") Map<String, String> properties) {
    assertThat(PropertyBag.encode(properties)).matches("[A-Za-z0-9._~%&=-]*");
  }

  @Property
  void messageTopicParseOfFormatIsIdentity(@ForAll boolean telemetry, @ForAll("ids") String device,
      @ForAll("ids") String module, @ForAll boolean isModule, @ForAll("bags") Map<String, String> bag) {
    MessageTopic topic = MessageTopic.of(telemetry ? MessageTopic.Kind.TELEMETRY
        : MessageTopic.Kind.DEVICEBOUND, device, isModule ? module : null, bag);
    assertThat(MessageTopic.parse(topic.format())).isEqualTo(topic);
    assertThat(new ArrayList<>(MessageTopic.parse(topic.format()).properties().entrySet()))
        .isEqualTo(new ArrayList<>(bag.entrySet()));
  }

  @Property
  void identityTopicsAgreeWithTheValue(@ForAll("ids") String device, @ForAll("ids") String module,
      @ForAll boolean isModule, @ForAll("bags") Map<String, String> bag) {
    MessageTopic.Identity identity = new MessageTopic.Identity(device, isModule ? module : null);
    String encoded = PropertyBag.encode(bag);
    assertThat(identity.telemetry(encoded)).isEqualTo(MessageTopic.of(MessageTopic.Kind.TELEMETRY,
        device, isModule ? module : null, bag).format());
    String c2d = MessageTopic.of(MessageTopic.Kind.DEVICEBOUND, device, isModule ? module : null, bag)
        .format();
    assertThat(identity.deviceboundBag(c2d)).isEqualTo(encoded);
  }

  @Property
  void userNameParseOfFormatIsIdentity(@ForAll("ids") String device, @ForAll("ids") String module,
      @ForAll boolean isModule, @ForAll("unicode") String apiVersion, @ForAll("unicode") String type,
      @ForAll boolean withType, @ForAll("unicode") String model, @ForAll boolean withModel) {
    ConnectUserName name = ConnectUserName.builder().hostName("hub.azure-devices.net").deviceId(device)
        .moduleId(isModule ? module : null).apiVersion("v" + apiVersion)
        .deviceClientType(withType ? type : null).modelId(withModel ? model : null).build();
    assertThat(ConnectUserName.parse(name.format())).isEqualTo(name);
  }
}
