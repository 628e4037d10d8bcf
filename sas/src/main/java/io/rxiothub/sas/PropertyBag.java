// The one property-bag grammar of the IoT Hub MQTT dialect (protocol.md §5): encode and decode.
package io.rxiothub.sas;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Property bags as they travel in IoT Hub topics and the CONNECT user name:
 * <pre>
 * bag  = ["?"] pair *("&amp;" pair)
 * pair = key ["=" value]                 key, value percent-encoded UTF-8 ({@link PercentEncoding})
 * </pre>
 * Rules, the same for encoding and decoding: a key is never empty (after decoding); a bare key has a
 * {@code null} value and {@code key=} an empty one; order is kept; empty segments ({@code &&}) and one
 * leading {@code ?} are skipped when decoding; {@code +} stays literal; for a repeated key the last value
 * wins, at the place of its last occurrence ({@code %24.mid} and {@code $.mid} are the same key). A bad
 * bag fails with an {@link IllegalArgumentException} whose message names the part (key, value of key,
 * pair) and the rule it breaks.
 */
public final class PropertyBag {

  private PropertyBag() {}

  /**
   * Encodes {@code properties} in iteration order; a {@code null} value is written as a bare key.
   *
   * @throws IllegalArgumentException if a key is null or empty, or a key or value is not valid Unicode
   */
  public static String encode(Map<String, ? extends @Nullable String> properties) {
    if (properties == null) {
      throw new IllegalArgumentException("properties must not be null");
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, ? extends @Nullable String> e : properties.entrySet()) {
      writePair(out, 0, e.getKey(), e.getValue());
    }
    return out.toString();
  }

  /**
   * Appends {@code key=value} to a bag being written into {@code out} from index {@code bagStart} (a
   * topic or user name prefix may come before it), with a {@code &} first unless the bag is still
   * empty; does nothing when {@code value} is null. Builds no intermediate string: the telemetry topic
   * of every send is written this way.
   *
   * @return {@code out}
   * @throws IllegalArgumentException if {@code out} is null, {@code key} is null or empty, or a key or
   *     value is not valid Unicode
   */
  public static StringBuilder appendPair(StringBuilder out, int bagStart, String key,
      @Nullable String value) {
    if (out == null) {
      throw new IllegalArgumentException("out must not be null");
    }
    if (value != null) {
      writePair(out, bagStart, key, value);
    }
    return out;
  }

  private static void writePair(StringBuilder out, int bagStart, @Nullable String key,
      @Nullable String value) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("property bag key must not be " + (key == null ? "null"
          : "empty") + ": every pair needs a key");
    }
    int mark = out.length();
    if (mark > bagStart) {
      out.append('&');
    }
    try {
      PercentEncoding.encode(key, out);
    } catch (IllegalArgumentException e) {
      out.setLength(mark);
      throw new IllegalArgumentException("property bag key: " + e.getMessage(), e);
    }
    if (value != null) {
      try {
        PercentEncoding.encode(value, out.append('='));
      } catch (IllegalArgumentException e) {
        out.setLength(mark);
        throw new IllegalArgumentException("property bag value of key '" + key + "': "
            + e.getMessage(), e);
      }
    }
  }

  /**
   * Decodes {@code bag} into an ordered map of decoded keys and values.
   *
   * @throws IllegalArgumentException if a key decodes to the empty string, or a key or value holds a
   *     bad {@code %} sequence or bytes that are not UTF-8
   */
  public static Map<String, @Nullable String> decode(String bag) {
    return decode(bag, true);
  }

  /**
   * Decodes the keys of {@code bag} and keeps its values exactly as they appear (for opaque values
   * that must be echoed byte for byte, such as a direct method's {@code $rid}); same rules otherwise.
   *
   * @throws IllegalArgumentException if a key decodes to the empty string or holds a bad {@code %}
   *     sequence or bytes that are not UTF-8
   */
  public static Map<String, @Nullable String> decodeKeys(String bag) {
    return decode(bag, false);
  }

  private static Map<String, @Nullable String> decode(@Nullable String bag, boolean values) {
    if (bag == null) {
      throw new IllegalArgumentException("bag must not be null");
    }
    Map<String, @Nullable String> out = new LinkedHashMap<>();
    int start = bag.startsWith("?") ? 1 : 0;
    int length = bag.length();
    while (start <= length) {
      int end = bag.indexOf('&', start);
      if (end < 0) {
        end = length;
      }
      if (end > start) {
        int eq = bag.indexOf('=', start);
        boolean bare = eq < 0 || eq > end;
        String rawKey = bag.substring(start, bare ? end : eq);
        String key;
        try {
          key = PercentEncoding.decode(rawKey);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("property bag key at offset " + start + " ('" + rawKey
              + "'): " + e.getMessage(), e);
        }
        if (key.isEmpty()) {
          throw new IllegalArgumentException("property bag holds a pair with an empty key at offset "
              + start + ": every pair needs a key");
        }
        String value = null;
        if (!bare) {
          String rawValue = bag.substring(eq + 1, end);
          try {
            value = values ? PercentEncoding.decode(rawValue) : rawValue;
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("property bag value of key '" + key + "': "
                + e.getMessage(), e);
          }
        }
        out.remove(key);
        out.put(key, value);
      }
      start = end + 1;
    }
    return out;
  }
}
