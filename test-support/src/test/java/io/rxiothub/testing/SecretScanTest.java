// Proves the suite-wide secrets scan can fail: planted keys, signatures and tokens are caught, redacted
// forms are not.
package io.rxiothub.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class SecretScanTest {

  private static final Logger LOG = LoggerFactory.getLogger(SecretScanTest.class);

  static String newKey(int bytes) {
    byte[] key = new byte[bytes];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  @Test
  void findsEachKindOfSecret() {
    String key = newKey(32);
    assertThat(SecretScanner.find("token SharedAccessSignature sr=h%2Fdevices%2Fd&sig="
        + "abcdefghijklmnopqrstuvwxyz0123456789%3D&se=1")).hasSize(1);
    assertThat(SecretScanner.find("HostName=h;DeviceId=d;SharedAccessKey=secret-value-1"))
        .hasSize(1);
    assertThat(SecretScanner.find("key " + key + " used")).hasSize(1);
    assertThat(SecretScanner.find("k=" + newKey(64) + ";")).hasSize(1);
    assertThat(SecretScanner.find("the test key " + SecretScanner.TEST_KEY.substring(0, 43)
        + "=")).isNotEmpty();
    String registered = "a-registered-secret-of-some-length";
    SecretScanner.register(registered);
    assertThat(SecretScanner.find("x" + registered + "y")).hasSize(1);
  }

  @Test
  void redactedFormsAndOrdinaryTextAreNotFindings() {
    assertThat(SecretScanner.find("ConnectionString{HostName=h, DeviceId=d, "
        + "SharedAccessKey=<redacted>}")).isEmpty();
    assertThat(SecretScanner.find("SasToken{sr=h/devices/d, sig=<redacted>, se=1}")).isEmpty();
    assertThat(SecretScanner.find("expected sr=…&sig=…&se=… in the token")).isEmpty();
    assertThat(SecretScanner.find("patchKeysAreAcceptedExactlyWhenTheyFollowTheHubKeyRules "
        + "ConnectionForcefullyClosedOnNewConnection")).isEmpty();
    assertThat(SecretScanner.find("")).isEmpty();
  }

  @Test
  void findingsNeverRepeatTheSecret() {
    String key = newKey(32);
    assertThat(SecretScanner.find("SharedAccessKey=" + key).toString())
        .doesNotContain(key.substring(3, 20));
  }

  @Test
  void aSecretLoggedThroughSlf4jIsCaughtAndFailsTheCheck() {
    SecretScanExtension.install();
    SecretScanExtension.drainFindings();
    String key = newKey(32);
    LOG.warn("a careless log line with the key {}", key);
    System.err.flush();
    assertThatThrownBy(() -> SecretScanExtension.check("this test"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("a base64 key of 32 bytes")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(key.substring(3)));
    // The check drained the planted line, so this test itself passes the extension's afterEach.
    assertThat(SecretScanExtension.drainFindings()).isEmpty();
  }

  @Test
  void anExceptionWhoseMessageHoldsASecretIsReplacedByAFailureWithoutIt() {
    String key = newKey(32);
    IllegalStateException thrown = new IllegalStateException("wrapper",
        new IllegalArgumentException("bad SharedAccessKey=" + key));
    assertThatThrownBy(() -> new SecretScanExtension().handleTestExecutionException(null, thrown))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("SharedAccessKey value")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(key.substring(3)))
        .hasNoCause();
    IllegalStateException harmless = new IllegalStateException("nothing secret");
    assertThatThrownBy(() -> new SecretScanExtension().handleTestExecutionException(null, harmless))
        .isSameAs(harmless);
  }
}
