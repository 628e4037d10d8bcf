// The grammar of the CONNECT user name a device sends to IoT Hub (protocol.md §3): format and parse.
package io.rxiothub.sas;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The MQTT CONNECT user name of a device or module:
 * <pre>
 * {host}/{deviceId}[/{moduleId}]/?api-version={v}[&amp;DeviceClientType={t}][&amp;model-id={m}]
 * </pre>
 * The query is a {@link PropertyBag}: values percent-encoded, keys written in this order; {@link #parse}
 * takes them in any order and ignores unknown keys. Host and ids are single levels without {@code /};
 * ids follow {@link IotHubIds}. The user name holds no secret.
 */
public final class ConnectUserName {

  private static final String API_VERSION = "api-version";
  private static final String CLIENT_TYPE = "DeviceClientType";
  private static final String MODEL_ID = "model-id";

  private final String hostName;
  private final String deviceId;
  private final @Nullable String moduleId;
  private final String apiVersion;
  private final @Nullable String deviceClientType;
  private final @Nullable String modelId;

  private ConnectUserName(Builder b) {
    this.hostName = b.hostName;
    this.deviceId = b.deviceId;
    this.moduleId = b.moduleId;
    this.apiVersion = b.apiVersion;
    this.deviceClientType = b.deviceClientType;
    this.modelId = b.modelId;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this user name's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.hostName = hostName;
    b.deviceId = deviceId;
    b.moduleId = moduleId;
    b.apiVersion = apiVersion;
    b.deviceClientType = deviceClientType;
    b.modelId = modelId;
    return b;
  }

  /**
   * Parses a user name.
   *
   * @throws IllegalArgumentException naming the part of {@code userName} that breaks the grammar above
   */
  public static ConnectUserName parse(String userName) {
    if (userName == null) {
      throw new IllegalArgumentException("userName must not be null");
    }
    int hostEnd = userName.indexOf('/');
    if (hostEnd < 0) {
      throw bad(userName, "has no '/' after the host name");
    }
    int deviceEnd = userName.indexOf('/', hostEnd + 1);
    if (deviceEnd < 0) {
      throw bad(userName, "has no '/?api-version=' after the device id");
    }
    Builder b = builder();
    try {
      b.hostName(userName.substring(0, hostEnd)).deviceId(userName.substring(hostEnd + 1, deviceEnd));
      int queryStart = deviceEnd + 1;
      int moduleEnd = userName.indexOf('/', queryStart);
      if (moduleEnd >= 0) {
        b.moduleId(userName.substring(queryStart, moduleEnd));
        queryStart = moduleEnd + 1;
      }
      if (!userName.startsWith("?", queryStart)) {
        throw new IllegalArgumentException("must continue with '?' after the "
            + (moduleEnd >= 0 ? "module" : "device") + " id and '/'");
      }
      Map<String, @Nullable String> query = PropertyBag.decode(userName.substring(queryStart));
      String version = query.get(API_VERSION);
      if (version == null) {
        throw new IllegalArgumentException("has no api-version value");
      }
      b.apiVersion(version).deviceClientType(query.get(CLIENT_TYPE)).modelId(query.get(MODEL_ID));
    } catch (IllegalArgumentException e) {
      throw bad(userName, e.getMessage());
    }
    return b.build();
  }

  /** Returns the hub host name. */
  public String hostName() {
    return hostName;
  }

  /** Returns the device id. */
  public String deviceId() {
    return deviceId;
  }

  /** Returns the module id, or null for a device. */
  public @Nullable String moduleId() {
    return moduleId;
  }

  /** Returns the api-version. */
  public String apiVersion() {
    return apiVersion;
  }

  /** Returns the DeviceClientType (product information), or null. */
  public @Nullable String deviceClientType() {
    return deviceClientType;
  }

  /** Returns the Plug and Play model id, or null. */
  public @Nullable String modelId() {
    return modelId;
  }

  /** Returns the user name as it goes into CONNECT. */
  public String format() {
    StringBuilder out = new StringBuilder(96).append(hostName).append('/').append(deviceId).append('/');
    if (moduleId != null) {
      out.append(moduleId).append('/');
    }
    int bagStart = out.append('?').length();
    Map<String, @Nullable String> query = new LinkedHashMap<>();
    query.put(API_VERSION, apiVersion);
    query.put(CLIENT_TYPE, deviceClientType);
    query.put(MODEL_ID, modelId);
    for (Map.Entry<String, @Nullable String> e : query.entrySet()) {
      PropertyBag.appendPair(out, bagStart, e.getKey(), e.getValue());
    }
    return out.toString();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof ConnectUserName)) {
      return false;
    }
    ConnectUserName other = (ConnectUserName) o;
    return hostName.equals(other.hostName) && deviceId.equals(other.deviceId)
        && Objects.equals(moduleId, other.moduleId) && apiVersion.equals(other.apiVersion)
        && Objects.equals(deviceClientType, other.deviceClientType)
        && Objects.equals(modelId, other.modelId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hostName, deviceId, moduleId, apiVersion, deviceClientType, modelId);
  }

  @Override
  public String toString() {
    return format();
  }

  private static IllegalArgumentException bad(String userName, @Nullable String rule) {
    String shown = userName.length() > 200 ? userName.substring(0, 200) + "…" : userName;
    return new IllegalArgumentException("CONNECT user name '" + shown + "' " + rule);
  }

  /** Builds a {@link ConnectUserName}; each setter rejects a bad value at once. */
  public static final class Builder {
    private @Nullable String hostName;
    private @Nullable String deviceId;
    private @Nullable String moduleId;
    private @Nullable String apiVersion;
    private @Nullable String deviceClientType;
    private @Nullable String modelId;

    private Builder() {}

    /**
     * Sets the hub host name (required).
     *
     * @throws IllegalArgumentException if it is null or empty, or holds {@code /} or {@code ?}
     */
    public Builder hostName(String hostName) {
      if (hostName == null || hostName.isEmpty() || hostName.indexOf('/') >= 0
          || hostName.indexOf('?') >= 0) {
        throw new IllegalArgumentException("host name must be non-empty and free of '/' and '?'");
      }
      this.hostName = hostName;
      return this;
    }

    /**
     * Sets the device id (required).
     *
     * @throws IllegalArgumentException if it breaks {@link IotHubIds}' rules
     */
    public Builder deviceId(String deviceId) {
      this.deviceId = IotHubIds.checkDeviceId(deviceId);
      return this;
    }

    /**
     * Sets the module id, or null for a device.
     *
     * @throws IllegalArgumentException if it breaks {@link IotHubIds}' rules
     */
    public Builder moduleId(@Nullable String moduleId) {
      this.moduleId = moduleId == null ? null : IotHubIds.checkModuleId(moduleId);
      return this;
    }

    /**
     * Sets the api-version (required).
     *
     * @throws IllegalArgumentException if it is null, empty or not valid Unicode
     */
    public Builder apiVersion(String apiVersion) {
      this.apiVersion = checkValue("api-version", apiVersion, false);
      return this;
    }

    /**
     * Sets the DeviceClientType, or null for none.
     *
     * @throws IllegalArgumentException if it is not valid Unicode
     */
    public Builder deviceClientType(@Nullable String deviceClientType) {
      this.deviceClientType = checkValue("DeviceClientType", deviceClientType, true);
      return this;
    }

    /**
     * Sets the Plug and Play model id, or null for none.
     *
     * @throws IllegalArgumentException if it is not valid Unicode
     */
    public Builder modelId(@Nullable String modelId) {
      this.modelId = checkValue("model-id", modelId, true);
      return this;
    }

    /**
     * Builds the user name.
     *
     * @throws IllegalStateException if the host name, device id or api-version is missing
     */
    public ConnectUserName build() {
      if (hostName == null || deviceId == null || apiVersion == null) {
        throw new IllegalStateException("a CONNECT user name needs a host name, a device id and an "
            + "api-version");
      }
      return new ConnectUserName(this);
    }

    private static @Nullable String checkValue(String field, @Nullable String value,
        boolean optional) {
      if (value == null ? !optional : value.isEmpty() && !optional) {
        throw new IllegalArgumentException(field + " must be a non-empty string");
      }
      if (value != null) {
        try {
          PercentEncoding.encode(value);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
      }
      return value;
    }
  }
}
