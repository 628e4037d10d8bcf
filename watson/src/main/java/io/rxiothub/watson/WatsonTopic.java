// The topics of the Watson IoT dialect (protocol.md §14.2, §14.5): build, parse, filters with '+'.
package io.rxiothub.watson;

import org.jspecify.annotations.Nullable;

/**
 * A Watson IoT topic or topic filter (protocol.md §14.2 and §14.5). Parse with {@link #parse} (a topic: no
 * wildcard) or {@link #parseFilter} (a subscription: {@code +} where the dialect allows it, never {@code #});
 * build with the factories; {@link #toString()} is the wire form. Immutable.
 */
public final class WatsonTopic {

  /** The topic forms. */
  public enum Kind {
    /** {@code iot-2/type/{t}/id/{d}/evt/{e}/fmt/{f}}: an event of device {@code d}. */
    EVENT,
    /** {@code iot-2/type/{t}/id/{d}/cmd/{c}/fmt/{f}}: a command to device {@code d}. */
    COMMAND,
    /** {@code iot-2/evt/{e}/fmt/{f}}: an event a device publishes for itself. */
    OWN_EVENT,
    /** {@code iot-2/cmd/{c}/fmt/{f}}: a command a device receives for itself. */
    OWN_COMMAND,
    /** {@code iot-2/type/{t}/id/{d}/notify}: a gateway's error notifications. */
    NOTIFY,
    /** {@code iot-2/type/{t}/id/{d}/mon}: a device's status, for applications. */
    DEVICE_STATUS,
    /** {@code iot-2/app/{a}/mon}: an application's status, for applications. */
    APP_STATUS,
    /** {@code iotdevice-1/type/{t}/id/{d}/{operation}}: device management, device (or gateway) to platform. */
    DM_TO_PLATFORM,
    /** {@code iotdm-1/type/{t}/id/{d}/{operation}}: device management, platform to device (or gateway). */
    DM_FROM_PLATFORM,
    /** {@code iotdevice-1/{operation}}: device management, a device for itself to the platform. */
    OWN_DM_TO_PLATFORM,
    /** {@code iotdm-1/{operation}}: device management, platform to a device for itself. */
    OWN_DM_FROM_PLATFORM
  }

  private final Kind kind;
  private final String typeId;
  private final String deviceId;
  private final String name;
  private final String format;

  private WatsonTopic(Kind kind, String typeId, String deviceId, String name, String format) {
    this.kind = kind;
    this.typeId = typeId;
    this.deviceId = deviceId;
    this.name = name;
    this.format = format;
  }

  /**
   * Returns the event topic of device {@code typeId}/{@code deviceId}.
   *
   * @throws IllegalArgumentException if an id breaks its rule
   */
  public static WatsonTopic event(String typeId, String deviceId, String eventId, String format) {
    return new WatsonTopic(Kind.EVENT, WatsonIds.requireId("typeId", typeId), WatsonIds.requireId("deviceId", deviceId),
        WatsonIds.requireId("eventId", eventId), WatsonIds.requireId("format", format));
  }

  /**
   * Returns the command topic of device {@code typeId}/{@code deviceId}.
   *
   * @throws IllegalArgumentException if an id breaks its rule
   */
  public static WatsonTopic command(String typeId, String deviceId, String commandId, String format) {
    return new WatsonTopic(Kind.COMMAND, WatsonIds.requireId("typeId", typeId),
        WatsonIds.requireId("deviceId", deviceId), WatsonIds.requireId("commandId", commandId),
        WatsonIds.requireId("format", format));
  }

  /**
   * Returns a command filter; each argument is an id or {@code "+"}.
   *
   * @throws IllegalArgumentException if an argument is neither a valid id nor {@code "+"}
   */
  public static WatsonTopic commandFilter(String typeId, String deviceId, String commandId, String format) {
    return new WatsonTopic(Kind.COMMAND, WatsonIds.requireIdOrWildcard("typeId", typeId),
        WatsonIds.requireIdOrWildcard("deviceId", deviceId), WatsonIds.requireIdOrWildcard("commandId", commandId),
        WatsonIds.requireIdOrWildcard("format", format));
  }

  /**
   * Returns an event filter (for applications); each argument is an id or {@code "+"}.
   *
   * @throws IllegalArgumentException if an argument is neither a valid id nor {@code "+"}
   */
  public static WatsonTopic eventFilter(String typeId, String deviceId, String eventId, String format) {
    return new WatsonTopic(Kind.EVENT, WatsonIds.requireIdOrWildcard("typeId", typeId),
        WatsonIds.requireIdOrWildcard("deviceId", deviceId), WatsonIds.requireIdOrWildcard("eventId", eventId),
        WatsonIds.requireIdOrWildcard("format", format));
  }

