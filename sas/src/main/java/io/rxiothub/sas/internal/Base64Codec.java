// Strict RFC 4648 base64 with padding: java.util.Base64 is not available on Android API 24.
package io.rxiothub.sas.internal;

/** Encodes and strictly decodes standard base64 (RFC 4648 §4, padded). */
public final class Base64Codec {

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
  private static final int[] VALUES = new int[128];

  static {
    java.util.Arrays.fill(VALUES, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = i;
    }
  }

  private Base64Codec() {}

  /** Returns the padded base64 text of {@code data}. */
  public static String encode(byte[] data) {
    StringBuilder out = new StringBuilder((data.length + 2) / 3 * 4);
    int i = 0;
    for (; i + 2 < data.length; i += 3) {
      int n = (data[i] & 0xff) << 16 | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff);
      out.append(ALPHABET[n >>> 18]).append(ALPHABET[(n >>> 12) & 63])
          .append(ALPHABET[(n >>> 6) & 63]).append(ALPHABET[n & 63]);
    }
    int rest = data.length - i;
    if (rest == 1) {
      int n = (data[i] & 0xff) << 16;
      out.append(ALPHABET[n >>> 18]).append(ALPHABET[(n >>> 12) & 63]).append("==");
    } else if (rest == 2) {
      int n = (data[i] & 0xff) << 16 | (data[i + 1] & 0xff) << 8;
      out.append(ALPHABET[n >>> 18]).append(ALPHABET[(n >>> 12) & 63])
          .append(ALPHABET[(n >>> 6) & 63]).append('=');
    }
    return out.toString();
  }

  /**
   * Decodes padded base64, or returns {@code null} when {@code text} is not valid base64 (wrong
   * length, a character outside the alphabet, misplaced padding, or non-zero trailing bits). Returning
   * null instead of throwing lets callers name the field without the text ever reaching a message.
   */
  public static byte @org.jspecify.annotations.Nullable [] decode(String text) {
    int length = text.length();
    if (length % 4 != 0) {
      return null;
    }
    int padding = 0;
    if (length > 0 && text.charAt(length - 1) == '=') {
      padding++;
      if (text.charAt(length - 2) == '=') {
        padding++;
      }
    }
    byte[] out = new byte[length / 4 * 3 - padding];
    int o = 0;
    for (int i = 0; i < length; i += 4) {
      boolean last = i + 4 == length;
      int n = 0;
      for (int j = 0; j < 4; j++) {
        char c = text.charAt(i + j);
        int v;
        if (c == '=' && last && j >= 4 - padding) {
          v = 0;
        } else if (c < 128 && VALUES[c] >= 0) {
          v = VALUES[c];
        } else {
          return null;
        }
        n = n << 6 | v;
      }
      if (last && padding == 2 && (n & 0xffff) != 0 || last && padding == 1 && (n & 0xff) != 0) {
        return null;
      }
      out[o++] = (byte) (n >>> 16);
      if (o < out.length) {
        out[o++] = (byte) (n >>> 8);
      }
      if (o < out.length) {
        out[o++] = (byte) n;
      }
    }
    return out;
  }
}
