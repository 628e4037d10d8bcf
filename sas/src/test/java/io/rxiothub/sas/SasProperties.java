package io.rxiothub.sas;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/** Properties of the sas module: round trips, signatures, and total parsers. */
class SasProperties {

  private static final String ID_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-:.+%_#*?!(),=@$'";

  @Property
  void parseOfFormatIsIdentity(@ForAll("connectionStrings") ConnectionString cs) {
    assertThat(ConnectionString.parse(cs.format())).isEqualTo(cs);
  }

  @Property
  void toStringNeverHoldsTheKey(@ForAll("connectionStrings") ConnectionString cs) {
    if (cs.sharedAccessKey() != null) {
      assertThat(cs.toString()).doesNotContain(cs.sharedAccessKey());
    }
  }

  @Property
  void generatedTokensVerifyWithTheirKeyOnly(
      @ForAll("keys") String key, @ForAll("keys") String otherKey, @ForAll("resources") String resource,
      @ForAll @LongRange(min = 0, max = 99_999_999_999L) long expiry) {
    SasToken token = SasToken.generate(resource, key, expiry, null);
    assertThat(token.verify(key)).isTrue();
    assertThat(SasToken.parse(token.format())).isEqualTo(token);
    assertThat(SasToken.parse(token.format()).verify(key)).isTrue();
    assertThat(token.resourceUri()).isEqualTo(resource);
    if (!otherKey.equals(key)) {
      assertThat(token.verify(otherKey)).isFalse();
    }
  }

  @Property
  void percentEncodingRoundTripsAnyUnicode(@ForAll("unicode") String text) {
    String encoded = PercentEncoding.encode(text);
    assertThat(encoded).matches("[A-Za-z0-9._~%-]*");
    assertThat(PercentEncoding.decode(encoded)).isEqualTo(text);
  }

  @Property
  void percentEncodingMatchesTheJdkEncoderAndAppendsInPlace(@ForAll("unicode") String text,
      @ForAll @StringLength(max = 5) String prefix) throws Exception {
    // URLEncoder is the independent reference: it writes ' ' as '+' and keeps '*' but encodes '~'.
    String reference = URLEncoder.encode(text, "UTF-8")
        .replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    assertThat(PercentEncoding.encode(text)).isEqualTo(reference);
    assertThat(PercentEncoding.encode(text, new StringBuilder(prefix)).toString())
        .isEqualTo(prefix + reference);
  }

  @Property(tries = 2000)
  void everyParserReturnsAValueOrAnIllegalArgument(@ForAll @StringLength(max = 300) String text) {
    accepts(() -> ConnectionString.parse(text));
    accepts(() -> SasToken.parse(text));
    accepts(() -> SasToken.parse("SharedAccessSignature " + text));
    accepts(() -> ConnectionString.parse("HostName=h.net;DeviceId=d;SharedAccessKey=" + text));
    accepts(() -> PercentEncoding.decode(text));
    accepts(() -> IotHubIds.checkDeviceId(text));
    accepts(() -> DpsKeys.deriveDeviceKey(text, "r"));
  }

  @Property(tries = 2000)
  void everyFactoryAndSetterReturnsAValueOrAnIllegalArgument(@ForAll @StringLength(max = 300) String text) {
    String key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    SasToken valid = SasToken.generate("h.net/devices/d", key, 1_700_000_000L, null);
    accepts(() -> SasToken.generate(text, key, 1_700_000_000L, null));
    accepts(() -> SasToken.generate("h.net/devices/d", key, 1_700_000_000L, text));
    accepts(() -> valid.verify(text));
    accepts(() -> valid.covers(text));
    accepts(() -> PercentEncoding.encode(text));
    accepts(() -> DpsKeys.deriveDeviceKey(key, text));
    accepts(() -> IotHubIds.checkModuleId(text));
    accepts(() -> ConnectionString.builder().hostName(text));
    accepts(() -> ConnectionString.builder().deviceId(text));
    accepts(() -> ConnectionString.builder().moduleId(text));
    accepts(() -> ConnectionString.builder().sharedAccessKeyName(text));
    accepts(() -> ConnectionString.builder().gatewayHostName(text));
    acceptsWithoutEchoing(() -> SasToken.generate("h.net/devices/d", text, 1_700_000_000L, null), text);
    acceptsWithoutEchoing(() -> ConnectionString.builder().sharedAccessKey(text), text);
    acceptsWithoutEchoing(() -> DpsKeys.deriveDeviceKey(text, "reg-1"), text);
  }

