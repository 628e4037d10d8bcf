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
 * {@code =} has a null value; an empty key ({@code =v}) is a key like any other. Of duplicate keys the last wins.
 * A bad percent sequence or bad UTF-8 anywhere makes the whole bag malformed.
 */
public final class PropertyBags {

  private PropertyBags() {}

  /** One pair as it is on the wire, with its key decoded. */
  private record Pair(String key, @Nullable String rawValue) {}

  /**
   * Decodes {@code bag}, keeping the order of first appearance (a duplicate moves to the end with its last value).
   *
   * @throws IllegalArgumentException if the bag is malformed; the message names the pair and the rule
   */
  public static Map<String, @Nullable String> decode(String bag) {
    Map<String, @Nullable String> out = new LinkedHashMap<>();
    List<Pair> pairs = pairs(bag);
    for (int i = 0; i < pairs.size(); i++) {
      Pair pair = pairs.get(i);
      out.remove(pair.key());
      out.put(pair.key(), pair.rawValue() == null ? null : decodePart(pair.rawValue(), "value", i));
    }
    return out;
  }

  /**
   * The raw (still encoded) value of {@code name} in {@code bag}, so that it can be echoed byte for byte (a
   * request's {@code $rid}); null when the key is absent or has no {@code =}. The bag must be well-formed as a whole.
   *
   * @throws IllegalArgumentException if the bag is malformed (as {@link #decode})
   */
  public static @Nullable String rawValue(String bag, String name) {
    String value = null;
    List<Pair> pairs = pairs(bag);
    for (int i = 0; i < pairs.size(); i++) {
      Pair pair = pairs.get(i);
      if (pair.rawValue() != null) {
        decodePart(pair.rawValue(), "value", i);
      }
      if (pair.key().equals(name)) {
        value = pair.rawValue();
      }
    }
    return value;
  }

  /** Encodes {@code properties} with our encoder (every byte but {@code A-Z a-z 0-9 - . _ ~} as {@code %XX}). */
  public static String encode(Map<String, @Nullable String> properties) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, @Nullable String> e : properties.entrySet()) {
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

  private static List<Pair> pairs(String bag) {
    String text = bag.startsWith("?") ? bag.substring(1) : bag;
    List<Pair> out = new ArrayList<>();
    for (String pair : text.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decodePart(eq < 0 ? pair : pair.substring(0, eq), "key", out.size());
      out.add(new Pair(key, eq < 0 ? null : pair.substring(eq + 1)));
    }
    return out;
  }

  private static String decodePart(String text, String part, int index) {
    try {
      return PercentEncoding.decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + part + " of pair " + (index + 1) + " of the bag is malformed: "
          + e.getMessage(), e);
    }
  }
}
