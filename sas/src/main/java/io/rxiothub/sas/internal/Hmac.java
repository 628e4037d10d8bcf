// HMAC-SHA256 and constant-time comparison, the two primitives SAS tokens and DPS keys rest on.
package io.rxiothub.sas.internal;

import java.nio.charset.Charset;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 over UTF-8 text with a raw key, and a constant-time byte comparison. */
public final class Hmac {

  private static final Charset UTF_8 = Charset.forName("UTF-8");

  private Hmac() {}

  /** Returns HMAC-SHA256(key, UTF-8(message)). */
  public static byte[] sha256(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(UTF_8));
    } catch (GeneralSecurityException e) {
      // Every Java 8+ and Android runtime ships HmacSHA256; reaching here means a broken runtime.
      throw new IllegalStateException("HmacSHA256 is not available in this Java runtime", e);
    }
  }

  /** Compares two arrays in time that depends only on their lengths, never on their contents. */
  public static boolean constantTimeEquals(byte[] a, byte[] b) {
    if (a.length != b.length) {
      return false;
    }
    int diff = 0;
    for (int i = 0; i < a.length; i++) {
      diff |= a[i] ^ b[i];
    }
    return diff == 0;
  }
}
