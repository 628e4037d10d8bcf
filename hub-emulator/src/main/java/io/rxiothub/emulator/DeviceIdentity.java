// A device or module identity in the emulator's registry, with its keys and connection string.
package io.rxiothub.emulator;

import io.rxiothub.emulator.internal.X509Check;
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
  private final AuthenticationType authenticationType;
  private final @Nullable String primaryThumbprint;
  private final @Nullable String secondaryThumbprint;

  private DeviceIdentity(Builder b) {
    this.hostName = Objects.requireNonNull(b.hostName);
    this.deviceId = Objects.requireNonNull(b.deviceId);
    this.moduleId = b.moduleId;
    this.primaryKey = Objects.requireNonNull(b.primaryKey);
    this.secondaryKey = Objects.requireNonNull(b.secondaryKey);
    this.enabled = b.enabled;
    this.authenticationType = b.authenticationType;
    this.primaryThumbprint = b.primaryThumbprint;
    this.secondaryThumbprint = b.secondaryThumbprint;
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
    b.authenticationType = authenticationType;
    b.primaryThumbprint = primaryThumbprint;
    b.secondaryThumbprint = secondaryThumbprint;
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

  /**
   * How the identity authenticates (default {@link AuthenticationType#SAS}). An X.509 identity still has keys in
   * the registry, but the hub refuses SAS tokens for it.
   */
  public AuthenticationType authenticationType() {
    return authenticationType;
  }

  /** The primary X.509 thumbprint (upper-case hex, SHA-1 or SHA-256) of a self-signed identity, else null. */
  public @Nullable String primaryThumbprint() {
    return primaryThumbprint;
  }

  /** The secondary X.509 thumbprint of a self-signed identity, else null. */
  public @Nullable String secondaryThumbprint() {
    return secondaryThumbprint;
  }

  /**
   * The connection string with the primary key: {@code HostName=…;DeviceId=…[;ModuleId=…];SharedAccessKey=…}, or
   * {@code HostName=…;DeviceId=…[;ModuleId=…];x509=true} for an X.509 identity.
   */
  public String connectionString() {
    return connectionString(primaryKey);
  }

  /** The connection string with the secondary key. */
  public String secondaryConnectionString() {
    return connectionString(secondaryKey);
  }

  private String connectionString(String key) {
    if (authenticationType != AuthenticationType.SAS) {
      return "HostName=" + hostName + ";DeviceId=" + deviceId + (moduleId == null ? "" : ";ModuleId=" + moduleId)
          + ";x509=true";
    }
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
        && secondaryKey.equals(that.secondaryKey)
        && authenticationType == that.authenticationType
        && Objects.equals(primaryThumbprint, that.primaryThumbprint)
        && Objects.equals(secondaryThumbprint, that.secondaryThumbprint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hostName, deviceId, moduleId, primaryKey, secondaryKey, enabled, authenticationType,
        primaryThumbprint, secondaryThumbprint);
  }

  @Override
  public String toString() {
    return "DeviceIdentity{hostName=" + hostName + ", deviceId=" + deviceId
        + (moduleId == null ? "" : ", moduleId=" + moduleId) + ", enabled=" + enabled
        + (authenticationType == AuthenticationType.SAS ? "" : ", authentication=" + authenticationType.wireName()
            + (primaryThumbprint == null ? "" : ", primaryThumbprint=" + primaryThumbprint))
        + ", keys=<redacted>}";
  }

  /** Builds a {@link DeviceIdentity}; setters reject bad values at once. */
  public static final class Builder {
    private @Nullable String hostName;
    private @Nullable String deviceId;
    private @Nullable String moduleId;
    private @Nullable String primaryKey;
    private @Nullable String secondaryKey;
    private boolean enabled = true;
    private AuthenticationType authenticationType = AuthenticationType.SAS;
    private @Nullable String primaryThumbprint;
    private @Nullable String secondaryThumbprint;

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

    /** Sets how the identity authenticates (default {@link AuthenticationType#SAS}). */
    public Builder authenticationType(AuthenticationType type) {
      if (type == null) {
        throw new IllegalArgumentException("type must not be null");
      }
      this.authenticationType = type;
      return this;
    }

    /**
     * Sets the X.509 thumbprints of a {@link AuthenticationType#SELF_SIGNED} identity: SHA-1 (40 hex digits) or
     * SHA-256 (64) of the DER certificate, ':' or ' ' separators allowed; the secondary may be null.
     */
    public Builder thumbprints(String primary, @Nullable String secondary) {
      this.primaryThumbprint = normaliseThumbprint("primaryThumbprint", primary);
      this.secondaryThumbprint = secondary == null ? null : normaliseThumbprint("secondaryThumbprint", secondary);
      return this;
    }

    /**
     * Builds the identity.
     *
     * @throws IllegalStateException if host name, device id or a key is missing, or a self-signed identity has no
     *     thumbprint, or another has one
     */
    public DeviceIdentity build() {
      if (hostName == null || deviceId == null || primaryKey == null || secondaryKey == null) {
        throw new IllegalStateException("DeviceIdentity needs hostName, deviceId, primaryKey and secondaryKey");
      }
      if ((authenticationType == AuthenticationType.SELF_SIGNED) != (primaryThumbprint != null)) {
        throw new IllegalStateException("a selfSigned identity needs thumbprints, and only a selfSigned one has"
            + " them (authentication " + authenticationType.wireName() + ")");
      }
      return new DeviceIdentity(this);
    }

    private static String normaliseThumbprint(String field, String thumbprint) {
      return X509Check.normaliseThumbprint(field, thumbprint);
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
