// The one percent-encoding of the IoT Hub MQTT dialect (protocol.md §5), used for SAS fields and property bags.
package io.rxiothub.sas;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;

/**
 * Percent-encoding as IoT Hub expects it in SAS tokens and MQTT property bags.
 *
 * <p>{@link #encode} turns every UTF-8 byte except the RFC 3986 unreserved characters
 * {@code A-Z a-z 0-9 - . _ ~} into {@code %XX} with upper-case hex: a space becomes {@code %20} (never
 * {@code +}), {@code $} becomes {@code %24}. {@link #decode} accepts hex in either case and keeps
 * {@code +} literal.
 */
public final class PercentEncoding {

  private static final Charset UTF_8 = Charset.forName("UTF-8");
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PercentEncoding() {}

  /**
   * Percent-encodes {@code text} as UTF-8.
   *
   * @throws IllegalArgumentException if {@code text} is null or is not valid Unicode (a lone surrogate)
   */
  public static String encode(String text) {
    if (text == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    if (isUnreserved(text)) {
      return text;
    }
    return encode(text, new StringBuilder(text.length() * 3)).toString();
  }

  /**
   * Appends the percent-encoding of {@code text} to {@code out}, as {@link #encode(String)} returns
   * it, without building intermediate strings: for code that assembles a topic or a token.
   *
   * @return {@code out}
   * @throws IllegalArgumentException if {@code text} or {@code out} is null or {@code text} is not
   *     valid Unicode (a lone surrogate); {@code out} then holds the encoding of the characters before
   *     the bad one
   */
  public static StringBuilder encode(String text, StringBuilder out) {
    if (text == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    if (out == null) {
      throw new IllegalArgumentException("out must not be null");
    }
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        if (isUnreserved(c)) {
          out.append(c);
        } else {
          appendByte(out, c);
        }
      } else if (c < 0x800) {
        appendByte(out, 0xC0 | c >>> 6);
        appendByte(out, 0x80 | c & 0x3F);
      } else if (!Character.isSurrogate(c)) {
        appendByte(out, 0xE0 | c >>> 12);
        appendByte(out, 0x80 | c >>> 6 & 0x3F);
        appendByte(out, 0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, text.charAt(++i));
        appendByte(out, 0xF0 | cp >>> 18);
        appendByte(out, 0x80 | cp >>> 12 & 0x3F);
        appendByte(out, 0x80 | cp >>> 6 & 0x3F);
        appendByte(out, 0x80 | cp & 0x3F);
      } else {
        throw new IllegalArgumentException(
            "text to percent-encode is not valid Unicode: it contains a lone surrogate character");
      }
    }
    return out;
  }

  private static void appendByte(StringBuilder out, int b) {
    out.append('%').append(HEX[b >>> 4]).append(HEX[b & 15]);
  }

  /**
   * Decodes {@code %XX} sequences (hex in either case) as UTF-8; every other character stands for
   * itself, {@code +} included.
   *
   * @throws IllegalArgumentException if {@code text} is null, holds a {@code %} not followed by two
   *     hex digits, or decodes to bytes that are not valid UTF-8
   */
  public static String decode(String text) {
    if (text == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteBuffer bytes = ByteBuffer.allocate(text.length() * 4);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        int high = i + 1 < text.length() ? hexValue(text.charAt(i + 1)) : -1;
        int low = i + 2 < text.length() ? hexValue(text.charAt(i + 2)) : -1;
        if (high < 0 || low < 0) {
          throw new IllegalArgumentException(
              "bad percent-encoding at index " + i + ": '%' must be followed by two hex digits");
        }
        bytes.put((byte) (high << 4 | low));
        i += 2;
      } else if (c < 0x80) {
        bytes.put((byte) c);
      } else {
        int codePoint = text.codePointAt(i);
        if (Character.charCount(codePoint) == 1 && Character.isSurrogate(c)) {
          throw new IllegalArgumentException(
              "text to percent-decode is not valid Unicode: lone surrogate at index " + i);
        }
        bytes.put(new String(Character.toChars(codePoint)).getBytes(UTF_8));
        i += Character.charCount(codePoint) - 1;
      }
    }
    bytes.flip();
    try {
      return UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("percent-encoded text does not decode to valid UTF-8");
    }
  }

  private static boolean isUnreserved(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (!isUnreserved(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUnreserved(int c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
