// Fuzzing of the device client's parsers (issue 9, bad input): property bags, C2D topics, PEM credentials.
package io.rxiothub.device.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.IotHubProtocolException;
import io.rxiothub.device.internal.MessageCodec;
import io.rxiothub.device.internal.PemCredentials;
import io.rxiothub.device.internal.PropertyBag;
import io.rxiothub.testing.Mutations;
import io.rxiothub.testing.ParserContract;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ParserFuzzProperties {

  private static final MessageCodec DEVICE = new MessageCodec("dev1", null);
  private static final MessageCodec MODULE = new MessageCodec("dev1", "mod1");

  @Property(tries = 3000)
  void propertyBagsDecodeOrFailCleanly(@ForAll("nearBags") String bag) {
    ParserContract.check("PropertyBag.decode", IllegalArgumentException.class,
        () -> PropertyBag.decode(bag));
  }

  @Property(tries = 3000)
  void cloudMessageTopicsDecodeOrFailWithAProtocolException(@ForAll("nearC2dTopics") String topic,
      @ForAll byte[] payload) {
    for (MessageCodec codec : new MessageCodec[] {DEVICE, MODULE}) {
      IotHubProtocolException e = ParserContract.check("decodeCloudMessage",
          IotHubProtocolException.class, () -> inspect(codec.decodeCloudMessage(topic, payload)));
      if (e == null) {
        assertThat(codec.decodeCloudMessage(topic, payload).payload()).isEqualTo(payload);
      }
    }
  }

  @Property(tries = 500)
  void pemCredentialsParseOrFailCleanly(@ForAll("nearPem") String certificate,
      @ForAll("nearPem") String key) {
    ParserContract.check("PemCredentials.keyManagerFactory", IllegalArgumentException.class,
        () -> PemCredentials.keyManagerFactory(certificate, key));
  }

  @Example
  void hugeBagsAndTopicsFailOrParseInBoundedTime() {
    String manyPairs = "a=b&".repeat(200_000);
    assertThat(ParserContract.check("PropertyBag.decode(200k pairs)",
        IllegalArgumentException.class, () -> PropertyBag.decode(manyPairs))).isNull();
    String badEscapes = "%".repeat(1_000_000);
    assertThat(ParserContract.check("PropertyBag.decode(1M '%')", IllegalArgumentException.class,
        () -> PropertyBag.decode(badEscapes))).isNotNull();
    String longTopic = "devices/dev1/messages/devicebound/" + "k%20=v%C3%A9&".repeat(100_000);
    ParserContract.check("decodeCloudMessage(1 MB topic)", IotHubProtocolException.class,
        () -> DEVICE.decodeCloudMessage(longTopic, new byte[0]));
  }

  private static Object inspect(CloudMessage m) {
    m.messageId();
    m.correlationId();
    m.ack();
    m.to();
    m.applicationProperties();
    m.properties();
    return m.toString();
  }

  @Provide
  Arbitrary<String> nearBags() {
    Arbitrary<String> seeds = Arbitraries.of(
        "%24.mid=m1&%24.to=%2Fdevices%2Fdev1%2Fmessages%2Fdevicebound&iothub-ack=full&k=v",
        "?$.cid=c&bare&empty=&%C3%A9=%F0%9F%98%80",
        "a=b=c&&&d");
    return Arbitraries.oneOf(Mutations.of(seeds), Arbitraries.strings().ofMaxLength(80));
  }

  @Provide
  Arbitrary<String> nearC2dTopics() {
    Arbitrary<String> seeds = Arbitraries.of(
        "devices/dev1/messages/devicebound/%24.mid=m1&%24.to=%2Fdevices%2Fdev1%2Fmessages"
            + "%2Fdevicebound&iothub-ack=full&k=v",
        "devices/dev1/modules/mod1/messages/devicebound/%24.mid=m2&x/",
        "devices/dev1/messages/devicebound",
        "devices/dev1/messages/devicebound/");
    return Arbitraries.oneOf(Mutations.of(seeds), Arbitraries.strings().ofMaxLength(80));
  }

  @Provide
  Arbitrary<String> nearPem() {
    Arbitrary<String> seeds = Arbitraries.of(
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2Vy\n-----END CERTIFICATE-----\n",
        "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
            + "-----END PRIVATE KEY-----\n",
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n",
        "-----BEGIN RSA PRIVATE KEY-----\n\n-----END RSA PRIVATE KEY-----\n");
    return Arbitraries.oneOf(Mutations.of(seeds), Arbitraries.strings().ofMaxLength(80));
  }
}