  /**
   * Returns a gateway's notification topic.
   *
   * @throws IllegalArgumentException if an id breaks its rule
   */
  public static WatsonTopic notify(String typeId, String deviceId) {
    return new WatsonTopic(Kind.NOTIFY, WatsonIds.requireId("typeId", typeId), WatsonIds.requireId("deviceId", deviceId),
        "", "");
  }

  /**
   * Returns a device-management topic about device {@code typeId}/{@code deviceId}: {@code toPlatform} for
   * {@code iotdevice-1/…}, else {@code iotdm-1/…}; {@code operation} is one or more levels such as
   * {@code mgmt/manage} or {@code response}.
   *
   * @throws IllegalArgumentException if an id or a level of {@code operation} breaks its rule
   */
  public static WatsonTopic dm(boolean toPlatform, String typeId, String deviceId, String operation) {
    return new WatsonTopic(toPlatform ? Kind.DM_TO_PLATFORM : Kind.DM_FROM_PLATFORM,
        WatsonIds.requireId("typeId", typeId), WatsonIds.requireId("deviceId", deviceId),
        requireOperation(operation, false), "");
  }

  /**
   * Parses a topic (no wildcard). S001's trailing {@code /} after a device-management topic is accepted and
   * dropped.
   *
   * @throws IllegalArgumentException if {@code topic} is missing, has no Watson form, holds a wildcard or an id
   *     that breaks its rule; the message names the level
   */
  public static WatsonTopic parse(String topic) {
    return parse(topic, false);
  }

  /**
   * Parses a subscription filter: {@code +} is allowed for the type, device, event or command and format levels of
   * event and command filters, the command and format levels of {@code iot-2/cmd/…}, the type and device of
   * {@code notify} and {@code mon}, the application of {@code iot-2/app/+/mon}, and every level after the prefix
   * of device-management filters; {@code #} nowhere.
   *
   * @throws IllegalArgumentException if {@code filter} is missing or breaks these rules
   */
  public static WatsonTopic parseFilter(String filter) {
    return parse(filter, true);
  }

