// IoT Hub's twin limits (protocol.md §6), checked before the device sends anything.
package io.rxiothub.twin.internal;

import io.rxiothub.twin.TwinCollection;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The twin limits of protocol.md §6: key rules, string length, integer range, nesting depth and section
 * size. Each violation throws an {@link IllegalArgumentException} naming the property path and the rule.
 */
public final class TwinLimits {

  /** Maximum UTF-8 length of a property key. */
  public static final int MAX_KEY_BYTES = 1024;
  /** Maximum UTF-8 length of a string value. */
  public static final int MAX_STRING_BYTES = 4096;
  /** Smallest integer IoT Hub accepts (-2^52). */
  public static final long MIN_INTEGER = -4503599627370496L;
  /** Largest integer IoT Hub accepts (2^52 - 1). */
  public static final long MAX_INTEGER = 4503599627370495L;
  /** Maximum nesting of objects and arrays below the section's own object. */
  public static final int MAX_DEPTH = 10;
  /** Maximum size of the compact JSON of a desired or reported section (or of one patch), in bytes. */
  public static final int MAX_SECTION_BYTES = 32 * 1024;

  private static final Charset UTF_8 = Charset.forName("UTF-8");

  private TwinLimits() {}

  /**
   * Checks every limit on {@code properties}.
   *
   * @param what names the checked document in messages, e.g. "reported patch"
   */
  public static void check(TwinCollection properties, String what) {
    checkObject(properties, "", 0, what);
    int size = TwinJson.utf8Length(properties);
    if (size > MAX_SECTION_BYTES) {
      throw new IllegalArgumentException(what + " is " + size + " bytes of JSON; IoT Hub allows at most "
          + MAX_SECTION_BYTES + " bytes per twin section");
    }
  }

  /** Checks one key against the key rules; {@code path} locates its parent. */
  public static void checkKey(String key, String path, String what) {
    String where = what + " key '" + key + "' at /" + path;
    if (key.isEmpty()) {
      throw new IllegalArgumentException(what + " has an empty key at /" + path + "; keys must not be empty");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if ((c == '.' || c == '$' || c == ' ') && !hasControl(key)) {
        throw new IllegalArgumentException(where + " must not contain '.', '$' or ' ' (IoT Hub twin key rule)");
      }
      if (c <= 0x1f || c >= 0x7f && c <= 0x9f) {
        throw new IllegalArgumentException(what + " key '" + escape(key) + "' at /" + escape(path)
            + " must not contain control characters (U+0000-U+001F, U+007F-U+009F)");
      }
    }
    if (hasLoneSurrogate(key)) {
      throw new IllegalArgumentException(what + " key at /" + path
          + " is not valid Unicode (lone surrogate), so it cannot be sent as UTF-8");
    }
    if (key.getBytes(UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          what + " key at /" + path + " is longer than " + MAX_KEY_BYTES + " bytes in UTF-8");
    }
  }

  private static void checkObject(TwinCollection object, String path, int depth, String what) {
    for (Map.Entry<String, @Nullable Object> member : object.asMap().entrySet()) {
      checkKey(member.getKey(), path, what);
      String childPath = path.isEmpty() ? member.getKey() : path + "/" + member.getKey();
      checkValue(member.getValue(), childPath, depth, what);
    }
  }

  private static void checkValue(@Nullable Object value, String path, int depth, String what) {
    if (value instanceof String) {
      if (hasLoneSurrogate((String) value)) {
        throw new IllegalArgumentException(what + " string at /" + path
            + " is not valid Unicode (lone surrogate), so it cannot be sent as UTF-8");
      }
      if (((String) value).getBytes(UTF_8).length > MAX_STRING_BYTES) {
        throw new IllegalArgumentException(what + " string at /" + path + " is longer than "
            + MAX_STRING_BYTES + " bytes in UTF-8 (IoT Hub limit)");
      }
    } else if (value instanceof Long) {
      long n = (Long) value;
      if (n < MIN_INTEGER || n > MAX_INTEGER) {
        throw new IllegalArgumentException(what + " integer at /" + path + " is " + n
            + "; IoT Hub accepts integers in [" + MIN_INTEGER + ", " + MAX_INTEGER + "]");
      }
    } else if (value instanceof TwinCollection || value instanceof List) {
      if (depth + 1 > MAX_DEPTH) {
        throw new IllegalArgumentException(what + " nests objects and arrays deeper than "
            + MAX_DEPTH + " levels at /" + path + " (IoT Hub limit)");
      }
      if (value instanceof TwinCollection) {
        checkObject((TwinCollection) value, path, depth + 1, what);
      } else {
        List<?> items = (List<?>) value;
        for (int i = 0; i < items.size(); i++) {
          checkValue(items.get(i), path + "/" + i, depth + 1, what);
        }
      }
    }
  }

  private static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasControl(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= 0x1f || c >= 0x7f && c <= 0x9f) {
        return true;
      }
    }
    return false;
  }

  private static String escape(String key) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c <= 0x1f || c >= 0x7f && c <= 0x9f) {
        out.append(String.format("\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
