// Device and module connection strings (protocol.md §1): parse, validate, build, format; secrets redacted.
package io.rxiothub.sas;

import io.rxiothub.sas.internal.Base64Codec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A device-side IoT Hub connection string such as
 * {@code HostName=contoso.azure-devices.net;DeviceId=dev1;SharedAccessKey=…}.
 *
 * <p>Keys are case-sensitive as in Azure; pairs may come in any order with white space around them.
 * {@code HostName} and {@code DeviceId} are required, and exactly one of {@code SharedAccessKey},
 * {@code SharedAccessSignature} and {@code x509=true}. {@link #toString()} redacts the key and the
 * signature; {@link #format()} does not, so treat its result as a secret.
 */
public final class ConnectionString {

  /** How a connection string authenticates its identity. */
  public enum Authentication {
    /** A symmetric key ({@code SharedAccessKey}) from which the client signs its own tokens. */
    SHARED_ACCESS_KEY,
    /** A ready-made token ({@code SharedAccessSignature}) that the client cannot renew. */
    SHARED_ACCESS_SIGNATURE,
    /** A TLS client certificate ({@code x509=true}); no password is sent. */
    X509
  }

  static final String HOST_NAME = "HostName";
  static final String DEVICE_ID = "DeviceId";
  static final String MODULE_ID = "ModuleId";
  static final String SHARED_ACCESS_KEY = "SharedAccessKey";
  static final String SHARED_ACCESS_KEY_NAME = "SharedAccessKeyName";
  static final String SHARED_ACCESS_SIGNATURE = "SharedAccessSignature";
  static final String GATEWAY_HOST_NAME = "GatewayHostName";
  static final String X509 = "x509";
  private static final List<String> FIELDS = Arrays.asList(HOST_NAME, DEVICE_ID, MODULE_ID,
      SHARED_ACCESS_KEY_NAME, SHARED_ACCESS_KEY, SHARED_ACCESS_SIGNATURE, X509, GATEWAY_HOST_NAME);
  private static final int MAX_HOST_LENGTH = 253;

  private final String hostName;
  private final String deviceId;
  private final @Nullable String moduleId;
  private final @Nullable String sharedAccessKey;
  private final @Nullable String sharedAccessKeyName;
  private final @Nullable SasToken sharedAccessSignature;
  private final @Nullable String gatewayHostName;
  private final boolean x509;

  private ConnectionString(Builder b) {
    // Many clients of one process name the same hub: one string for all of them (a client keeps its
    // connection string for life).
    this.hostName = b.hostName.intern();
    this.deviceId = b.deviceId;
    this.moduleId = b.moduleId;
    this.sharedAccessKey = b.sharedAccessKey;
    this.sharedAccessKeyName = b.sharedAccessKeyName;
    this.sharedAccessSignature = b.sharedAccessSignature;
    this.gatewayHostName = b.gatewayHostName;
    this.x509 = b.x509;
  }

  /**
   * Parses a connection string.
   *
   * @throws IllegalArgumentException naming the field and the rule it breaks; the message never holds
   *     a key or a signature
   */
  public static ConnectionString parse(String connectionString) {
    if (connectionString == null) {
      throw new IllegalArgumentException("connection string is missing");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    int index = 0;
    for (String pair : connectionString.split(";", -1)) {
      index++;
      String trimmed = pair.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("connection string part " + index
            + " has no '=': expected Key=Value pairs separated by ';'");
      }
      String key = trimmed.substring(0, eq).trim();
      String value = trimmed.substring(eq + 1).trim();
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException(unknownField(key));
      }
      if (fields.containsKey(key)) {
        throw new IllegalArgumentException("connection string has " + key + " more than once");
      }
      fields.put(key, value);
    }
    Builder b = new Builder();
    try {
      String host = require(fields, HOST_NAME);
      b.hostName(host).deviceId(require(fields, DEVICE_ID));
      if (fields.containsKey(MODULE_ID)) {
        b.moduleId(fields.get(MODULE_ID));
      }
      if (fields.containsKey(SHARED_ACCESS_KEY)) {
        b.sharedAccessKey(fields.get(SHARED_ACCESS_KEY));
      }
      if (fields.containsKey(SHARED_ACCESS_KEY_NAME)) {
        b.sharedAccessKeyName(fields.get(SHARED_ACCESS_KEY_NAME));
      }
      if (fields.containsKey(SHARED_ACCESS_SIGNATURE)) {
        String token = fields.get(SHARED_ACCESS_SIGNATURE);
        try {
          b.sharedAccessSignature(SasToken.parse(token));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(SHARED_ACCESS_SIGNATURE + ": " + e.getMessage(), e);
        }
      }
      if (fields.containsKey(X509)) {
        String value = fields.get(X509);
        if (!"true".equalsIgnoreCase(value)) {
          throw new IllegalArgumentException(
              "x509 accepts only 'true' (leave it out for key or token authentication)");
        }
        b.x509(true);
      }
      if (fields.containsKey(GATEWAY_HOST_NAME)) {
        b.gatewayHostName(fields.get(GATEWAY_HOST_NAME));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid connection string: " + e.getMessage(), e);
    }
    String conflict = b.conflict();
    if (conflict != null) {
      throw new IllegalArgumentException("invalid connection string: " + conflict);
    }
    return new ConnectionString(b);
  }

  /** Returns a builder for a connection string made from parts. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this connection string's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.hostName = hostName;
    b.deviceId = deviceId;
    b.moduleId = moduleId;
    b.sharedAccessKey = sharedAccessKey;
    b.sharedAccessKeyName = sharedAccessKeyName;
    b.sharedAccessSignature = sharedAccessSignature;
    b.gatewayHostName = gatewayHostName;
    b.x509 = x509;
    return b;
  }

  /** Returns the connection string text, fields in a fixed order; it contains any key or token: a secret. */
  public String format() {
    StringBuilder out = new StringBuilder(160);
    out.append(HOST_NAME).append('=').append(hostName);
    out.append(';').append(DEVICE_ID).append('=').append(deviceId);
    if (moduleId != null) {
      out.append(';').append(MODULE_ID).append('=').append(moduleId);
    }
    if (sharedAccessKeyName != null) {
      out.append(';').append(SHARED_ACCESS_KEY_NAME).append('=').append(sharedAccessKeyName);
    }
    if (sharedAccessKey != null) {
      out.append(';').append(SHARED_ACCESS_KEY).append('=').append(sharedAccessKey);
    }
    if (sharedAccessSignature != null) {
      out.append(';').append(SHARED_ACCESS_SIGNATURE).append('=').append(sharedAccessSignature.format());
    }
    if (x509) {
      out.append(';').append(X509).append("=true");
    }
    if (gatewayHostName != null) {
      out.append(';').append(GATEWAY_HOST_NAME).append('=').append(gatewayHostName);
    }
    return out.toString();
  }

  /** Returns the IoT Hub host name, for example {@code contoso.azure-devices.net}. */
  public String hostName() {
    return hostName;
  }

  /** Returns the device id. */
  public String deviceId() {
    return deviceId;
  }

  /** Returns the module id, or null for a device identity. */
  public @Nullable String moduleId() {
    return moduleId;
  }

  /** Returns whether this is a module identity. */
  public boolean isModule() {
    return moduleId != null;
  }

  /** Returns the shared access key as base64 text, or null: a secret. */
  public @Nullable String sharedAccessKey() {
    return sharedAccessKey;
  }

  /** Returns the shared access policy name, or null when the key is the identity's own. */
  public @Nullable String sharedAccessKeyName() {
    return sharedAccessKeyName;
  }

  /** Returns the ready-made token, or null. */
  public @Nullable SasToken sharedAccessSignature() {
    return sharedAccessSignature;
  }

  /** Returns the IoT Edge gateway to connect through, or null. */
  public @Nullable String gatewayHostName() {
    return gatewayHostName;
  }

  /** Returns whether the identity authenticates with an X.509 client certificate. */
  public boolean x509() {
    return x509;
  }

  /** Returns how this connection string authenticates. */
  public Authentication authentication() {
    if (sharedAccessKey != null) {
      return Authentication.SHARED_ACCESS_KEY;
    }
    return sharedAccessSignature != null ? Authentication.SHARED_ACCESS_SIGNATURE : Authentication.X509;
  }

  /** Returns the identity's resource URI, {@code {host}/devices/{deviceId}[/modules/{moduleId}]}, not encoded. */
  public String resourceUri() {
    String device = hostName + "/devices/" + deviceId;
    return moduleId == null ? device : device + "/modules/" + moduleId;
  }

  /**
   * Signs a new token for this identity that expires at {@code expiryEpochSeconds}.
   *
   * @throws IllegalStateException if this connection string holds no shared access key
   */
  public SasToken newSasToken(long expiryEpochSeconds) {
    if (sharedAccessKey == null) {
      throw new IllegalStateException("connection string has no SharedAccessKey to sign a token with ("
          + authentication() + " authentication)");
    }
    return SasToken.generate(resourceUri(), sharedAccessKey, expiryEpochSeconds, sharedAccessKeyName);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ConnectionString)) {
      return false;
    }
    ConnectionString that = (ConnectionString) o;
    return x509 == that.x509
        && hostName.equals(that.hostName)
        && deviceId.equals(that.deviceId)
        && eq(moduleId, that.moduleId)
        && eq(sharedAccessKey, that.sharedAccessKey)
        && eq(sharedAccessKeyName, that.sharedAccessKeyName)
        && eq(sharedAccessSignature, that.sharedAccessSignature)
        && eq(gatewayHostName, that.gatewayHostName);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {hostName, deviceId, moduleId, sharedAccessKey,
        sharedAccessKeyName, sharedAccessSignature, gatewayHostName, x509});
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("ConnectionString{");
    out.append(HOST_NAME).append('=').append(hostName).append(", ").append(DEVICE_ID).append('=').append(deviceId);
    if (moduleId != null) {
      out.append(", ").append(MODULE_ID).append('=').append(moduleId);
    }
    if (sharedAccessKeyName != null) {
      out.append(", ").append(SHARED_ACCESS_KEY_NAME).append('=').append(sharedAccessKeyName);
    }
    if (sharedAccessKey != null) {
      out.append(", ").append(SHARED_ACCESS_KEY).append("=<redacted>");
    }
    if (sharedAccessSignature != null) {
      out.append(", ").append(SHARED_ACCESS_SIGNATURE).append("=<redacted>");
    }
    if (x509) {
      out.append(", x509=true");
    }
    if (gatewayHostName != null) {
      out.append(", ").append(GATEWAY_HOST_NAME).append('=').append(gatewayHostName);
    }
    return out.append('}').toString();
  }

  private static boolean eq(@Nullable Object a, @Nullable Object b) {
    return a == null ? b == null : a.equals(b);
  }

  private static String require(Map<String, String> fields, String key) {
    String value = fields.get(key);
    if (value == null) {
      throw new IllegalArgumentException(key + " is missing");
    }
    return value;
  }

  private static String unknownField(String key) {
    for (String field : FIELDS) {
      if (field.equalsIgnoreCase(key)) {
        return "connection string key '" + key + "' has the wrong case: keys are case-sensitive, write '"
            + field + "'";
      }
    }
    // A mangled pair can turn part of a key into a "key" (a lost '=' or an extra ';'): show only
    // its length and first characters, never enough of a secret to matter.
    return "connection string has an unknown key " + SasToken.describeUnknownName(key)
        + "; device connection strings use " + FIELDS;
  }

  static String checkHost(String field, @Nullable String host) {
    if (host == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(field + " is empty");
    }
    if (host.length() > MAX_HOST_LENGTH) {
      throw new IllegalArgumentException(field + " is longer than " + MAX_HOST_LENGTH + " characters");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.';
      if (!ok) {
        throw new IllegalArgumentException(field + " must be a host name (letters, digits, '-' and '.'),"
            + " without scheme, port or path; found a disallowed character at index " + i);
      }
    }
    if (host.startsWith(".") || host.endsWith(".") || host.contains("..")) {
      throw new IllegalArgumentException(field + " must not start or end with '.' or contain '..'");
    }
    return host;
  }

  /** Builds a {@link ConnectionString} from parts; setters reject bad values at once. */
  public static final class Builder {
    private @Nullable String hostName;
    private @Nullable String deviceId;
    private @Nullable String moduleId;
    private @Nullable String sharedAccessKey;
    private @Nullable String sharedAccessKeyName;
    private @Nullable SasToken sharedAccessSignature;
    private @Nullable String gatewayHostName;
    private boolean x509;

    private Builder() {}

    /** Sets the hub host name. @throws IllegalArgumentException if it is not a host name */
    public Builder hostName(String hostName) {
      this.hostName = checkHost(HOST_NAME, hostName);
      return this;
    }

    /** Sets the device id. @throws IllegalArgumentException if it breaks the hub's id rules */
    public Builder deviceId(String deviceId) {
      this.deviceId = IotHubIds.checkDeviceId(deviceId);
      return this;
    }

    /** Sets the module id, or clears it with null. @throws IllegalArgumentException if it breaks the id rules */
    public Builder moduleId(@Nullable String moduleId) {
      this.moduleId = moduleId == null ? null : IotHubIds.checkModuleId(moduleId);
      return this;
    }

    /** Sets the base64 shared access key, or clears it with null. @throws IllegalArgumentException if not base64 */
    public Builder sharedAccessKey(@Nullable String sharedAccessKey) {
      if (sharedAccessKey != null) {
        byte[] key = sharedAccessKey.isEmpty() ? null : Base64Codec.decode(sharedAccessKey);
        if (key == null || key.length == 0) {
          throw new IllegalArgumentException(SHARED_ACCESS_KEY
              + " must be non-empty base64 text (RFC 4648, with '=' padding), as the portal shows it");
        }
      }
      this.sharedAccessKey = sharedAccessKey;
      return this;
    }

    /** Sets the shared access policy name, or clears it with null. */
    public Builder sharedAccessKeyName(@Nullable String sharedAccessKeyName) {
      if (sharedAccessKeyName != null) {
        if (sharedAccessKeyName.isEmpty()) {
          throw new IllegalArgumentException(SHARED_ACCESS_KEY_NAME + " is empty");
        }
        for (int i = 0; i < sharedAccessKeyName.length(); i++) {
          char c = sharedAccessKeyName.charAt(i);
          if (Character.isWhitespace(c) || Character.isISOControl(c) || c == ';') {
            throw new IllegalArgumentException(SHARED_ACCESS_KEY_NAME
                + " must not contain white space, control characters or ';'");
          }
        }
      }
      this.sharedAccessKeyName = sharedAccessKeyName;
      return this;
    }

    /** Sets a ready-made token, or clears it with null. */
    public Builder sharedAccessSignature(@Nullable SasToken sharedAccessSignature) {
      this.sharedAccessSignature = sharedAccessSignature;
      return this;
    }

    /** Sets the IoT Edge gateway host, or clears it with null. @throws IllegalArgumentException if not a host name */
    public Builder gatewayHostName(@Nullable String gatewayHostName) {
      this.gatewayHostName = gatewayHostName == null ? null : checkHost(GATEWAY_HOST_NAME, gatewayHostName);
      return this;
    }

    /** Sets whether the identity authenticates with an X.509 client certificate. */
    public Builder x509(boolean x509) {
      this.x509 = x509;
      return this;
    }

    /**
     * Returns the connection string.
     *
     * @throws IllegalStateException if a required part is missing or parts conflict
     */
    public ConnectionString build() {
      String conflict = conflict();
      if (conflict != null) {
        throw new IllegalStateException(conflict);
      }
      return new ConnectionString(this);
    }

    @Nullable String conflict() {
      if (hostName == null) {
        return HOST_NAME + " is missing";
      }
      if (deviceId == null) {
        return DEVICE_ID + " is missing";
      }
      int credentials = (sharedAccessKey != null ? 1 : 0) + (sharedAccessSignature != null ? 1 : 0) + (x509 ? 1 : 0);
      if (credentials != 1) {
        return "exactly one of " + SHARED_ACCESS_KEY + ", " + SHARED_ACCESS_SIGNATURE + " and x509=true is required, found "
            + (credentials == 0 ? "none" : credentials);
      }
      if (sharedAccessKeyName != null && sharedAccessKey == null) {
        return SHARED_ACCESS_KEY_NAME + " is only allowed together with " + SHARED_ACCESS_KEY;
      }
      if (sharedAccessSignature != null) {
        String resource = hostName + "/devices/" + deviceId + (moduleId == null ? "" : "/modules/" + moduleId);
        if (!sharedAccessSignature.covers(resource)) {
          return SHARED_ACCESS_SIGNATURE + " grants access to " + sharedAccessSignature.resourceUri()
              + ", which does not cover this identity's resource " + resource;
        }
      }
      return null;
    }
  }
}