  private static WatsonTopic parse(@Nullable String topic, boolean filter) {
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException("topic is missing");
    }
    if (topic.indexOf('#') >= 0) {
      throw new IllegalArgumentException("topic '" + WatsonIds.shorten(topic) + "' must not hold '#'");
    }
    String[] l = topic.split("/", -1);
    if ("iot-2".equals(l[0])) {
      if (l.length == 5 && ("evt".equals(l[1]) || "cmd".equals(l[1])) && "fmt".equals(l[3])) {
        boolean cmd = "cmd".equals(l[1]);
        String name = cmd ? level("commandId", l[2], filter) : level("eventId", l[2], false);
        String format = cmd ? level("format", l[4], filter) : level("format", l[4], false);
        return new WatsonTopic(cmd ? Kind.OWN_COMMAND : Kind.OWN_EVENT, "", "", name, format);
      }
      if (l.length == 4 && "app".equals(l[1]) && "mon".equals(l[3])) {
        return new WatsonTopic(Kind.APP_STATUS, "", "", level("appId", l[2], filter), "");
      }
      if (l.length >= 5 && "type".equals(l[1]) && "id".equals(l[3])) {
        String type = level("typeId", l[2], filter);
        String device = level("deviceId", l[4], filter);
        if (l.length == 9 && ("evt".equals(l[5]) || "cmd".equals(l[5])) && "fmt".equals(l[7])) {
          boolean cmd = "cmd".equals(l[5]);
          return new WatsonTopic(cmd ? Kind.COMMAND : Kind.EVENT, type, device,
              level(cmd ? "commandId" : "eventId", l[6], filter), level("format", l[8], filter));
        }
        if (l.length == 6 && "notify".equals(l[5])) {
          return new WatsonTopic(Kind.NOTIFY, type, device, "", "");
        }
        if (l.length == 6 && "mon".equals(l[5])) {
          return new WatsonTopic(Kind.DEVICE_STATUS, type, device, "", "");
        }
      }
      throw new IllegalArgumentException("topic '" + WatsonIds.shorten(topic)
          + "' matches no iot-2 form (iot-2/type/{typeId}/id/{deviceId}/evt|cmd/{id}/fmt/{format}, .../notify,"
          + " .../mon, iot-2/evt|cmd/{id}/fmt/{format}, iot-2/app/{appId}/mon)");
    }
    if ("iotdevice-1".equals(l[0]) || "iotdm-1".equals(l[0])) {
      boolean toPlatform = "iotdevice-1".equals(l[0]);
      if (l.length >= 6 && "type".equals(l[1]) && "id".equals(l[3])) {
        String type = level("typeId", l[2], filter);
        String device = level("deviceId", l[4], filter);
        String operation = topic.substring(l[0].length() + l[1].length() + l[2].length() + l[3].length()
            + l[4].length() + 5);
        return new WatsonTopic(toPlatform ? Kind.DM_TO_PLATFORM : Kind.DM_FROM_PLATFORM, type, device,
            requireOperation(operation, filter), "");
      }
      if (l.length >= 2 && !"type".equals(l[1])) {
        return new WatsonTopic(toPlatform ? Kind.OWN_DM_TO_PLATFORM : Kind.OWN_DM_FROM_PLATFORM, "", "",
            requireOperation(topic.substring(l[0].length() + 1), filter), "");
      }
      throw new IllegalArgumentException("device-management topic '" + WatsonIds.shorten(topic)
          + "' must be " + l[0] + "/type/{typeId}/id/{deviceId}/{operation} or " + l[0] + "/{operation}");
    }
    throw new IllegalArgumentException("topic '" + WatsonIds.shorten(topic)
        + "' must start with iot-2/, iotdevice-1/ or iotdm-1/");
  }

  private static String level(String field, String value, boolean filter) {
    if (filter && "+".equals(value)) {
      return value;
    }
    if (value.indexOf('+') >= 0) {
      throw new IllegalArgumentException(field + " must not be a wildcard here");
    }
    return WatsonIds.requireId(field, value);
  }

  private static String requireOperation(String operation, boolean filter) {
    if (operation == null) {
      throw new IllegalArgumentException("operation must not be null");
    }
    String op = operation.endsWith("/") ? operation.substring(0, operation.length() - 1) : operation;
    if (op.isEmpty()) {
      throw new IllegalArgumentException("device-management operation is missing (e.g. mgmt/manage, response)");
    }
    for (String part : op.split("/", -1)) {
      level("operation level", part, filter);
    }
    return op;
  }

  /** Returns the form of this topic. */
  public Kind kind() {
    return kind;
  }

  /** Returns the device type id (or {@code +}); null for forms without one. */
  public @Nullable String typeId() {
    return typeId.isEmpty() ? null : typeId;
  }

  /** Returns the device id (or {@code +}); null for forms without one. */
  public @Nullable String deviceId() {
    return deviceId.isEmpty() ? null : deviceId;
  }

  /**
   * Returns the event id, command id, application id ({@code iot-2/app/…}) or device-management operation (such as
   * {@code mgmt/manage}); null for {@code notify} and device status.
   */
  public @Nullable String name() {
    return name.isEmpty() ? null : name;
  }

  /** Returns the format of an event or command (or {@code +}); null for other forms. */
  public @Nullable String format() {
    return format.isEmpty() ? null : format;
  }

  /** Returns whether this is a filter holding at least one {@code +}. */
  public boolean isFilter() {
    return toString().indexOf('+') >= 0;
  }

  /**
   * Returns whether {@code topic} (a topic name) matches this filter by MQTT's rules.
   *
   * @throws IllegalArgumentException if {@code topic} is null
   */
  public boolean matches(String topic) {
    if (topic == null) {
      throw new IllegalArgumentException("topic must not be null");
    }
    String[] f = toString().split("/", -1);
    String[] t = topic.split("/", -1);
    if (f.length != t.length) {
      return false;
    }
    for (int i = 0; i < f.length; i++) {
      if (!"+".equals(f[i]) && !f[i].equals(t[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WatsonTopic)) {
      return false;
    }
    WatsonTopic other = (WatsonTopic) o;
    return kind == other.kind && typeId.equals(other.typeId) && deviceId.equals(other.deviceId)
        && name.equals(other.name) && format.equals(other.format);
  }

  @Override
  public int hashCode() {
    int h = kind.hashCode();
    h = 31 * h + typeId.hashCode();
    h = 31 * h + deviceId.hashCode();
    h = 31 * h + name.hashCode();
    return 31 * h + format.hashCode();
  }

  /** Returns the wire form. */
  @Override
  public String toString() {
    switch (kind) {
      case EVENT:
        return "iot-2/type/" + typeId + "/id/" + deviceId + "/evt/" + name + "/fmt/" + format;
      case COMMAND:
        return "iot-2/type/" + typeId + "/id/" + deviceId + "/cmd/" + name + "/fmt/" + format;
      case OWN_EVENT:
        return "iot-2/evt/" + name + "/fmt/" + format;
      case OWN_COMMAND:
        return "iot-2/cmd/" + name + "/fmt/" + format;
      case NOTIFY:
        return "iot-2/type/" + typeId + "/id/" + deviceId + "/notify";
      case DEVICE_STATUS:
        return "iot-2/type/" + typeId + "/id/" + deviceId + "/mon";
      case APP_STATUS:
        return "iot-2/app/" + name + "/mon";
      case DM_TO_PLATFORM:
        return "iotdevice-1/type/" + typeId + "/id/" + deviceId + "/" + name;
      case DM_FROM_PLATFORM:
        return "iotdm-1/type/" + typeId + "/id/" + deviceId + "/" + name;
      case OWN_DM_TO_PLATFORM:
        return "iotdevice-1/" + name;
      case OWN_DM_FROM_PLATFORM:
        return "iotdm-1/" + name;
      default:
        throw new IllegalStateException("unknown kind " + kind);
    }
  }
}
