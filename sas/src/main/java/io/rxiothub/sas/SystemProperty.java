// The system properties of telemetry and cloud-to-device bags, listed once (protocol.md §5).
package io.rxiothub.sas;

import org.jspecify.annotations.Nullable;

/**
 * The system properties a device and the hub exchange in property bags (protocol.md §5). The
 * device-to-cloud ones are declared in the order a device sends them. Every other key that starts with
 * {@code $.} or {@code iothub-} is reserved for the hub: an application property never uses it.
 */
public enum SystemProperty {
  /** {@code $.mid}: message-id. */
  MESSAGE_ID("$.mid", true, true),
  /** {@code $.cid}: correlation-id. */
  CORRELATION_ID("$.cid", true, true),
  /** {@code $.uid}: user-id. */
  USER_ID("$.uid", true, true),
  /** {@code $.ct}: content-type. */
  CONTENT_TYPE("$.ct", true, true),
  /** {@code $.ce}: content-encoding. */
  CONTENT_ENCODING("$.ce", true, true),
  /** {@code $.ctime}: creation time, ISO 8601 UTC. */
  CREATION_TIME("$.ctime", true, false),
  /** {@code $.on}: output name of a module (IoT Edge routing). */
  OUTPUT_NAME("$.on", true, false),
  /** {@code $.sub}: dt-subject, the Plug and Play component. */
  COMPONENT_NAME("$.sub", true, false),
  /** {@code $.cdid}: the connection's device id. */
  CONNECTION_DEVICE_ID("$.cdid", true, false),
  /** {@code $.cmid}: the connection's module id. */
  CONNECTION_MODULE_ID("$.cmid", true, false),
  /** {@code $.ifid}: security interface id (the Java SDK's security messages). */
  INTERFACE_ID("$.ifid", true, false),
  /** {@code $.exp}: absolute expiry time. */
  EXPIRY_TIME("$.exp", false, true),
  /** {@code $.to}: the destination, {@code /devices/{deviceId}/messages/devicebound}. */
  TO("$.to", false, true),
  /** {@code iothub-ack}: the feedback the back end asked for. */
  ACK("iothub-ack", false, true);

  private static final SystemProperty[] ALL = values();

  private final String key;
  private final boolean deviceToCloud;
  private final boolean cloudToDevice;

  SystemProperty(String key, boolean deviceToCloud, boolean cloudToDevice) {
    this.key = key;
    this.deviceToCloud = deviceToCloud;
    this.cloudToDevice = cloudToDevice;
  }

  /** Returns the key in a bag, decoded ({@code $.mid}; the wire may carry {@code %24.mid}). */
  public String key() {
    return key;
  }

  /** Returns whether a device sends it with telemetry. */
  public boolean isDeviceToCloud() {
    return deviceToCloud;
  }

  /** Returns whether the hub sends it with a cloud-to-device message. */
  public boolean isCloudToDevice() {
    return cloudToDevice;
  }

  /** Returns the system property whose decoded key is {@code key}, or null. */
  public static @Nullable SystemProperty ofKey(String key) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    for (SystemProperty p : ALL) {
      if (p.key.equals(key)) {
        return p;
      }
    }
    return null;
  }

  /**
   * Returns whether {@code key} is reserved for system properties: it starts with {@code $.} or
   * {@code iothub-}.
   */
  public static boolean isReserved(String key) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    return key.startsWith("$.") || key.startsWith("iothub-");
  }
}
