// Decodes the property bag after '?' in a twin topic (protocol.md §5 "Ours — decode").
package io.rxiothub.twin.internal;

import io.rxiothub.sas.PercentEncoding;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Property-bag decoding: split on {@code &}, then at the first {@code =}; key and value percent-decoded
 * as UTF-8 ({@code +} stays literal); a key without {@code =} has a null value; empty segments are
 * skipped; the last of duplicate keys wins; one leading {@code ?} is tolerated.
 */
public final class PropertyBag {

  private PropertyBag() {}

  /**
   * Decodes {@code bag} into an ordered map.
   *
   * @throws IllegalArgumentException on a bad percent sequence or bad UTF-8 (the message names the key)
   */
  public static Map<String, @Nullable String> decode(String bag) {
    Map<String, @Nullable String> out = new LinkedHashMap<>();
    String text = bag.startsWith("?") ? bag.substring(1) : bag;
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('&', start);
      if (end < 0) {
        end = text.length();
      }
      if (end > start) {
        String segment = text.substring(start, end);
        int eq = segment.indexOf('=');
        String rawKey = eq < 0 ? segment : segment.substring(0, eq);
        String key;
        try {
          key = PercentEncoding.decode(rawKey);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("property bag key '" + rawKey + "': " + e.getMessage(), e);
        }
        String value = null;
        if (eq >= 0) {
          try {
            value = PercentEncoding.decode(segment.substring(eq + 1));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("property bag value of '" + key + "': " + e.getMessage(), e);
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
