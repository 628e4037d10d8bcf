// The key of an identity in the emulator: device id plus optional module id, and the names derived from it.
package io.rxiothub.emulator.internal;

import org.jspecify.annotations.Nullable;

/** A device ({@code moduleId == null}) or module identity. */
public record Identity(String deviceId, @Nullable String moduleId) {

  /** Parses an MQTT client id {@code deviceId} or {@code deviceId/moduleId}; null when malformed. */
  public static @Nullable Identity fromClientId(String clientId) {
    if (clientId == null || clientId.isEmpty()) {
      return null;
    }
    int slash = clientId.indexOf('/');
    if (slash < 0) {
      return new Identity(clientId, null);
    }
    String device = clientId.substring(0, slash);
    String module = clientId.substring(slash + 1);
    if (device.isEmpty() || module.isEmpty() || module.indexOf('/') >= 0) {
      return null;
    }
    return new Identity(device, module);
  }

  /** The MQTT client id. */
  public String clientId() {
    return moduleId == null ? deviceId : deviceId + "/" + moduleId;
  }

  /** The SAS resource URI {@code host/devices/id[/modules/mid]} (not encoded). */
  public String resourceUri(String host) {
    return host + "/devices/" + deviceId + (moduleId == null ? "" : "/modules/" + moduleId);
  }

  /** The telemetry topic prefix, ending in {@code /messages/events}. */
  public String eventsTopic() {
    return "devices/" + deviceId + (moduleId == null ? "" : "/modules/" + moduleId) + "/messages/events";
  }

  /** The devicebound topic prefix, ending in {@code /messages/devicebound}. */
  public String deviceboundTopic() {
    return "devices/" + deviceId + (moduleId == null ? "" : "/modules/" + moduleId) + "/messages/devicebound";
  }

  /** The IoT Edge module inputs filter {@code devices/d/modules/m/inputs/#} (protocol.md §17.4); null for a device. */
  public @Nullable String inputsFilter() {
    return moduleId == null ? null : "devices/" + deviceId + "/modules/" + moduleId + "/inputs/#";
  }

  @Override
  public String toString() {
    return clientId();
  }
}