  /** As {@link #accepts}, and a rejection never quotes {@code secret} (a would-be key). */
  private static void acceptsWithoutEchoing(Runnable call, String secret) {
    try {
      call.run();
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      if (secret.trim().length() >= 12) {
        assertThat(expected.getMessage()).doesNotContain(secret.trim());
      }
    }
  }

  @Property(tries = 2000)
  void mutatedConnectionStringsNeverThrowAnythingElse(
      @ForAll("connectionStrings") ConnectionString cs, @ForAll("mutations") String mutation,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 400) int at) {
    String text = cs.format();
    int index = Math.min(at, text.length());
    String mutated = text.substring(0, index) + mutation + text.substring(index);
    try {
      ConnectionString.parse(mutated);
    } catch (IllegalArgumentException e) {
      if (cs.sharedAccessKey() != null) {
        assertThat(e.getMessage()).doesNotContain(cs.sharedAccessKey());
      }
    }
  }

  private static void accepts(Runnable parse) {
    try {
      parse.run();
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> unicode() {
    return Arbitraries.strings().all().ofMaxLength(40)
        .filter(s -> s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF));
  }

  @Provide
  Arbitrary<String> mutations() {
    return Arbitraries.of(";", "=", ";;", " ", "=;", "%", "&", "\u0000", "é", "SharedAccessKey=", "x509=true");
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64)
        .map(bytes -> java.util.Base64.getEncoder().encodeToString(bytes));
  }

  @Provide
  Arbitrary<String> resources() {
    return Combinators.combine(hosts(), ids(), ids().injectNull(0.5))
        .as((host, device, module) -> host + "/devices/" + device + (module == null ? "" : "/modules/" + module));
  }

  @Provide
  Arbitrary<ConnectionString> connectionStrings() {
    Arbitrary<ConnectionString.Builder> base = Combinators.combine(hosts(), ids().filter(i -> !i.contains(";")),
            ids().filter(i -> !i.contains(";")).injectNull(0.5), hosts().injectNull(0.7))
        .as((host, device, module, gateway) -> ConnectionString.builder()
            .hostName(host).deviceId(device).moduleId(module).gatewayHostName(gateway));
    return Combinators.combine(base, Arbitraries.integers().between(0, 3), keys(),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
            Arbitraries.longs().between(0, 99_999_999_999L))
        .as((b, kind, key, policy, expiry) -> {
          switch (kind) {
            case 0:
              return b.sharedAccessKey(key).build();
            case 1:
              return b.sharedAccessKey(key).sharedAccessKeyName(policy).build();
            case 2:
              ConnectionString keyed = b.sharedAccessKey(key).build();
              return keyed.toBuilder().sharedAccessKey(null).sharedAccessSignature(keyed.newSasToken(expiry)).build();
            default:
              return b.x509(true).build();
          }
        });
  }

  private static Arbitrary<String> ids() {
    return Arbitraries.strings().withChars(ID_CHARS.toCharArray()).ofMinLength(1).ofMaxLength(128);
  }

  private static Arbitrary<String> hosts() {
    Arbitrary<String> label = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-")
        .ofMinLength(1).ofMaxLength(20);
    return label.list().ofMinSize(1).ofMaxSize(4).map(labels -> String.join(".", labels));
  }
}
