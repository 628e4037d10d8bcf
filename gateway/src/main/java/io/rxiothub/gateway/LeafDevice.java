// One leaf the gateway accepts, a device or a module identity: its ids and the secrets it may authenticate with.
package io.rxiothub.gateway;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A leaf the gateway accepts downstream and represents upstream: its device id (and module id for a module
 * identity, which connects as {@code {device}/{module}} and is carried by an upstream module client), its symmetric
 * key (the gateway verifies the leaf's SAS tokens with it and signs its own upstream tokens with it),
 * and optionally a local password for leaves that cannot sign tokens. {@link #toString()} never shows
 * a secret.
 */
public final class LeafDevice {

  private final String deviceId;
  private final @Nullable String moduleId;
  private final String key;
  private final @Nullable String password;

  private LeafDevice(String deviceId, @Nullable String moduleId, String key, @Nullable String password) {
    this.deviceId = deviceId;
    this.moduleId = moduleId;
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
    return create(deviceId, null, key, password);
  }

  /**
   * Returns a module identity {@code deviceId/moduleId} with the module's base64 symmetric {@code key} and an
   * optional local {@code password}.
   *
   * @throws IllegalArgumentException if an id or {@code key} is null or empty, an id holds '/', '+' or '#', or
   *     {@code password} is empty
   */
  public static LeafDevice module(String deviceId, String moduleId, String key, @Nullable String password) {
    if (moduleId == null || moduleId.isEmpty()) {
      throw new IllegalArgumentException("moduleId must not be null or empty");
    }
    return create(deviceId, moduleId, key, password);
  }

  private static LeafDevice create(String deviceId, @Nullable String moduleId, String key,
      @Nullable String password) {
    id("deviceId", deviceId);
    if (moduleId != null) {
      id("moduleId", moduleId);
    }
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("key must not be null or empty (the leaf's base64 symmetric key)");
    }
    if (password != null && password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty (leave it out instead)");
    }
    return new LeafDevice(deviceId, moduleId, key, password);
  }

  private static void id(String name, String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be null or empty");
    }
    if (id.indexOf('/') >= 0 || id.indexOf('+') >= 0 || id.indexOf('#') >= 0) {
      throw new IllegalArgumentException(name + " must not contain '/', '+' or '#': " + id);
    }
  }

  /** Returns the device id. */
  public String deviceId() {
    return deviceId;
  }

  /** Returns the module id, or null for a device identity. */
  public @Nullable String moduleId() {
    return moduleId;
  }

  /** Returns the MQTT client id the leaf connects with: {@code {device}} or {@code {device}/{module}}. */
  public String clientId() {
    return moduleId == null ? deviceId : deviceId + "/" + moduleId;
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
    return deviceId.equals(other.deviceId) && Objects.equals(moduleId, other.moduleId) && key.equals(other.key)
        && Objects.equals(password, other.password);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deviceId, moduleId, key, password);
  }

  @Override
  public String toString() {
    return "LeafDevice{" + clientId() + ", key=<redacted>" + (password != null ? ", password=<redacted>" : "") + "}";
  }
}
