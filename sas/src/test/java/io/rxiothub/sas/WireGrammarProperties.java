// The device dialect's one wire grammar (property bag, message topics, CONNECT user name): round trips and fuzzing.
package io.rxiothub.sas;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.testing.Mutations;
import io.rxiothub.testing.ParserContract;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
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

  @Property(tries = 2000)
  void everyGrammarParsesOrNamesTheRule(@ForAll("nearWire") String text) {
    IllegalArgumentException e = ParserContract.check("PropertyBag.decode",
        IllegalArgumentException.class, () -> PropertyBag.decode(text));
    if (e != null) {
      assertThat(e.getMessage()).startsWith("property bag ");
    }
    e = ParserContract.check("PropertyBag.decodeKeys", IllegalArgumentException.class,
        () -> PropertyBag.decodeKeys(text));
    if (e != null) {
      assertThat(e.getMessage()).startsWith("property bag ");
    }
    e = ParserContract.check("MessageTopic.parse", IllegalArgumentException.class,
        () -> MessageTopic.parse(text));
    if (e != null) {
      assertThat(e.getMessage()).startsWith("message topic ");
    }
    e = ParserContract.check("ConnectUserName.parse", IllegalArgumentException.class,
        () -> ConnectUserName.parse(text));
    if (e != null) {
      assertThat(e.getMessage()).startsWith("CONNECT user name ");
    }
  }

  @Provide
  Arbitrary<String> nearWire() {
    Arbitrary<String> seeds = Arbitraries.of(
        "%24.mid=msg-1&%24.cid=corr-1&%24.ct=application%2Fjson&weird=a%26b%3Dc%2Fd%25e%20%C3%A9",
        "?prop1&prop2=&prop3=a%20string",
        "devices/dev1/messages/events/%24.mid=m&%24.cdid=dev1",
        "devices/dev1/modules/mod1/messages/devicebound/prop0=first&%24.mid=def/",
        "devices/dev1/messages/devicebound",
        "hub.azure-devices.net/dev1/?api-version=2021-04-12&DeviceClientType=rxiothub%2F0.1.0",
        "hub.azure-devices.net/dev1/mod1/?api-version=2021-04-12&model-id=dtmi%3Acom%3Aex%3AT%3B1");
    return Arbitraries.oneOf(Mutations.of(seeds), Arbitraries.strings().ofMaxLength(120),
        Combinators.combine(Arbitraries.strings().withChars("&=?%/$.").ofMaxLength(12),
            Arbitraries.strings().ofMaxLength(6)).as(String::concat));
  }
}
