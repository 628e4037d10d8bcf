package io.rxiothub.sas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import nl.jqno.equalsverifier.EqualsVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The worked examples of protocol.md §2 are test vectors: they must match bit for bit. */
class SasTokenTest {

  static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  static final String OTHER_KEY = "HyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4=";
  static final String DEVICE_TOKEN = "SharedAccessSignature sr=contoso.azure-devices.net%2Fdevices%2Fdev1"
      + "&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se=1700000000";
  static final String MODULE_TOKEN = "SharedAccessSignature sr=contoso.azure-devices.net%2Fdevices%2Fdev1%2Fmodules%2Fmod1"
      + "&sig=OBEqyWoUShx6qzstZyjJbvO5ZoOJk7Z%2FEr9y8CA3uHo%3D&se=1700000000";
  static final String JAVA_FORM = "SharedAccessSignature sig=f2un%2BOvjbtWo7FTyi6Hd5mVxe4Qe%2BAATxFCADh4srIA%3D"
      + "&se=1700000000&sr=contoso.azure-devices.net/devices/dev1";
  static final String MIXED = "SharedAccessSignature sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D"
      + "&se=1700000000&sr=contoso.azure-devices.net/devices/dev1";
  static final String POLICY_TOKEN = DEVICE_TOKEN + "&skn=device";

  @Test
  void generatesTheWorkedDeviceExampleBitForBit() {
    SasToken token = SasToken.generate("contoso.azure-devices.net/devices/dev1", KEY, 1700000000L, null);
    assertThat(token.format()).isEqualTo(DEVICE_TOKEN);
  }

  @Test
  void generatesTheWorkedModuleExampleBitForBit() {
    SasToken token = SasToken.generate("contoso.azure-devices.net/devices/dev1/modules/mod1", KEY, 1700000000L, null);
    assertThat(token.format()).isEqualTo(MODULE_TOKEN);
  }

  @Test
  void policyNameIsAppendedButNotSigned() {
    SasToken token = SasToken.generate("contoso.azure-devices.net/devices/dev1", KEY, 1700000000L, "device");
    assertThat(token.format()).isEqualTo(POLICY_TOKEN);
    assertThat(token.keyName()).isEqualTo("device");
    assertThat(token.verify(KEY)).isTrue();
  }

  @Test
  void parsesAndVerifiesTheEncodedForm() {
    SasToken token = SasToken.parse(DEVICE_TOKEN);
    assertThat(token.resourceUri()).isEqualTo("contoso.azure-devices.net/devices/dev1");
    assertThat(token.expiryEpochSeconds()).isEqualTo(1700000000L);
    assertThat(token.keyName()).isNull();
    assertThat(token.verify(KEY)).isTrue();
    assertThat(token.verify(OTHER_KEY)).isFalse();
    assertThat(token.format()).isEqualTo(DEVICE_TOKEN);
  }

  @Test
  void verifiesTheJavaSdkFormWithRawResourceSignedAsSent() {
    SasToken token = SasToken.parse(JAVA_FORM);
    assertThat(token.resourceUri()).isEqualTo("contoso.azure-devices.net/devices/dev1");
    assertThat(token.verify(KEY)).isTrue();
  }

  @Test
  void rejectsASignatureOverTheOtherFormOfTheResource() {
    assertThat(SasToken.parse(MIXED).verify(KEY)).isFalse();
  }

  @Test
  void verifiesTheModuleAndPolicyExamples() {
    assertThat(SasToken.parse(MODULE_TOKEN).verify(KEY)).isTrue();
    SasToken policy = SasToken.parse(POLICY_TOKEN);
    assertThat(policy.keyName()).isEqualTo("device");
    assertThat(policy.verify(KEY)).isTrue();
  }

  @Test
  void fieldOrderDoesNotMatter() {
    String reordered = "SharedAccessSignature se=1700000000&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D"
        + "&sr=contoso.azure-devices.net%2Fdevices%2Fdev1";
    assertThat(SasToken.parse(reordered)).isEqualTo(SasToken.parse(DEVICE_TOKEN));
    assertThat(SasToken.parse(reordered).verify(KEY)).isTrue();
  }

  @Test
  void lowerCaseHexInTheSignatureIsAccepted() {
    String lower = "SharedAccessSignature sr=contoso.azure-devices.net%2Fdevices%2Fdev1"
        + "&sig=QKiSs%2fj3XsPN5ctMtRoJa7c%2bYA9RuV2Hs4XwTyXK8%2bw%3d&se=1700000000";
    assertThat(SasToken.parse(lower).verify(KEY)).isTrue();
  }

  @Test
  void expiresAtSeOnwards() {
    SasToken token = SasToken.parse(DEVICE_TOKEN);
    assertThat(token.isExpired(1699999999L)).isFalse();
    assertThat(token.isExpired(1700000000L)).isTrue();
    assertThat(token.isExpired(1700000001L)).isTrue();
  }

