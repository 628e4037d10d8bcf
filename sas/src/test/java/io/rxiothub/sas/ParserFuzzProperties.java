// Fuzzing of every public sas parser (issue 9, bad input): a value or IllegalArgumentException, never a hang,
// never the secret in the message.
package io.rxiothub.sas;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.testing.Mutations;
import io.rxiothub.testing.ParserContract;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ParserFuzzProperties {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  @Property(tries = 3000)
  void connectionStringsNearValidParseOrFailCleanly(@ForAll("nearConnectionStrings") String text) {
    IllegalArgumentException e =
        ParserContract.check("ConnectionString.parse", IllegalArgumentException.class,
            () -> ConnectionString.parse(text));
    String shown = e != null ? e.getMessage() : ConnectionString.parse(text).toString();
    assertNoFragment(shown, KEY);
    assertNoFragment(shown, SIGNATURE);
  }

  @Property(tries = 3000)
  void sasTokensNearValidParseOrFailWithoutTheSignature(@ForAll("nearTokens") String text) {
    IllegalArgumentException e = ParserContract.check("SasToken.parse",
        IllegalArgumentException.class, () -> SasToken.parse(text));
    String shown = e != null ? e.getMessage() : SasToken.parse(text).toString();
    assertNoFragment(shown, SIGNATURE);
    assertNoFragment(shown, signatureOf(OTHER_TOKEN));
    assertNoFragment(shown, PercentEncoding.decode(SIGNATURE));
  }

  @Property(tries = 1000)
  void percentDecodingAndIdChecksAreTotal(@ForAll("nearTokens") String text) {
    ParserContract.check("PercentEncoding.decode", IllegalArgumentException.class,
        () -> PercentEncoding.decode(text));
    ParserContract.check("IotHubIds.checkDeviceId", IllegalArgumentException.class,
        () -> IotHubIds.checkDeviceId(text));
    ParserContract.check("IotHubIds.checkModuleId", IllegalArgumentException.class,
        () -> IotHubIds.checkModuleId(text));
    ParserContract.check("DpsKeys.deriveDeviceKey", IllegalArgumentException.class,
        () -> DpsKeys.deriveDeviceKey(text, "reg"));
    ParserContract.check("SasToken.verify", IllegalArgumentException.class,
        () -> SasToken.generate("h/devices/d", KEY, 1, null).verify(text));
  }

  @Example
  void hugeInputsFailCleanly() {
    String huge = "HostName=h.net;DeviceId=" + "d".repeat(1_000_000) + ";SharedAccessKey=" + KEY;
    assertThat(ParserContract.check("ConnectionString.parse(1 MB id)",
        IllegalArgumentException.class, () -> ConnectionString.parse(huge))).isNotNull();
    String manyFields = "HostName=h.net;" + "x=y;".repeat(200_000);
    ParserContract.check("ConnectionString.parse(200k fields)", IllegalArgumentException.class,
        () -> ConnectionString.parse(manyFields));
    String manyAmps = "SharedAccessSignature " + "&".repeat(1_000_000);
    ParserContract.check("SasToken.parse(1M '&')", IllegalArgumentException.class,
        () -> SasToken.parse(manyAmps));
    ParserContract.check("PercentEncoding.decode(1M '%')", IllegalArgumentException.class,
        () -> PercentEncoding.decode("%".repeat(1_000_000)));
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

  @Provide
  Arbitrary<String> nearConnectionStrings() {
    Arbitrary<String> seeds = Combinators.combine(
            Arbitraries.of("h.azure-devices.net", "x", "a.b.c"),
            Arbitraries.of("dev1", "d-1:2", "d%25", "d+#"),
            Arbitraries.of("", ";ModuleId=m1", ";GatewayHostName=gw.local", ";x509=true"),
            Arbitraries.of("SharedAccessKey=" + KEY, "SharedAccessKeyName=device;SharedAccessKey=" + KEY,
                "SharedAccessSignature=" + token(), "x509=true"))
        .as((host, dev, extra, cred) -> "HostName=" + host + ";DeviceId=" + dev + extra + ";" + cred);
    return Arbitraries.oneOf(Mutations.of(seeds), Arbitraries.strings().ofMaxLength(200));
  }

  @Provide
  Arbitrary<String> nearTokens() {
    Arbitrary<String> seeds = Arbitraries.of(token(),
        OTHER_TOKEN,
        " " + token() + " ");
    return Arbitraries.oneOf(Mutations.of(seeds), Arbitraries.strings().ofMaxLength(120));
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
