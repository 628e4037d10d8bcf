// The grammar of the telemetry and cloud-to-device topics (protocol.md §4, §5): format and parse.
package io.rxiothub.sas;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One telemetry or cloud-to-device topic name with its property bag:
 * <pre>
 * devices/{deviceId}[/modules/{moduleId}]/messages/events/{bag}         device → hub, {@link Kind#TELEMETRY}
 * devices/{deviceId}[/modules/{moduleId}]/messages/devicebound/{bag}    hub → device, {@link Kind#DEVICEBOUND}
 * </pre>
 * {@link #parse} also takes the topic without the final {@code /} and a bag followed by one {@code /}
 * (the Java SDK's module telemetry). Ids follow {@link IotHubIds}; the bag follows {@link PropertyBag}.
 * {@link Identity} holds the per-identity strings a client writes and reads on every message.
 */
public final class MessageTopic {

  private static final String DEVICES = "devices/";
  private static final String MODULES = "modules/";
  private static final String MESSAGES = "messages/";
  private static final String EVENTS = "events";
  private static final String DEVICEBOUND = "devicebound";

  /** The two message topics. */
  public enum Kind {
    /** Device-to-cloud telemetry. */
    TELEMETRY,
    /** A cloud-to-device message. */
    DEVICEBOUND
  }

  private final Kind kind;
  private final String deviceId;
  private final @Nullable String moduleId;
  private final Map<String, @Nullable String> properties;

  private MessageTopic(Kind kind, String deviceId, @Nullable String moduleId,
      Map<String, @Nullable String> properties) {
    this.kind = kind;
    this.deviceId = deviceId;
    this.moduleId = moduleId;
    this.properties = Collections.unmodifiableMap(properties);
  }

  /**
   * Returns the topic of {@code kind} for the identity, carrying {@code properties} in their order.
   *
   * @throws IllegalArgumentException if an id breaks {@link IotHubIds}' rules or holds {@code +} or
   *     {@code #}, or a property key is null or empty
   */
  public static MessageTopic of(Kind kind, String deviceId, @Nullable String moduleId,
      Map<String, ? extends @Nullable String> properties) {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    if (properties == null) {
      throw new IllegalArgumentException("properties must not be null");
    }
    Map<String, @Nullable String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ? extends @Nullable String> e : properties.entrySet()) {
      if (e.getKey() == null || e.getKey().isEmpty()) {
        throw new IllegalArgumentException("property bag key must not be "
            + (e.getKey() == null ? "null" : "empty") + ": every pair needs a key");
      }
      copy.put(e.getKey(), e.getValue());
    }
    return new MessageTopic(kind, checkId("DeviceId", deviceId),
        moduleId == null ? null : checkId("ModuleId", moduleId), copy);
  }

  /**
   * Parses a telemetry or cloud-to-device topic name.
   *
   * @throws IllegalArgumentException naming the part of {@code topic} that breaks the grammar above
   */
  public static MessageTopic parse(String topic) {
    if (topic == null) {
      throw new IllegalArgumentException("topic must not be null");
    }
    if (!topic.startsWith(DEVICES)) {
      throw bad(topic, "must start with 'devices/'");
    }
    int at = DEVICES.length();
    int slash = topic.indexOf('/', at);
    if (slash < 0) {
      throw bad(topic, "has no '/messages/' after the device id");
    }
    String deviceId = parsedId("DeviceId", topic.substring(at, slash), topic);
    at = slash + 1;
    String moduleId = null;
    if (topic.startsWith(MODULES, at)) {
      at += MODULES.length();
      slash = topic.indexOf('/', at);
      if (slash < 0) {
        throw bad(topic, "has no '/messages/' after the module id");
      }
      moduleId = parsedId("ModuleId", topic.substring(at, slash), topic);
      at = slash + 1;
    }
    if (!topic.startsWith(MESSAGES, at)) {
      throw bad(topic, "must continue with 'messages/' after the "
          + (moduleId == null ? "device" : "module") + " id");
    }
    at += MESSAGES.length();
    Kind kind;
    if (topic.startsWith(EVENTS, at)) {
      kind = Kind.TELEMETRY;
      at += EVENTS.length();
    } else if (topic.startsWith(DEVICEBOUND, at)) {
      kind = Kind.DEVICEBOUND;
      at += DEVICEBOUND.length();
    } else {
      throw bad(topic, "must continue with 'events/' (telemetry) or 'devicebound/' (cloud-to-device) "
          + "after 'messages/'");
    }
    String bag;
    if (at == topic.length()) {
      bag = "";
    } else if (topic.charAt(at) == '/') {
      bag = stripOneSlash(topic.substring(at + 1));
    } else {
      throw bad(topic, "must have '/' after '" + (kind == Kind.TELEMETRY ? EVENTS : DEVICEBOUND) + "'");
    }
    Map<String, @Nullable String> properties;
    try {
      properties = PropertyBag.decode(bag);
    } catch (IllegalArgumentException e) {
      throw bad(topic, e.getMessage());
    }
    return new MessageTopic(kind, deviceId, moduleId, properties);
  }

  /** Returns which topic this is. */
  public Kind kind() {
    return kind;
  }

  /** Returns the device id. */
  public String deviceId() {
    return deviceId;
  }

  /** Returns the module id, or null for a device identity. */
  public @Nullable String moduleId() {
    return moduleId;
  }

  /** Returns the decoded properties in wire order (unmodifiable); a bare key maps to null. */
  public Map<String, @Nullable String> properties() {
    return properties;
  }

  /** Returns the topic name: the identity's prefix, then the encoded bag. */
  public String format() {
    Identity identity = new Identity(deviceId, moduleId);
    String prefix = kind == Kind.TELEMETRY ? identity.telemetryPrefix()
        : identity.messagesPrefix + DEVICEBOUND + "/";
    return prefix + PropertyBag.encode(properties);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof MessageTopic)) {
      return false;
    }
    MessageTopic other = (MessageTopic) o;
    return kind == other.kind && deviceId.equals(other.deviceId)
        && Objects.equals(moduleId, other.moduleId) && sameInOrder(properties, other.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, deviceId, moduleId, properties);
  }

  @Override
  public String toString() {
    return format();
  }

  private static boolean sameInOrder(Map<String, @Nullable String> a, Map<String, @Nullable String> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Iterator<Map.Entry<String, @Nullable String>> i = a.entrySet().iterator();
    Iterator<Map.Entry<String, @Nullable String>> j = b.entrySet().iterator();
    while (i.hasNext()) {
      if (!i.next().equals(j.next())) {
        return false;
      }
    }
    return true;
  }

  private static String stripOneSlash(String bag) {
    return bag.endsWith("/") ? bag.substring(0, bag.length() - 1) : bag;
  }

  private static String checkId(String field, @Nullable String id) {
    IotHubIds.check(field, id);
    if (!IotHubIds.isMqttSafe(id)) {
      throw new IllegalArgumentException(field + " '" + id + "' contains '+' or '#', which no MQTT "
          + "topic name may hold");
    }
    return id;
  }

  private static String parsedId(String field, String id, String topic) {
    try {
      return checkId(field, id);
    } catch (IllegalArgumentException e) {
      throw bad(topic, e.getMessage());
    }
  }

  private static IllegalArgumentException bad(String topic, @Nullable String rule) {
    String shown = topic.length() > 200 ? topic.substring(0, 200) + "…" : topic;
    return new IllegalArgumentException("message topic '" + shown + "' " + rule);
  }

  /**
   * The topic strings of one identity (device, or module when {@code moduleId} is set), built once:
   * what a client writes on every send and checks on every cloud-to-device message.
   */
  public static final class Identity {
    // Only the common prefix is kept: a client keeps its Identity for life, and the devicebound
    // prefix is checked in place (about 70 bytes less per client).
    private final String messagesPrefix;

    /**
     * Creates the topics of {@code deviceId} (and {@code moduleId} for a module identity).
     *
     * <p>The ids are taken as they are: the client checked them when it was built.
     *
     * @throws IllegalArgumentException if {@code deviceId} is null
     */
    public Identity(String deviceId, @Nullable String moduleId) {
      if (deviceId == null) {
        throw new IllegalArgumentException("deviceId must not be null");
      }
      this.messagesPrefix = DEVICES + deviceId + (moduleId == null ? "" : "/" + MODULES + moduleId)
          + "/" + MESSAGES;
    }

    /** Returns the telemetry topic up to its bag: {@code devices/{d}[/modules/{m}]/messages/events/}. */
    public String telemetryPrefix() {
      return messagesPrefix + EVENTS + "/";
    }

    /** Appends {@link #telemetryPrefix()} to {@code out} without building it; the bag follows. */
    public StringBuilder appendTelemetryPrefix(StringBuilder out) {
      if (out == null) {
        throw new IllegalArgumentException("out must not be null");
      }
      return out.append(messagesPrefix).append(EVENTS).append('/');
    }

    /** Returns the telemetry topic carrying {@code bag}, which may be empty. */
    public String telemetry(String bag) {
      if (bag == null) {
        throw new IllegalArgumentException("bag must not be null (use \"\" for no properties)");
      }
      return telemetryPrefix() + bag;
    }

    /** Returns the cloud-to-device subscription filter ({@code …/messages/devicebound/#}). */
    public String deviceboundFilter() {
      return messagesPrefix + DEVICEBOUND + "/#";
    }

    /**
     * Returns the still encoded property bag of a cloud-to-device topic of this identity: empty when
     * there is none, without the one {@code /} some senders append.
     *
     * @throws IllegalArgumentException if {@code topic} is not this identity's devicebound topic
     */
    public String deviceboundBag(String topic) {
      if (topic == null) {
        throw new IllegalArgumentException("topic must not be null");
      }
      int m = messagesPrefix.length();
      int prefix = m + DEVICEBOUND.length(); // up to "devicebound", without the '/'
      boolean devicebound = topic.startsWith(messagesPrefix) && topic.startsWith(DEVICEBOUND, m);
      if (devicebound && topic.length() == prefix) {
        return "";
      }
      if (!devicebound || topic.length() <= prefix || topic.charAt(prefix) != '/') {
        throw new IllegalArgumentException("'" + topic + "' is not a cloud-to-device topic of this "
            + "identity; expected it to start with '" + messagesPrefix + DEVICEBOUND + "/'");
      }
      return stripOneSlash(topic.substring(prefix + 1));
    }
  }
}
