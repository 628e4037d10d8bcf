// The device-management operations (protocol.md §14.5) and their topic suffixes.
package io.rxiothub.watson;

import org.jspecify.annotations.Nullable;

/** The device-management operations of protocol.md §14.5, each with its topic suffix and direction. */
public enum DmOperation {
  /** Become managed (device to platform). */
  MANAGE("mgmt/manage", true),
  /** Stop being managed. */
  UNMANAGE("mgmt/unmanage", true),
  /** Update the location. */
  UPDATE_LOCATION("device/update/location", true),
  /** Add a diagnostic error code. */
  ADD_ERROR_CODE("add/diag/errorCodes", true),
  /** Clear the diagnostic error codes. */
  CLEAR_ERROR_CODES("clear/diag/errorCodes", true),
  /** Add a diagnostic log entry. */
  ADD_LOG("add/diag/log", true),
  /** Clear the diagnostic log. */
  CLEAR_LOGS("clear/diag/log", true),
  /** A device's response to a platform request. */
  RESPONSE_TO_PLATFORM("response", true),
  /** A device's notification of an observed attribute. */
  NOTIFY("notify", true),
  /** The platform's response to a device request. */
  RESPONSE("response", false),
  /** Reboot (platform to device). */
  REBOOT("mgmt/initiate/device/reboot", false),
  /** Factory reset. */
  FACTORY_RESET("mgmt/initiate/device/factory_reset", false),
  /** Start a firmware download. */
  FIRMWARE_DOWNLOAD("mgmt/initiate/firmware/download", false),
  /** Start a firmware update. */
  FIRMWARE_UPDATE("mgmt/initiate/firmware/update", false),
  /** Update device attributes. */
  DEVICE_UPDATE("device/update", false),
  /** Observe attributes. */
  OBSERVE("observe", false),
  /** Cancel an observation. */
  CANCEL("cancel", false);

  private final String suffix;
  private final boolean toPlatform;

  DmOperation(String suffix, boolean toPlatform) {
    this.suffix = suffix;
    this.toPlatform = toPlatform;
  }

  /** Returns the topic suffix, e.g. {@code mgmt/manage}. */
  public String suffix() {
    return suffix;
  }

  /** Returns whether the device (or gateway) sends it ({@code iotdevice-1}), else the platform ({@code iotdm-1}). */
  public boolean toPlatform() {
    return toPlatform;
  }

  /**
   * Returns the topic of this operation about device {@code typeId}/{@code deviceId} (a gateway's form).
   *
   * @throws IllegalArgumentException if an id breaks its rule
   */
  public WatsonTopic topic(String typeId, String deviceId) {
    return WatsonTopic.dm(toPlatform, typeId, deviceId, suffix);
  }

  /**
   * Returns the operation of a device-management topic, or null if the topic is not one or names an operation
   * this enum does not list.
   *
   * @throws IllegalArgumentException if {@code topic} is null
   */
  public static @Nullable DmOperation of(WatsonTopic topic) {
    if (topic == null) {
      throw new IllegalArgumentException("topic must not be null");
    }
    boolean to;
    switch (topic.kind()) {
      case DM_TO_PLATFORM:
      case OWN_DM_TO_PLATFORM:
        to = true;
        break;
      case DM_FROM_PLATFORM:
      case OWN_DM_FROM_PLATFORM:
        to = false;
        break;
      default:
        return null;
    }
    for (DmOperation op : values()) {
      if (op.toPlatform == to && op.suffix.equals(topic.name())) {
        return op;
      }
    }
    return null;
  }
}
