// Encodes and decodes MQTT property bags (protocol.md §5) with the one percent-encoding of the sas module.
package io.rxiothub.device.internal;

import io.rxiothub.sas.PercentEncoding;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Property bag grammar: {@code ["?"] key["=" value] *("&" key["=" value])}, keys and values percent-encoded. */
public final class PropertyBag {

  private PropertyBag() {}

  /**
   * Encodes {@code properties} in iteration order; a {@code null} value is written as a bare key.
   *
   * @throws IllegalArgumentException if a key is empty or a key or value is not valid Unicode
   */
  public static String encode(Map<String, ? extends @Nullable String> properties) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, ? extends @Nullable String> e : properties.entrySet()) {
      if (e.getKey().isEmpty()) {
        throw new IllegalArgumentException("property bag keys must not be empty");
      }
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(PercentEncoding.encode(e.getKey()));
      String value = e.getValue();
      if (value != null) {
        out.append('=').append(PercentEncoding.encode(value));
      }
    }
    return out.toString();
  }

  /**
   * Decodes {@code bag}: tolerates one leading {@code ?}, skips empty segments, splits each pair at
   * its first {@code =}, keeps wire order; for a repeated key the last value wins. A bare key has a
   * {@code null} value, {@code key=} an empty one.
   *
   * @throws IllegalArgumentException on a bad {@code %} sequence, bad UTF-8 or an empty key
   */
  public static Map<String, @Nullable String> decode(String bag) {
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
        String key;
        String value;
        if (eq < 0 || eq > end) {
          key = PercentEncoding.decode(bag.substring(start, end));
          value = null;
        } else {
          key = PercentEncoding.decode(bag.substring(start, eq));
          value = PercentEncoding.decode(bag.substring(eq + 1, end));
        }
        if (key.isEmpty()) {
          throw new IllegalArgumentException("property bag holds a pair with an empty key at offset "
              + start);
        }
        out.remove(key);
        out.put(key, value);
      }
      start = end + 1;
    }
    return out;
  }
}
