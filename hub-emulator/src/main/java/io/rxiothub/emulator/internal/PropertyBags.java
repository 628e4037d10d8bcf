// Property bags (protocol.md §5): the emulator's one reader and writer of bags, independent of the SDK's (it is the
// oracle the SDK is tested against). D2C bags, request queries ($rid, $version) and C2D bags all go through here.
package io.rxiothub.emulator.internal;

import io.rxiothub.sas.PercentEncoding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Pure functions over property bags. Grammar: an optional leading {@code ?}, pairs split on {@code &} then at the
 * first {@code =}, key and value percent-encoded UTF-8 with {@code +} literal, empty segments skipped. A key without
 * {@code =} has a null value. A key that is empty after decoding makes the bag malformed, as a bad percent sequence
 * or bad UTF-8 does. Of duplicate keys the last wins, at the place of its last occurrence. Error texts are those of
 * protocol.md §5: {@code property bag key at offset {n} ('{raw}'): …}, {@code property bag value of key '{key}': …},
 * {@code property bag holds a pair with an empty key at offset {n}: every pair needs a key}.
 */
public final class PropertyBags {

  private PropertyBags() {}

  /** One pair with its key decoded and its value as it is on the wire. */
  private record Pair(String key, @Nullable String rawValue) {}

  /**
   * Decodes {@code bag} into an ordered map of decoded keys and values.
   *
   * @throws IllegalArgumentException if the bag is malformed
   */
  public static Map<String, @Nullable String> decode(String bag) {
    Map<String, @Nullable String> out = new LinkedHashMap<>();
    for (Pair pair : pairs(bag)) {
      String value = null;
      if (pair.rawValue() != null) {
        try {
          value = PercentEncoding.decode(pair.rawValue());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("property bag value of key '" + pair.key() + "': " + e.getMessage(),
              e);
        }
      }
      out.remove(pair.key());
      out.put(pair.key(), value);
    }
    return out;
  }

  /**
   * The raw (still encoded) value of {@code name} in {@code bag}, so that it can be echoed byte for byte (a
   * request's {@code $rid}); null when the key is absent or has no {@code =}. Keys are decoded by the rules of
   * {@link #decode}; values are kept as they are, as protocol.md §7 asks of {@code $rid}.
   *
   * @throws IllegalArgumentException if a key is malformed or empty
   */
  public static @Nullable String rawValue(String bag, String name) {
    String value = null;
    for (Pair pair : pairs(bag)) {
      if (pair.key().equals(name)) {
        value = pair.rawValue();
      }
    }
    return value;
  }

  private static List<Pair> pairs(String bag) {
    List<Pair> out = new ArrayList<>();
    int start = bag.startsWith("?") ? 1 : 0;
    while (start <= bag.length()) {
      int end = bag.indexOf('&', start);
      if (end < 0) {
        end = bag.length();
      }
      if (end > start) {
        String pair = bag.substring(start, end);
        int eq = pair.indexOf('=');
        String rawKey = eq < 0 ? pair : pair.substring(0, eq);
        String key;
        try {
          key = PercentEncoding.decode(rawKey);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("property bag key at offset " + start + " ('" + rawKey + "'): "
              + e.getMessage(), e);
        }
        if (key.isEmpty()) {
          throw new IllegalArgumentException("property bag holds a pair with an empty key at offset " + start
              + ": every pair needs a key");
        }
        out.add(new Pair(key, eq < 0 ? null : pair.substring(eq + 1)));
      }
      start = end + 1;
    }
    return out;
  }

  /**
   * Encodes {@code properties} with our encoder (every byte but {@code A-Z a-z 0-9 - . _ ~} as {@code %XX}).
   *
   * @throws IllegalArgumentException if a key is empty (the bag would be malformed)
   */
  public static String encode(Map<String, @Nullable String> properties) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, @Nullable String> e : properties.entrySet()) {
      if (e.getKey().isEmpty()) {
        throw new IllegalArgumentException("property bag key must not be empty: every pair needs a key");
      }
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(PercentEncoding.encode(e.getKey()));
      if (e.getValue() != null) {
        out.append('=').append(PercentEncoding.encode(e.getValue()));
      }
    }
    return out.toString();
  }
}
