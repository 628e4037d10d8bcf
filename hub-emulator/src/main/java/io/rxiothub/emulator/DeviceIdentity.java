// A device or module identity in the emulator's registry, with its keys and connection string.
package io.rxiothub.emulator;

import io.rxiothub.sas.ConnectionString;
import io.rxiothub.sas.IotHubIds;
import java.util.Base64;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A registered identity: a device ({@link #moduleId()} is null) or a module of a device. Immutable; the keys
 * are secrets and never appear in {@link #toString()}.
 */
public final class DeviceIdentity {

  private final String hostName;
  private final String deviceId;
  private final @Nullable String moduleId;
  private final String primaryKey;
  private final String secondaryKey;
  private final boolean enabled;

  private DeviceIdentity(Builder b) {
    this.hostName = Objects.requireNonNull(b.hostName);
    this.deviceId = Objects.requireNonNull(b.deviceId);
    this.moduleId = b.moduleId;
    this.primaryKey = Objects.requireNonNull(b.primaryKey);
    this.secondaryKey = Objects.requireNonNull(b.secondaryKey);
    this.enabled = b.enabled;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this identity's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.hostName = hostName;
    b.deviceId = deviceId;
    b.moduleId = moduleId;
    b.primaryKey = primaryKey;
    b.secondaryKey = secondaryKey;
    b.enabled = enabled;
    return b;
  }

  /** The hub host name the connection strings carry. */
  public String hostName() {
    return hostName;
  }

  /** The device id. */
  public String deviceId() {
    return deviceId;
  }

  /** The module id, or null for a device identity. */
  public @Nullable String moduleId() {
    return moduleId;
  }

  /** Whether this is a module identity. */
  public boolean isModule() {
    return moduleId != null;
  }

  /** The MQTT client id: {@code deviceId} or {@code deviceId/moduleId}. */
  public String clientId() {
    return moduleId == null ? deviceId : deviceId + "/" + moduleId;
  }

  /** The primary symmetric key (base64; a secret). */
  public String primaryKey() {
    return primaryKey;
  }

  /** The secondary symmetric key (base64; a secret). */
  public String secondaryKey() {
    return secondaryKey;
  }

  /** Whether the identity may connect (a disabled one is refused with CONNACK 3). */
  public boolean enabled() {
    return enabled;
  }

  /** The connection string with the primary key: {@code HostName=…;DeviceId=…[;ModuleId=…];SharedAccessKey=…}. */
  public String connectionString() {
    return connectionString(primaryKey);
  }

  /** The connection string with the secondary key. */
  public String secondaryConnectionString() {
    return connectionString(secondaryKey);
  }

  private String connectionString(String key) {
    ConnectionString.Builder b =
        ConnectionString.builder().hostName(hostName).deviceId(deviceId).sharedAccessKey(key);
    if (moduleId != null) {
      b.moduleId(moduleId);
    }
    return b.build().format();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DeviceIdentity)) {
      return false;
    }
    DeviceIdentity that = (DeviceIdentity) o;
    return enabled == that.enabled
        && hostName.equals(that.hostName)
        && deviceId.equals(that.deviceId)
        && Objects.equals(moduleId, that.moduleId)
        && primaryKey.equals(that.primaryKey)
        && secondaryKey.equals(that.secondaryKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hostName, deviceId, moduleId, primaryKey, secondaryKey, enabled);
  }

  @Override
  public String toString() {
    return "DeviceIdentity{hostName=" + hostName + ", deviceId=" + deviceId
        + (moduleId == null ? "" : ", moduleId=" + moduleId) + ", enabled=" + enabled + ", keys=<redacted>}";
  }

  /** Builds a {@link DeviceIdentity}; setters reject bad values at once. */
  public static final class Builder {
    private @Nullable String hostName;
    private @Nullable String deviceId;
    private @Nullable String moduleId;
    private @Nullable String primaryKey;
    private @Nullable String secondaryKey;
    private boolean enabled = true;

    private Builder() {}

    /** Sets the hub host name (required). */
    public Builder hostName(String hostName) {
      if (hostName == null || hostName.isEmpty()) {
        throw new IllegalArgumentException("hostName must not be empty");
      }
      this.hostName = hostName;
      return this;
    }

    /** Sets the device id (required; IoT Hub id rules). */
    public Builder deviceId(String deviceId) {
      this.deviceId = IotHubIds.checkDeviceId(deviceId);
      return this;
    }

    /** Sets the module id (null for a device). */
    public Builder moduleId(@Nullable String moduleId) {
      this.moduleId = moduleId == null ? null : IotHubIds.checkModuleId(moduleId);
      return this;
    }

    /** Sets the primary key (base64 of at least 16 bytes). */
    public Builder primaryKey(String primaryKey) {
      this.primaryKey = checkKey("primaryKey", primaryKey);
      return this;
    }

    /** Sets the secondary key (base64 of at least 16 bytes). */
    public Builder secondaryKey(String secondaryKey) {
      this.secondaryKey = checkKey("secondaryKey", secondaryKey);
      return this;
    }

    /** Sets whether the identity may connect (default true). */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Builds the identity.
     *
     * @throws IllegalStateException if host name, device id or a key is missing
     */
    public DeviceIdentity build() {
      if (hostName == null || deviceId == null || primaryKey == null || secondaryKey == null) {
        throw new IllegalStateException("DeviceIdentity needs hostName, deviceId, primaryKey and secondaryKey");
      }
      return new DeviceIdentity(this);
    }

    private static String checkKey(String field, String key) {
      if (key == null) {
        throw new IllegalArgumentException(field + " must not be null");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(key);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + " must be base64 text", e);
      }
      if (bytes.length < 16 || bytes.length > 64) {
        throw new IllegalArgumentException(field + " must decode to 16..64 bytes, got " + bytes.length);
      }
      return key;
    }
  }
}
