// Fuzzing of the device client's parsers (issue 9, bad input): property bags, C2D topics, PEM credentials.
package io.rxiothub.device.robustness;

import static io.rxiothub.testing.ParserFuzzing.nearOrRandom;
import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.IotHubProtocolException;
import io.rxiothub.device.internal.MessageCodec;
import io.rxiothub.transport.internal.PemCredentials;
import io.rxiothub.sas.PropertyBag;
import io.rxiothub.testing.ParserFuzzing;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

class ParserFuzzProperties extends ParserFuzzing {

  private static final MessageCodec DEVICE = new MessageCodec("dev1", null);
  private static final MessageCodec MODULE = new MessageCodec("dev1", "mod1");

  @Override
  protected List<Parser<?>> parsers() {
    Arbitrary<String> bags = nearOrRandom(80,
        "%24.mid=m1&%24.to=%2Fdevices%2Fdev1%2Fmessages%2Fdevicebound&iothub-ack=full&k=v",
        "?$.cid=c&bare&empty=&%C3%A9=%F0%9F%98%80",
        "a=b=c&&&d");
    Arbitrary<Publish> c2d = Combinators.combine(nearOrRandom(80,
            "devices/dev1/messages/devicebound/%24.mid=m1&%24.to=%2Fdevices%2Fdev1%2Fmessages"
                + "%2Fdevicebound&iothub-ack=full&k=v",
            "devices/dev1/modules/mod1/messages/devicebound/%24.mid=m2&x/",
            "devices/dev1/messages/devicebound",
            "devices/dev1/messages/devicebound/"),
        Arbitraries.bytes().array(byte[].class)).as(Publish::new);
    Arbitrary<String> pem = nearOrRandom(80,
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2Vy\n-----END CERTIFICATE-----\n",
        "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
            + "-----END PRIVATE KEY-----\n",
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n",
        "-----BEGIN RSA PRIVATE KEY-----\n\n-----END RSA PRIVATE KEY-----\n");
    return Arrays.asList(
        Parser.of("PropertyBag.decode", IllegalArgumentException.class, bags, PropertyBag::decode)
            .huge("200k pairs", "a=b&".repeat(200_000), Outcome.PARSES)
            .huge("1M '%'", "%".repeat(1_000_000), Outcome.FAILS),
        Parser.of("PemCredentials.keyManagerFactory", IllegalArgumentException.class,
            Combinators.combine(pem, pem).as((certificate, key) -> new String[] {certificate, key}),
            pair -> PemCredentials.keyManagerFactory(pair[0], pair[1])),
        cloudMessages("device", DEVICE, c2d).huge("1 MB topic",
            new Publish("devices/dev1/messages/devicebound/" + "k%20=v%C3%A9&".repeat(100_000), new byte[0]),
            Outcome.EITHER),
        cloudMessages("module", MODULE, c2d));
  }

  private static Parser<Publish> cloudMessages(String identity, MessageCodec codec, Arbitrary<Publish> c2d) {
    return Parser.of("decodeCloudMessage(" + identity + ")", IotHubProtocolException.class, c2d,
            p -> inspect(codec.decodeCloudMessage(p.topic, p.payload)))
        .then((p, value, error) -> {
          if (error == null) {
            assertThat(codec.decodeCloudMessage(p.topic, p.payload).payload()).isEqualTo(p.payload);
          }
        });
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

  /** A topic and payload as the hub publishes them. */
  private static final class Publish {
    final String topic;
    final byte[] payload;

    Publish(String topic, byte[] payload) {
      this.topic = topic;
      this.payload = payload;
    }

    @Override
    public String toString() {
      return topic + " + " + payload.length + " bytes";
    }
  }
}
