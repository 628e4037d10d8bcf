// Fuzzing of every public sas parser (issue 9, bad input): a value or IllegalArgumentException, never a hang,
// never the secret in the message.
package io.rxiothub.sas;

import static io.rxiothub.testing.ParserFuzzing.nearOrRandom;
import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.testing.Mutations;
import io.rxiothub.testing.ParserContract;
import io.rxiothub.testing.ParserFuzzing;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;

class ParserFuzzProperties extends ParserFuzzing {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  @Override
  protected List<Parser<?>> parsers() {
    Arbitrary<String> nearTokens = nearOrRandom(120, token(), OTHER_TOKEN, " " + token() + " ");
    return Arrays.asList(
        Parser.of("ConnectionString.parse", IllegalArgumentException.class, nearConnectionStrings(),
                ConnectionString::parse)
            .then((text, value, error) -> {
              String shown = error != null ? error.getMessage() : String.valueOf(value);
              assertNoFragment(shown, KEY);
              assertNoFragment(shown, SIGNATURE);
            })
            .huge("1 MB id", "HostName=h.net;DeviceId=" + "d".repeat(1_000_000) + ";SharedAccessKey=" + KEY,
                Outcome.FAILS)
            .huge("200k fields", "HostName=h.net;" + "x=y;".repeat(200_000), Outcome.EITHER),
        Parser.of("SasToken.parse", IllegalArgumentException.class, nearTokens, SasToken::parse)
            .then((text, value, error) -> {
              String shown = error != null ? error.getMessage() : String.valueOf(value);
              assertNoFragment(shown, SIGNATURE);
              assertNoFragment(shown, signatureOf(OTHER_TOKEN));
              assertNoFragment(shown, PercentEncoding.decode(SIGNATURE));
            })
            .huge("1M '&'", "SharedAccessSignature " + "&".repeat(1_000_000), Outcome.EITHER),
        Parser.of("PercentEncoding.decode", IllegalArgumentException.class, nearTokens, PercentEncoding::decode)
            .huge("1M '%'", "%".repeat(1_000_000), Outcome.EITHER),
        Parser.of("IotHubIds.checkDeviceId", IllegalArgumentException.class, nearTokens,
            IotHubIds::checkDeviceId),
        Parser.of("IotHubIds.checkModuleId", IllegalArgumentException.class, nearTokens,
            IotHubIds::checkModuleId),
        Parser.of("DpsKeys.deriveDeviceKey", IllegalArgumentException.class, nearTokens,
            text -> DpsKeys.deriveDeviceKey(text, "reg")),
        Parser.of("SasToken.verify", IllegalArgumentException.class, nearTokens,
            text -> SasToken.generate("h/devices/d", KEY, 1, null).verify(text)),
        Parser.of("PropertyBag.decode", IllegalArgumentException.class, nearWire(), PropertyBag::decode)
            .then(names("property bag "))
            .huge("200k pairs", "a=b&".repeat(200_000), Outcome.PARSES)
            .huge("1M '%'", "%".repeat(1_000_000), Outcome.FAILS),
        Parser.of("PropertyBag.decodeKeys", IllegalArgumentException.class, nearWire(),
            PropertyBag::decodeKeys).then(names("property bag ")),
        Parser.of("MessageTopic.parse", IllegalArgumentException.class, nearWire(), MessageTopic::parse)
            .then(names("message topic "))
            .huge("1 MB bag", "devices/d/messages/devicebound/" + "k%20=v%C3%A9&".repeat(80_000),
                Outcome.PARSES),
        Parser.of("ConnectUserName.parse", IllegalArgumentException.class, nearWire(),
            ConnectUserName::parse).then(names("CONNECT user name ")));
  }

  /** The wire grammar's errors start by naming what was parsed (protocol.md §5). */
  private static Check<String> names(String prefix) {
    return (text, value, error) -> {
      if (error != null) {
        assertThat(error.getMessage()).startsWith(prefix);
      }
    };
  }

