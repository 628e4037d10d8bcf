// The Azure IoT Hub topic strings for telemetry and cloud-to-device messages (protocol.md §4).
package io.rxiothub.device.internal;

import org.jspecify.annotations.Nullable;

/** Topic names and filters of one identity (device, or module when {@code moduleId} is set). */
public final class HubTopics {

  private final String identityPrefix;

  /** Creates the topics of {@code deviceId} (and {@code moduleId} for a module identity). */
  public HubTopics(String deviceId, @Nullable String moduleId) {
    this.identityPrefix =
        "devices/" + deviceId + (moduleId == null ? "" : "/modules/" + moduleId) + "/messages/";
  }

  /** Appends the telemetry topic without its bag: the bag follows. */
  void appendTelemetryPrefix(StringBuilder out) {
    out.append(identityPrefix).append("events/");
  }

  /** Returns the telemetry topic carrying {@code bag}, which may be empty. */
  public String telemetry(String bag) {
    return identityPrefix + "events/" + bag;
  }

  /** Returns the cloud-to-device subscription filter. */
  public String deviceboundFilter() {
    return identityPrefix + "devicebound/#";
  }

  /**
   * Returns the property bag of a cloud-to-device topic (empty when there is none).
   *
   * @throws IllegalArgumentException if {@code topic} is not this identity's devicebound topic
   */
  public String deviceboundBag(String topic) {
    String prefix = identityPrefix + "devicebound";
    if (topic.equals(prefix)) {
      return "";
    }
    if (!topic.startsWith(prefix + "/")) {
      throw new IllegalArgumentException("'" + topic + "' is not a cloud-to-device topic of this "
          + "identity; expected it to start with '" + prefix + "/'");
    }
    String bag = topic.substring(prefix.length() + 1);
    // Some senders append '/' after the bag, as the Java SDK does for module telemetry.
    return bag.endsWith("/") ? bag.substring(0, bag.length() - 1) : bag;
  }
}
