// The grammar of the four twin topics (protocol.md §6): format for publishing, parse for receiving.
package io.rxiothub.twin;

import io.rxiothub.sas.PercentEncoding;
import io.rxiothub.sas.PropertyBag;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One twin topic name, parsed or ready to format:
 * <pre>
 * $iothub/twin/GET/?$rid={rid}                              device → hub, {@link Kind#GET}
 * $iothub/twin/PATCH/properties/reported/?$rid={rid}        device → hub, {@link Kind#PATCH_REPORTED}
 * $iothub/twin/res/{status}/?$rid={rid}[&amp;$version={v}]      hub → device, {@link Kind#RESPONSE}
 * $iothub/twin/PATCH/properties/desired/?$version={v}       hub → device, {@link Kind#DESIRED_PATCH}
 * </pre>
 * The part after the last fixed level is a {@link PropertyBag} (protocol.md §5): {@code $rid} and
 * {@code $version} in either order, keys and values percent-decoded ({@code %24rid} is {@code $rid}),
 * unknown keys ignored, the leading {@code ?} optional. {@link #format()} percent-encodes the {@code $rid}
 * so any non-empty request id round-trips. Statuses are integers 100-999; versions non-negative
 * {@code long}s written in decimal.
 */
public final class TwinTopic {

  /** Filter for twin responses; subscribe before the first request. */
  public static final String RESPONSE_FILTER = "$iothub/twin/res/#";
  /** Filter for desired-property notifications. */
  public static final String DESIRED_PATCH_FILTER = "$iothub/twin/PATCH/properties/desired/#";

  private static final String GET_PREFIX = "$iothub/twin/GET/";
  private static final String PATCH_REPORTED_PREFIX = "$iothub/twin/PATCH/properties/reported/";
  private static final String DESIRED_PREFIX = "$iothub/twin/PATCH/properties/desired/";
  private static final String RESPONSE_PREFIX = "$iothub/twin/res/";

  /** The four twin topics. */
  public enum Kind {
    /** A twin GET request. */
    GET,
    /** A reported-properties PATCH request. */
    PATCH_REPORTED,
    /** The hub's response to a GET or PATCH. */
    RESPONSE,
    /** The hub's desired-property notification. */
    DESIRED_PATCH
  }

  private final Kind kind;
  private final @Nullable String rid;
  private final int status;
  private final @Nullable Long version;

  private TwinTopic(Kind kind, @Nullable String rid, int status, @Nullable Long version) {
    this.kind = kind;
    this.rid = rid;
    this.status = status;
    this.version = version;
  }

  /**
   * Returns the GET request topic for {@code rid}.
   *
   * @throws IllegalArgumentException if {@code rid} is null, empty or not valid Unicode
   */
  public static TwinTopic get(String rid) {
    return new TwinTopic(Kind.GET, checkRid(rid), 0, null);
  }

  /**
   * Returns the reported-properties PATCH topic for {@code rid}.
   *
   * @throws IllegalArgumentException if {@code rid} is null, empty or not valid Unicode
   */
  public static TwinTopic patchReported(String rid) {
    return new TwinTopic(Kind.PATCH_REPORTED, checkRid(rid), 0, null);
  }

  /**
   * Returns a response topic.
   *
   * @param version the new reported {@code $version} (PATCH responses), or null
   * @throws IllegalArgumentException if {@code status} is outside 100-999, {@code rid} is null, empty or
   *     not valid Unicode, or {@code version} is negative
   */
  public static TwinTopic response(int status, String rid, @Nullable Long version) {
    return new TwinTopic(Kind.RESPONSE, checkRid(rid), checkStatus(status),
        version == null ? null : checkVersion(version));
  }

  /**
   * Returns the desired-property notification topic for {@code version}.
   *
   * @throws IllegalArgumentException if {@code version} is negative
   */
  public static TwinTopic desiredPatch(long version) {
    return new TwinTopic(Kind.DESIRED_PATCH, null, 0, checkVersion(version));
  }

  /**
   * Parses a twin topic name.
   *
   * @throws IllegalArgumentException if {@code topic} is not one of the four twin topics, lacks a required
   *     {@code $rid} or {@code $version}, has a malformed status, version or percent sequence
   */
  public static TwinTopic parse(String topic) {
    if (topic == null) {
      throw new IllegalArgumentException("topic must not be null");
    }
    if (topic.startsWith(GET_PREFIX)) {
      return new TwinTopic(Kind.GET, ridOf(bag(topic, GET_PREFIX.length()), topic), 0, null);
    }
    if (topic.startsWith(PATCH_REPORTED_PREFIX)) {
      return new TwinTopic(Kind.PATCH_REPORTED,
          ridOf(bag(topic, PATCH_REPORTED_PREFIX.length()), topic), 0, null);
    }
    if (topic.startsWith(DESIRED_PREFIX)) {
      Map<String, @Nullable String> bag = bag(topic, DESIRED_PREFIX.length());
      Long version = versionOf(bag, topic);
      if (version == null) {
        throw new IllegalArgumentException("twin desired notification topic '" + topic + "' has no $version");
      }
      return new TwinTopic(Kind.DESIRED_PATCH, null, 0, version);
    }
    if (topic.startsWith(RESPONSE_PREFIX)) {
      int slash = topic.indexOf('/', RESPONSE_PREFIX.length());
      if (slash < 0) {
        throw new IllegalArgumentException(
            "twin response topic '" + topic + "' must be $iothub/twin/res/{status}/?$rid={rid}");
      }
      int status = parseStatus(topic.substring(RESPONSE_PREFIX.length(), slash), topic);
      Map<String, @Nullable String> bag = bag(topic, slash + 1);
      return new TwinTopic(Kind.RESPONSE, ridOf(bag, topic), status, versionOf(bag, topic));
    }
    throw new IllegalArgumentException("'" + topic + "' is not a twin topic (expected $iothub/twin/GET/, "
        + "$iothub/twin/PATCH/properties/reported/, $iothub/twin/res/ or "
        + "$iothub/twin/PATCH/properties/desired/)");
  }

  /** Returns which twin topic this is. */
  public Kind kind() {
    return kind;
  }

  /** Returns the decoded {@code $rid}; null only for {@link Kind#DESIRED_PATCH}. */
  public @Nullable String rid() {
    return rid;
  }

  /** Returns the response status; 0 unless {@link Kind#RESPONSE}. */
  public int status() {
    return status;
  }

  /**
   * Returns the {@code $version}: always present for {@link Kind#DESIRED_PATCH}, present for a
   * {@link Kind#RESPONSE} that carries one, otherwise null.
   */
  public @Nullable Long version() {
    return version;
  }

  /** Returns the topic name to publish (or that the hub publishes). */
  public String format() {
    switch (kind) {
      case GET:
        return GET_PREFIX + "?$rid=" + PercentEncoding.encode(Objects.requireNonNull(rid));
      case PATCH_REPORTED:
        return PATCH_REPORTED_PREFIX + "?$rid=" + PercentEncoding.encode(Objects.requireNonNull(rid));
      case RESPONSE:
        return RESPONSE_PREFIX + status + "/?$rid=" + PercentEncoding.encode(Objects.requireNonNull(rid))
            + (version == null ? "" : "&$version=" + version);
      default:
        return DESIRED_PREFIX + "?$version=" + version;
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof TwinTopic)) {
      return false;
    }
    TwinTopic other = (TwinTopic) o;
    return kind == other.kind && status == other.status && Objects.equals(rid, other.rid)
        && Objects.equals(version, other.version);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, rid, status, version);
  }

  @Override
  public String toString() {
    return format();
  }

  private static Map<String, @Nullable String> bag(String topic, int from) {
    try {
      return PropertyBag.decode(topic.substring(from));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("twin topic '" + topic + "': " + e.getMessage(), e);
    }
  }

  private static String ridOf(Map<String, @Nullable String> bag, String topic) {
    String rid = bag.get("$rid");
    if (rid == null || rid.isEmpty()) {
      throw new IllegalArgumentException("twin topic '" + topic + "' has no $rid value");
    }
    return rid;
  }

  private static @Nullable Long versionOf(Map<String, @Nullable String> bag, String topic) {
    if (!bag.containsKey("$version")) {
      return null;
    }
    String text = bag.get("$version");
    if (text == null || text.isEmpty() || text.length() > 19 || !allDigits(text)) {
      throw new IllegalArgumentException(
          "twin topic '" + topic + "': $version must be a non-negative decimal integer, got '" + text + "'");
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("twin topic '" + topic + "': $version is out of range", e);
    }
  }

  private static int parseStatus(String text, String topic) {
    if (text.isEmpty() || text.length() > 3 || !allDigits(text) || Integer.parseInt(text) < 100) {
      throw new IllegalArgumentException(
          "twin response topic '" + topic + "': status must be an integer 100-999, got '" + text + "'");
    }
    return Integer.parseInt(text);
  }

  private static boolean allDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static String checkRid(@Nullable String rid) {
    if (rid == null || rid.isEmpty()) {
      throw new IllegalArgumentException("twin $rid must be a non-empty string");
    }
    PercentEncoding.encode(rid);
    return rid;
  }

  private static int checkStatus(int status) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("twin response status must be 100-999, got " + status);
    }
    return status;
  }

  private static long checkVersion(long version) {
    if (version < 0) {
      throw new IllegalArgumentException("twin $version must be >= 0, got " + version);
    }
    return version;
  }
}
