// The Plug and Play shapes the emulator checks in the reported patches of identities that sent a model id
// (protocol.md §17.3): component sections marked "__t": "c", writable property acks {value, ac, av, ad}.
package io.rxiothub.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Which identities connected with a model id, and what breaks the conventions in their reported patches. */
public final class PnpShapes {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Set<Identity> models = ConcurrentHashMap.newKeySet();

  /** Records whether the accepted CONNECT of {@code identity} named a model id ({@code model-id=} in its user name). */
  public void connected(Identity identity, @Nullable String userName) {
    if (modelId(userName) != null) {
      models.add(identity);
    } else {
      models.remove(identity);
    }
  }

  /** Returns whether the identity's last accepted CONNECT named a model id. */
  public boolean isPnp(Identity identity) {
    return models.contains(identity);
  }

  /** Returns the {@code model-id} of a CONNECT user name, or null if it names none or its query is no bag. */
  static @Nullable String modelId(@Nullable String userName) {
    int query = userName == null ? -1 : userName.indexOf('?');
    if (query < 0) {
      return null;
    }
    try {
      return PropertyBags.decode(userName.substring(query + 1)).get("model-id");
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Returns what breaks the conventions in a reported patch (the JSON path and the rule), or null if nothing
   * does or the body is not JSON (the twin store reports that).
   */
  public static @Nullable String violation(byte[] body) {
    JsonNode patch;
    try {
      patch = JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
    if (patch == null || !patch.isObject()) {
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode value = e.getValue();
      if (!value.isObject()) {
        continue;
      }
      String path = e.getKey();
      if (value.has("__t")) {
        if (!"c".equals(value.get("__t").asText(null)) || !value.get("__t").isTextual()) {
          return path + ".__t must be \"c\" (a component section), got " + value.get("__t");
        }
        for (Iterator<Map.Entry<String, JsonNode>> p = value.fields(); p.hasNext(); ) {
          Map.Entry<String, JsonNode> property = p.next();
          String broken = ackViolation(path + "." + property.getKey(), property.getValue());
          if (broken != null) {
            return broken;
          }
        }
      } else {
        String broken = ackViolation(path, value);
        if (broken != null) {
          return broken;
        }
      }
    }
    return null;
  }

  /** An object holding {@code ac} or {@code av} is an ack: it needs value, integer ac and av, a string ad. */
  private static @Nullable String ackViolation(String path, JsonNode node) {
    if (!node.isObject() || !(node.has("ac") || node.has("av"))) {
      return null;
    }
    if (!node.has("value")) {
      return path + " is a writable property ack (it has ac/av) without \"value\"";
    }
    if (!node.path("ac").isIntegralNumber()) {
      return path + ".ac must be an integer status code, got " + node.get("ac");
    }
    if (!node.path("av").isIntegralNumber()) {
      return path + ".av must be the integer desired $version acknowledged, got " + node.get("av");
    }
    if (node.has("ad") && !node.get("ad").isTextual()) {
      return path + ".ad must be a string, got " + node.get("ad");
    }
    return null;
  }
}
