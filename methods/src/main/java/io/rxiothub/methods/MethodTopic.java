// The grammar of the two direct-method topics (protocol.md §7): format and parse.
package io.rxiothub.methods;

import io.rxiothub.sas.PropertyBag;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One direct-method topic name:
 * <pre>
 * $iothub/methods/POST/{methodName}/?$rid={rid}     hub → device, {@link Kind#REQUEST}
 * $iothub/methods/res/{status}/?$rid={rid}          device → hub, {@link Kind#RESPONSE}
 * </pre>
 * The method name (one topic level) and the {@code $rid} are opaque: they are kept exactly as they appear
 * in the topic, never percent-decoded, so a reply echoes the request's {@code $rid} byte for byte. The part
 * after the last fixed level is a {@link PropertyBag} (protocol.md §5): keys are percent-decoded (so
 * {@code %24rid} is {@code $rid}), unknown keys are ignored, the leading {@code ?} is optional, the last
 * duplicate wins. A status is any {@code int}, written in decimal.
 *
 * <p>Names must be non-empty and free of {@code /}, {@code +}, {@code #} and U+0000; request ids non-empty
 * and free of {@code &}, {@code +}, {@code #} and U+0000 (MQTT forbids wildcards and U+0000 in topic names).
 */
public final class MethodTopic {

  /** Filter for method requests; subscribe to it rather than to single names (5-subscription limit). */
  public static final String REQUEST_FILTER = "$iothub/methods/POST/#";

  private static final String REQUEST_PREFIX = "$iothub/methods/POST/";
  private static final String RESPONSE_PREFIX = "$iothub/methods/res/";

  /** The two method topics. */
  public enum Kind {
    /** A method invocation from the hub. */
    REQUEST,
    /** The device's reply. */
    RESPONSE
  }

  private final Kind kind;
  private final @Nullable String methodName;
  private final int status;
  private final String rid;

  private MethodTopic(Kind kind, @Nullable String methodName, int status, String rid) {
    this.kind = kind;
    this.methodName = methodName;
    this.status = status;
    this.rid = rid;
  }

  /**
   * Returns a request topic.
   *
   * @throws IllegalArgumentException if {@code methodName} or {@code rid} breaks the rules above
   */
  public static MethodTopic request(String methodName, String rid) {
    return new MethodTopic(Kind.REQUEST, checkName(methodName), 0, checkRid(rid));
  }

  /**
   * Returns a response topic.
   *
   * @throws IllegalArgumentException if {@code rid} breaks the rules above
   */
  public static MethodTopic response(int status, String rid) {
    return new MethodTopic(Kind.RESPONSE, null, status, checkRid(rid));
  }

  /**
   * Parses a method topic name.
   *
   * @throws IllegalArgumentException if {@code topic} is not a method topic, lacks the method name, the
   *     status or a non-empty {@code $rid}, or has a bad percent sequence in a bag key
   */
  public static MethodTopic parse(String topic) {
    if (topic == null) {
      throw new IllegalArgumentException("topic must not be null");
    }
    boolean request = topic.startsWith(REQUEST_PREFIX);
    if (!request && !topic.startsWith(RESPONSE_PREFIX)) {
      throw new IllegalArgumentException("'" + topic
          + "' is not a method topic (expected $iothub/methods/POST/{name}/?$rid= or $iothub/methods/res/{status}/?$rid=)");
    }
    int start = request ? REQUEST_PREFIX.length() : RESPONSE_PREFIX.length();
    int slash = topic.indexOf('/', start);
    if (slash < 0) {
      throw new IllegalArgumentException("method topic '" + topic + "' must end with /?$rid={rid}");
    }
    String level = topic.substring(start, slash);
    String rid = ridOf(topic.substring(slash + 1), topic);
    if (request) {
      if (level.isEmpty()) {
        throw new IllegalArgumentException("method request topic '" + topic + "' has an empty method name");
      }
      return new MethodTopic(Kind.REQUEST, checkName(level), 0, checkRid(rid));
    }
    return new MethodTopic(Kind.RESPONSE, null, parseStatus(level, topic), checkRid(rid));
  }

  /** Returns which method topic this is. */
  public Kind kind() {
    return kind;
  }

  /** Returns the method name (raw); null for a {@link Kind#RESPONSE}. */
  public @Nullable String methodName() {
    return methodName;
  }

  /** Returns the status of a {@link Kind#RESPONSE}; 0 for a request. */
  public int status() {
    return status;
  }

  /** Returns the {@code $rid} exactly as it appears in the topic. */
  public String rid() {
    return rid;
  }

  /** Returns the topic name. */
  public String format() {
    return kind == Kind.REQUEST
        ? REQUEST_PREFIX + methodName + "/?$rid=" + rid
        : RESPONSE_PREFIX + status + "/?$rid=" + rid;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof MethodTopic)) {
      return false;
    }
    MethodTopic other = (MethodTopic) o;
    return kind == other.kind && status == other.status && Objects.equals(methodName, other.methodName)
        && rid.equals(other.rid);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, methodName, status, rid);
  }

  @Override
  public String toString() {
    return format();
  }

  static String checkName(@Nullable String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("method name must be a non-empty string");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == '+' || c == '#' || c == 0) {
        throw new IllegalArgumentException(
            "method name '" + name + "' must not contain '/', '+', '#' or U+0000 (one MQTT topic level)");
      }
    }
    return name;
  }

  static String checkRid(@Nullable String rid) {
    if (rid == null || rid.isEmpty()) {
      throw new IllegalArgumentException("method $rid must be a non-empty string");
    }
    for (int i = 0; i < rid.length(); i++) {
      char c = rid.charAt(i);
      if (c == '&' || c == '+' || c == '#' || c == 0) {
        throw new IllegalArgumentException(
            "method $rid '" + rid + "' must not contain '&', '+', '#' or U+0000");
      }
    }
    return rid;
  }

  /** Returns the raw value of the last {@code $rid} of {@code bag}, its key decoded (%24rid is $rid). */
  private static String ridOf(String bag, String topic) {
    Map<String, @Nullable String> pairs;
    try {
      pairs = PropertyBag.decodeKeys(bag);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("method topic '" + topic + "': " + e.getMessage(), e);
    }
    String rid = pairs.get("$rid");
    if (rid == null || rid.isEmpty()) {
      throw new IllegalArgumentException("method topic '" + topic + "' has no $rid value");
    }
    return rid;
  }

  private static int parseStatus(String text, String topic) {
    boolean ok = !text.isEmpty() && text.length() <= 11;
    for (int i = 0; ok && i < text.length(); i++) {
      char c = text.charAt(i);
      ok = c >= '0' && c <= '9' || i == 0 && c == '-' && text.length() > 1;
    }
    if (ok) {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    throw new IllegalArgumentException(
        "method response topic '" + topic + "': status must be a decimal int, got '" + text + "'");
  }
}
