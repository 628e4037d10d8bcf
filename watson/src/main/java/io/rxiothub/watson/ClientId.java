// An MQTT client id of the Watson IoT dialect: g:/d: org:type:device, a:/A: org:app (protocol.md §14.1).
package io.rxiothub.watson;

import org.jspecify.annotations.Nullable;

/**
 * A Watson IoT client id (protocol.md §14.1): {@code g:{org}:{type}:{device}} for a gateway,
 * {@code d:{org}:{type}:{device}} for a device, {@code a:{org}:{app}} for an application and
 * {@code A:{org}:{app}} for a scalable application. Immutable; {@link #toString()} is the wire form.
 */
public final class ClientId {

  /** What kind of client connects. */
  public enum Kind {
    /** {@code g:} a gateway, acting for itself and devices behind it. */
    GATEWAY("g"),
    /** {@code d:} a device, acting for itself. */
    DEVICE("d"),
    /** {@code a:} an application. */
    APPLICATION("a"),
    /** {@code A:} a scalable application (shared subscriptions). */
    SCALABLE_APPLICATION("A");

    private final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }

    /** Returns the client id's first field ({@code g}, {@code d}, {@code a} or {@code A}). */
    public String prefix() {
      return prefix;
    }

    /** Returns whether this kind is an application (scalable or not). */
    public boolean isApplication() {
      return this == APPLICATION || this == SCALABLE_APPLICATION;
    }
  }

  private final Kind kind;
  private final String orgId;
  private final String typeId;
  private final String deviceId;
  private final String appId;

  private ClientId(Kind kind, String orgId, String typeId, String deviceId, String appId) {
    this.kind = kind;
    this.orgId = orgId;
    this.typeId = typeId;
    this.deviceId = deviceId;
    this.appId = appId;
  }

  /**
   * Returns a gateway's client id.
   *
   * @throws IllegalArgumentException if an id breaks its rule (protocol.md §14.1)
   */
  public static ClientId gateway(String orgId, String typeId, String deviceId) {
    return new ClientId(Kind.GATEWAY, WatsonIds.requireOrgId(orgId), WatsonIds.requireId("typeId", typeId),
        WatsonIds.requireId("deviceId", deviceId), "");
  }

  /**
   * Returns a device's client id.
   *
   * @throws IllegalArgumentException if an id breaks its rule (protocol.md §14.1)
   */
  public static ClientId device(String orgId, String typeId, String deviceId) {
    return new ClientId(Kind.DEVICE, WatsonIds.requireOrgId(orgId), WatsonIds.requireId("typeId", typeId),
        WatsonIds.requireId("deviceId", deviceId), "");
  }

  /**
   * Returns an application's client id ({@code scalable} for {@code A:}).
   *
   * @throws IllegalArgumentException if an id breaks its rule (protocol.md §14.1)
   */
  public static ClientId application(String orgId, String appId, boolean scalable) {
    return new ClientId(scalable ? Kind.SCALABLE_APPLICATION : Kind.APPLICATION, WatsonIds.requireOrgId(orgId), "",
        "", WatsonIds.requireId("appId", appId));
  }

  /**
   * Parses a client id.
   *
   * @throws IllegalArgumentException if {@code clientId} is missing, not one of the four forms, or an id in it
   *     breaks its rule; the message says which
   */
  public static ClientId parse(String clientId) {
    if (clientId == null || clientId.isEmpty()) {
      throw new IllegalArgumentException("client id is missing");
    }
    String[] parts = clientId.split(":", -1);
    String prefix = parts[0];
    if ("g".equals(prefix) || "d".equals(prefix)) {
      if (parts.length != 4) {
        throw new IllegalArgumentException("client id '" + WatsonIds.shorten(clientId) + "' must be " + prefix
            + ":{orgId}:{typeId}:{deviceId}");
      }
      return "g".equals(prefix) ? gateway(parts[1], parts[2], parts[3]) : device(parts[1], parts[2], parts[3]);
    }
    if ("a".equals(prefix) || "A".equals(prefix)) {
      if (parts.length != 3) {
        throw new IllegalArgumentException("client id '" + WatsonIds.shorten(clientId) + "' must be " + prefix
            + ":{orgId}:{appId}");
      }
      return application(parts[1], parts[2], "A".equals(prefix));
    }
    throw new IllegalArgumentException("client id '" + WatsonIds.shorten(clientId)
        + "' must start with g: (gateway), d: (device), a: or A: (application)");
  }

  /** Returns the kind of client. */
  public Kind kind() {
    return kind;
  }

  /** Returns the organisation id. */
  public String orgId() {
    return orgId;
  }

  /** Returns the device type id of a gateway or device; null for an application. */
  public @Nullable String typeId() {
    return kind.isApplication() ? null : typeId;
  }

  /** Returns the device id of a gateway or device; null for an application. */
  public @Nullable String deviceId() {
    return kind.isApplication() ? null : deviceId;
  }

  /** Returns the application id; null for a gateway or device. */
  public @Nullable String appId() {
    return kind.isApplication() ? appId : null;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ClientId)) {
      return false;
    }
    ClientId other = (ClientId) o;
    return kind == other.kind && orgId.equals(other.orgId) && typeId.equals(other.typeId)
        && deviceId.equals(other.deviceId) && appId.equals(other.appId);
  }

  @Override
  public int hashCode() {
    int h = kind.hashCode();
    h = 31 * h + orgId.hashCode();
    h = 31 * h + typeId.hashCode();
    h = 31 * h + deviceId.hashCode();
    return 31 * h + appId.hashCode();
  }

  /** Returns the wire form, e.g. {@code g:abc123:gwtype:gw1}. */
  @Override
  public String toString() {
    return kind.isApplication()
        ? kind.prefix + ":" + orgId + ":" + appId
        : kind.prefix + ":" + orgId + ":" + typeId + ":" + deviceId;
  }
}
