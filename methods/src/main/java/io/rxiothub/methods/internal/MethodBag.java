// Finds the opaque $rid in the property bag of a method topic (protocol.md §5 and §7).
package io.rxiothub.methods.internal;

import io.rxiothub.sas.PercentEncoding;
import org.jspecify.annotations.Nullable;

/** Property-bag reading for method topics: keys decoded, the {@code $rid} value kept raw. */
public final class MethodBag {

  private MethodBag() {}

  /**
   * Returns the raw value of the last {@code $rid} in {@code bag} (split on {@code &}, then at the first
   * {@code =}; empty segments skipped; one leading {@code ?} tolerated).
   *
   * @throws IllegalArgumentException if there is no {@code $rid} with a non-empty value, or a key has a
   *     bad percent sequence
   */
  public static String rid(String bag, String topic) {
    String text = bag.startsWith("?") ? bag.substring(1) : bag;
    String rid = null;
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
          throw new IllegalArgumentException(
              "method topic '" + topic + "': bag key '" + rawKey + "': " + e.getMessage(), e);
        }
        if (key.equals("$rid")) {
          rid = eq < 0 ? null : segment.substring(eq + 1);
        }
      }
      start = end + 1;
    }
    return requireRid(rid, topic);
  }

  private static String requireRid(@Nullable String rid, String topic) {
    if (rid == null || rid.isEmpty()) {
      throw new IllegalArgumentException("method topic '" + topic + "' has no $rid value");
    }
    return rid;
  }
}
