// The grammar of twin and method requests and responses (protocol.md §6, §7): the '?$rid=' query of a request topic,
// the status of a method response, the topics the hub answers on, and the hub's JSON error body. Pure.
package io.rxiothub.emulator.internal;

import io.rxiothub.emulator.internal.TopicRules.PublishKind;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Parses device requests and formats the hub's answers; no state. */
public final class RequestGrammar {

  private RequestGrammar() {}

  /**
   * Why a request topic of {@code kind} is malformed (no {@code ?$rid=} query, a malformed query bag, a method
   * response without an integer status), or null when it is well-formed.
   */
  public static @Nullable String problem(String topic, PublishKind kind) {
    String query = query(topic, kind);
    String rid;
    try {
      rid = query == null ? null : PropertyBags.rawValue(query, "$rid");
    } catch (IllegalArgumentException e) {
      return "request topic '" + topic + "' has a malformed query: " + e.getMessage();
    }
    if (rid == null) {
      return "request topic '" + topic + "' has no '?$rid=' query";
    }
    if (kind == PublishKind.METHOD_RESPONSE && methodStatus(topic) == null) {
      return "method response topic '" + topic + "' must be $iothub/methods/res/{status}/?$rid={rid}";
    }
    return null;
  }

  /**
   * The raw {@code $rid} of a request topic, as sent (echoed byte for byte), or null when there is none.
   *
   * @throws IllegalArgumentException if the query is malformed ({@link #problem} says so first)
   */
  public static @Nullable String rid(String topic, PublishKind kind) {
    String query = query(topic, kind);
    return query == null ? null : PropertyBags.rawValue(query, "$rid");
  }

  /** The status of {@code $iothub/methods/res/{status}/…}, or null when it is not an integer. */
  public static @Nullable Integer methodStatus(String topic) {
    int slash = topic.indexOf('/', TopicRules.METHODS_RES.length());
    if (slash < 0) {
      return null;
    }
    try {
      return Integer.parseInt(topic.substring(TopicRules.METHODS_RES.length(), slash));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The query after the request prefix's {@code ?} (without it), or null when the topic has none there. */
  static @Nullable String query(String topic, PublishKind kind) {
    String prefix = switch (kind) {
      case TWIN_GET -> TopicRules.TWIN_GET;
      case TWIN_PATCH_REPORTED -> TopicRules.TWIN_PATCH_REPORTED;
      case METHOD_RESPONSE -> {
        int slash = topic.indexOf('/', TopicRules.METHODS_RES.length());
        yield slash < 0 ? null : topic.substring(0, slash + 1);
      }
      default -> null;
    };
    if (prefix == null || topic.length() <= prefix.length() || topic.charAt(prefix.length()) != '?') {
      return null;
    }
    return topic.substring(prefix.length() + 1);
  }

  /** {@code $iothub/twin/res/{status}/?$rid={rid}}. */
  public static String twinResponse(int status, @Nullable String rid) {
    return "$iothub/twin/res/" + status + "/?$rid=" + rid;
  }

  /** {@code $iothub/twin/res/{status}/?$rid={rid}&$version={version}}. */
  public static String twinResponse(int status, @Nullable String rid, long version) {
    return twinResponse(status, rid) + "&$version=" + version;
  }

  /** {@code $iothub/twin/PATCH/properties/desired/?$version={version}}. */
  public static String desiredPatch(long version) {
    return "$iothub/twin/PATCH/properties/desired/?$version=" + version;
  }

  /** {@code $iothub/methods/POST/{methodName}/?$rid={rid}}. */
  public static String methodRequest(String methodName, String rid) {
    return "$iothub/methods/POST/" + methodName + "/?$rid=" + rid;
  }

  /** The hub's error body {@code {"errorCode":code,"message":"…"}} (quotes and backslashes escaped). */
  public static byte[] errorBody(int code, @Nullable String message) {
    String text = message == null ? "" : message.replace("\\", "\\\\").replace("\"", "\\\"");
    return ("{\"errorCode\":" + code + ",\"message\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /** {@link #errorBody} as text (method results carry text). */
  public static String errorText(int code, @Nullable String message) {
    return new String(errorBody(code, message), StandardCharsets.UTF_8);
  }
}