  private static Arbitrary<String> nearWire() {
    return nearOrRandom(120,
        "%24.mid=msg-1&%24.cid=corr-1&%24.ct=application%2Fjson&weird=a%26b%3Dc%2Fd%25e%20%C3%A9",
        "?prop1&prop2=&prop3=a%20string",
        "devices/dev1/messages/events/%24.mid=m&%24.cdid=dev1",
        "devices/dev1/modules/mod1/messages/devicebound/prop0=first&%24.mid=def/",
        "devices/dev1/messages/devicebound",
        "hub.azure-devices.net/dev1/?api-version=2021-04-12&DeviceClientType=rxiothub%2F0.1.0",
        "hub.azure-devices.net/dev1/mod1/?api-version=2021-04-12&model-id=dtmi%3Acom%3Aex%3AT%3B1");
  }

  @Example
  void mangledSecretsAreNotEchoedInErrors() {
    // Regressions found by the fuzzing above: a lost '=' or an extra '&'/';' turned part of a secret
    // into a field name, and the error message quoted up to 32 characters of it.
    String sig = SIGNATURE;
    String split = token().replace("sig=" + sig, "sig=" + sig.substring(0, 5) + "&" + sig.substring(5));
    IllegalArgumentException e = ParserContract.check("SasToken.parse",
        IllegalArgumentException.class, () -> SasToken.parse(split));
    assertThat(e).isNotNull();
    assertNoFragment(e.getMessage(), sig);
    String noEquals = "HostName=h.net;DeviceId=d;SharedAccessKey" + KEY;
    e = ParserContract.check("ConnectionString.parse", IllegalArgumentException.class,
        () -> ConnectionString.parse(noEquals));
    assertThat(e).isNotNull();
    int nameLength = ("SharedAccessKey" + KEY).indexOf('=');
    assertThat(e.getMessage()).contains("unknown key 'Sha…' (" + nameLength + " characters)");
    assertNoFragment(e.getMessage(), KEY);
  }

  private static Arbitrary<String> nearConnectionStrings() {
    Arbitrary<String> seeds = Combinators.combine(
            Arbitraries.of("h.azure-devices.net", "x", "a.b.c"),
            Arbitraries.of("dev1", "d-1:2", "d%25", "d+#"),
            Arbitraries.of("", ";ModuleId=m1", ";GatewayHostName=gw.local", ";x509=true"),
            Arbitraries.of("SharedAccessKey=" + KEY, "SharedAccessKeyName=device;SharedAccessKey=" + KEY,
                "SharedAccessSignature=" + token(), "x509=true"))
        .as((host, dev, extra, cred) -> "HostName=" + host + ";DeviceId=" + dev + extra + ";" + cred);
    return Arbitraries.oneOf(Mutations.of(seeds), Arbitraries.strings().ofMaxLength(200));
  }

  private static final String OTHER_TOKEN =
      SasToken.generate("h.net/devices/d/modules/m", KEY, 99_999_999_999L, "device").format();
  private static final String SIGNATURE = signatureOf(token());

  private static String token() {
    return SasToken.generate("h.azure-devices.net/devices/dev1", KEY, 1_700_000_000L, null).format();
  }

  private static String signatureOf(String token) {
    int at = token.indexOf("sig=") + 4;
    int end = token.indexOf('&', at);
    return token.substring(at, end < 0 ? token.length() : end);
  }

  /** Fails if {@code shown} holds 8 or more consecutive characters of {@code secret}. */
  static void assertNoFragment(String shown, String secret) {
    for (int i = 0; i + 8 <= secret.length(); i++) {
      assertThat(shown).as("a message or toString shows part of a secret")
          .doesNotContain(secret.substring(i, i + 8));
    }
  }

  static {
    // The key the seeds use must be a real 32-byte key, or the mutations start from invalid input.
    assert Base64.getDecoder().decode(KEY).length == 32;
  }
}