  @Test
  void renewsAtTheMarginBeforeExpiry() {
    SasToken token = SasToken.generate("h.net/devices/d", KEY, 3600L, null);
    assertThat(token.renewAtEpochSeconds(0L, 0.15)).isEqualTo(3060L);
    assertThat(token.renewAtEpochSeconds(0L, 0.0)).isEqualTo(3600L);
    assertThat(token.renewAtEpochSeconds(3500L, 0.5)).isEqualTo(3550L);
    assertThat(token.renewAtEpochSeconds(0L, 0.0001)).isEqualTo(3599L);
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.0, 1.5, Double.NaN})
  void rejectsAMarginOutsideTheUnitInterval(double margin) {
    SasToken token = SasToken.generate("h.net/devices/d", KEY, 3600L, null);
    assertThatIllegalArgument(() -> token.renewAtEpochSeconds(0L, margin), "margin");
  }

  @Test
  void rejectsAnIssueTimeAfterExpiry() {
    SasToken token = SasToken.generate("h.net/devices/d", KEY, 3600L, null);
    assertThatIllegalArgument(() -> token.renewAtEpochSeconds(3601L, 0.15), "after its expiry");
  }

  @Test
  void coversBySegmentPrefixInEitherDirection() {
    SasToken device = SasToken.parse(DEVICE_TOKEN);
    assertThat(device.covers("contoso.azure-devices.net/devices/dev1")).isTrue();
    assertThat(device.covers("CONTOSO.azure-devices.net/devices/dev1")).isTrue();
    assertThat(device.covers("contoso.azure-devices.net/devices/dev1/modules/mod1")).isTrue();
    assertThat(device.covers("contoso.azure-devices.net/devices")).isTrue();
    assertThat(device.covers("contoso.azure-devices.net/devices/dev12")).isFalse();
    assertThat(device.covers("contoso.azure-devices.net/devices/DEV1")).isFalse();
    assertThat(device.covers("other.azure-devices.net/devices/dev1")).isFalse();
    assertThat(device.covers("")).isFalse();
  }

  @Test
  void coversTheDeviceExplorerTokenWithApiVersionInTheResource() {
    SasToken explorer = SasToken.generate(
        "contoso.azure-devices.net/devices/MyDevice01/api-version=2016-11-14", KEY, 1700000000L, null);
    assertThat(explorer.covers("contoso.azure-devices.net/devices/MyDevice01")).isTrue();
  }

  @Test
  void toStringNeverShowsTheSignature() {
    SasToken token = SasToken.parse(DEVICE_TOKEN);
    assertThat(token.toString())
        .doesNotContain("QKiSs")
        .contains("<redacted>")
        .contains("contoso.azure-devices.net/devices/dev1")
        .contains("1700000000");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "sr=a%2Fb&sig=x&se=1",
      "SharedAccessSignature  sr=a",
      "SharedAccessSignature sr=contoso.azure-devices.net%2Fdevices%2Fdev1&se=1700000000",
      "SharedAccessSignature sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se=1700000000",
      "SharedAccessSignature sr=a%2Fb&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D",
      "SharedAccessSignature sr=a%2Fb&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se=-1",
      "SharedAccessSignature sr=a%2Fb&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se=017",
      "SharedAccessSignature sr=a%2Fb&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se=9999999999999999999",
      "SharedAccessSignature sr=a%2Fb&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se=1&se=2",
      "SharedAccessSignature sr=a%2Fb&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se=1&foo=2",
      "SharedAccessSignature sr=a%2Fb&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se=1&",
      "SharedAccessSignature sr=a%2Fb&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se",
      "SharedAccessSignature sr=a%2Fb&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se=1&skn=",
      "SharedAccessSignature sr=a%2Fb&sig=notbase64!&se=1",
      "SharedAccessSignature sr=a%2Fb&sig=AAAA&se=1",
      "SharedAccessSignature sr=a%ZZb&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se=1",
      "SharedAccessSignature sr=a b&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se=1",
  })
  void rejectsMalformedTokensWithoutEchoingTheSignature(String text) {
    assertThatThrownBy(() -> SasToken.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .message().isNotBlank().doesNotContain("QKiSs");
  }

  @Test
  void rejectsANullToken() {
    assertThatIllegalArgument(() -> SasToken.parse(null), "missing");
  }

  @Test
  void generateRejectsBadArgumentsNamingThem() {
    assertThatIllegalArgument(() -> SasToken.generate("", KEY, 1L, null), "resource URI");
    assertThatIllegalArgument(() -> SasToken.generate("h/devices/d", "not base64!", 1L, null), "key is not valid base64");
    assertThatIllegalArgument(() -> SasToken.generate("h/devices/d", "", 1L, null), "key is missing");
    assertThatIllegalArgument(() -> SasToken.generate("h/devices/d", KEY, -5L, null), "expiry");
    assertThatIllegalArgument(() -> SasToken.generate("h/devices/d", KEY, 1L, ""), "skn");
  }

  @Test
  void verifyRejectsAKeyThatIsNotBase64() {
    assertThatIllegalArgument(() -> SasToken.parse(DEVICE_TOKEN).verify("%%%"), "base64");
  }

  @Test
  void equalsAndHashCode() {
    EqualsVerifier.forClass(SasToken.class).verify();
  }

  static void assertThatIllegalArgument(ThrowingCallable call, String messagePart) {
    assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(messagePart);
  }
}
