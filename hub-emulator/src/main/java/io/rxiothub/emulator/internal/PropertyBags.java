// Property bags (protocol.md §5): decode the bag of a D2C topic, encode the bag of a C2D topic.
package io.rxiothub.emulator.internal;

import io.rxiothub.sas.PercentEncoding;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Pure functions over property bags. */
public final class PropertyBags {

  private PropertyBags() {}

  /**
   * Decodes {@code bag}: an optional leading {@code ?}, pairs split on {@code &} then at the first {@code =},
   * key and value percent-decoded as UTF-8, {@code +} literal, empty segments skipped, order kept, last duplicate
   * wins. A key without {@code =} maps to null.
   *
   * @throws IllegalArgumentException on a bad percent sequence or bad UTF-8
   */
  public static Map<String, @Nullable String> decode(String bag) {
    Map<String, @Nullable String> out = new LinkedHashMap<>();
    String text = bag.startsWith("?") ? bag.substring(1) : bag;
    for (String pair : text.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = PercentEncoding.decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? null : PercentEncoding.decode(pair.substring(eq + 1));
      out.remove(key);
      out.put(key, value);
    }
    return out;
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
}
