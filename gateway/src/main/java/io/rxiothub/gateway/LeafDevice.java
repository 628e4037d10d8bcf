// One leaf device the gateway accepts: its id and the secrets it may authenticate with.
package io.rxiothub.gateway;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A leaf device the gateway accepts downstream and represents upstream: its device id, its symmetric
 * key (the gateway verifies the leaf's SAS tokens with it and signs its own upstream tokens with it),
 * and optionally a local password for leaves that cannot sign tokens. {@link #toString()} never shows
 * a secret.
 */
public final class LeafDevice {

  private final String deviceId;
  private final String key;
  private final @Nullable String password;

  private LeafDevice(String deviceId, String key, @Nullable String password) {
    this.deviceId = deviceId;
    this.key = key;
    this.password = password;
  }

  /**
   * Returns a leaf with {@code deviceId} and its base64 symmetric {@code key}.
   *
   * @throws IllegalArgumentException if an argument is null or empty
   */
  public static LeafDevice of(String deviceId, String key) {
    return of(deviceId, key, null);
  }

  /**
   * Returns a leaf that may also connect with the local {@code password} (user name as IoT Hub's).
   *
   * @throws IllegalArgumentException if {@code deviceId} or {@code key} is null or empty, or
   *     {@code password} is empty
   */
  public static LeafDevice of(String deviceId, String key, @Nullable String password) {
    if (deviceId == null || deviceId.isEmpty()) {
      throw new IllegalArgumentException("deviceId must not be null or empty");
    }
    if (deviceId.indexOf('/') >= 0 || deviceId.indexOf('+') >= 0 || deviceId.indexOf('#') >= 0) {
      throw new IllegalArgumentException("deviceId must not contain '/', '+' or '#': " + deviceId);
    }
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("key must not be null or empty (the leaf's base64 symmetric key)");
    }
    if (password != null && password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty (leave it out instead)");
    }
    return new LeafDevice(deviceId, key, password);
  }

  /** Returns the device id. */
  public String deviceId() {
    return deviceId;
  }

  /** Returns the base64 symmetric key. */
  public String key() {
    return key;
  }

  /** Returns the local password, or null. */
  public @Nullable String password() {
    return password;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof LeafDevice)) {
      return false;
    }
    LeafDevice other = (LeafDevice) o;
    return deviceId.equals(other.deviceId) && key.equals(other.key) && Objects.equals(password, other.password);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deviceId, key, password);
  }

  @Override
  public String toString() {
    return "LeafDevice{" + deviceId + ", key=<redacted>" + (password != null ? ", password=<redacted>" : "") + "}";
  }
}
