// The "d" of a device-management manage request (protocol.md §14.8): lifetime, supports, deviceInfo, metadata.
package io.rxiothub.watson;

import io.rxiothub.watson.internal.Json;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code d} object of a manage request (RTD-DM "Manage Device", protocol.md §14.8): every member optional;
 * {@code lifetime} in seconds (0 = never dormant, else at least {@value #MIN_LIFETIME_SECONDS}),
 * {@code supports.deviceActions} and {@code supports.firmwareActions}, {@code deviceInfo} (its documented members
 * are strings) and {@code metadata}, both kept as compact JSON. Parse with {@link #parse(String)}; build with
 * {@link #builder()}; {@link #toDataJson()} is the wire form. Immutable.
 */
public final class ManageRequest {

  /** The smallest lifetime other than 0 (RTD-DM). */
  public static final long MIN_LIFETIME_SECONDS = 3600;

  private static final List<String> DEVICE_INFO = Arrays.asList("serialNumber", "manufacturer", "model",
      "deviceClass", "description", "fwVersion", "hwVersion", "descriptiveLocation");

  private final long lifetimeSeconds;
  private final boolean deviceActions;
  private final boolean firmwareActions;
  private final @Nullable String deviceInfo;
  private final @Nullable String metadata;

  private ManageRequest(Builder b) {
    this.lifetimeSeconds = b.lifetimeSeconds;
    this.deviceActions = b.deviceActions;
    this.firmwareActions = b.firmwareActions;
    this.deviceInfo = b.deviceInfo;
    this.metadata = b.metadata;
  }

  /** Returns a builder: lifetime 0, no actions, no device info, no metadata. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses the {@code d} of a manage request ({@link DmMessage#dataJson()}); null (no {@code d}) is a request
   * with every default.
   *
   * @throws IllegalArgumentException naming the member when one breaks RTD-DM's types or the lifetime rule
   */
  public static ManageRequest parse(@Nullable String dataJson) {
    Builder b = builder();
    if (dataJson == null) {
      return b.build();
    }
    Map<String, Object> d = Json.parseObject(dataJson, "manage request d");
    Object lifetime = d.get("lifetime");
    if (lifetime != null && lifetime != Json.NULL) {
      if (!(lifetime instanceof Long)) {
        throw new IllegalArgumentException("manage request member d.lifetime must be an integer number of seconds");
      }
      b.lifetimeSeconds((Long) lifetime);
    }
    Map<String, Object> supports = object(d, "supports");
    if (supports != null) {
      b.deviceActions(flag(supports, "deviceActions"));
      b.firmwareActions(flag(supports, "firmwareActions"));
    }
    Map<String, Object> info = object(d, "deviceInfo");
    if (info != null) {
      for (String member : DEVICE_INFO) {
        Object v = info.get(member);
        if (v != null && v != Json.NULL && !(v instanceof String)) {
          throw new IllegalArgumentException("manage request member d.deviceInfo." + member + " must be a string");
        }
      }
      b.deviceInfo = Json.write(info);
    }
    Map<String, Object> metadata = object(d, "metadata");
    if (metadata != null) {
      b.metadata = Json.write(metadata);
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Map<String, Object> object(Map<String, Object> d, String name) {
    Object v = d.get(name);
    if (v == null || v == Json.NULL) {
      return null;
    }
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("manage request member d." + name + " must be a JSON object");
    }
    return (Map<String, Object>) v;
  }

  private static boolean flag(Map<String, Object> supports, String name) {
    Object v = supports.get(name);
    if (v == null || v == Json.NULL) {
      return false;
    }
    if (!(v instanceof Boolean)) {
      throw new IllegalArgumentException("manage request member d.supports." + name + " must be true or false");
    }
    return (Boolean) v;
  }

  /** Returns the lifetime in seconds; 0 means the device never becomes dormant. */
  public long lifetimeSeconds() {
    return lifetimeSeconds;
  }

  /** Returns whether the agent supports reboot and factory reset. */
  public boolean deviceActions() {
    return deviceActions;
  }

  /** Returns whether the agent supports firmware download and update. */
  public boolean firmwareActions() {
    return firmwareActions;
  }

  /** Returns {@code deviceInfo} as compact JSON, or null when not sent. */
  public @Nullable String deviceInfoJson() {
    return deviceInfo;
  }

  /** Returns {@code metadata} as compact JSON, or null when not sent. */
  public @Nullable String metadataJson() {
    return metadata;
  }

  /** Returns the {@code d} object as compact JSON. */
  public String toDataJson() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("lifetime", lifetimeSeconds);
    Map<String, Object> supports = new LinkedHashMap<>();
    supports.put("deviceActions", deviceActions);
    supports.put("firmwareActions", firmwareActions);
    d.put("supports", supports);
    if (deviceInfo != null) {
      d.put("deviceInfo", Json.parseObject(deviceInfo, "deviceInfo"));
    }
    if (metadata != null) {
      d.put("metadata", Json.parseObject(metadata, "metadata"));
    }
    return Json.write(d);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ManageRequest)) {
      return false;
    }
    ManageRequest m = (ManageRequest) o;
    return lifetimeSeconds == m.lifetimeSeconds && deviceActions == m.deviceActions
        && firmwareActions == m.firmwareActions && eq(deviceInfo, m.deviceInfo) && eq(metadata, m.metadata);
  }

  private static boolean eq(@Nullable String a, @Nullable String b) {
    return a == null ? b == null : a.equals(b);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {lifetimeSeconds, deviceActions, firmwareActions, deviceInfo, metadata});
  }

  @Override
  public String toString() {
    return "ManageRequest{lifetime=" + lifetimeSeconds + "s, deviceActions=" + deviceActions + ", firmwareActions="
        + firmwareActions + ", deviceInfo=" + deviceInfo + ", metadata=" + metadata + "}";
  }

  /** Builds a {@link ManageRequest}. */
  public static final class Builder {
    private long lifetimeSeconds;
    private boolean deviceActions;
    private boolean firmwareActions;
    private @Nullable String deviceInfo;
    private @Nullable String metadata;

    private Builder() {}

    /** Sets the lifetime. @throws IllegalArgumentException unless 0 or at least 3600 */
    public Builder lifetimeSeconds(long seconds) {
      if (seconds != 0 && seconds < MIN_LIFETIME_SECONDS) {
        throw new IllegalArgumentException("lifetime must be 0 (never dormant) or at least " + MIN_LIFETIME_SECONDS
            + " seconds, was " + seconds);
      }
      this.lifetimeSeconds = seconds;
      return this;
    }

    /** Sets whether the agent supports reboot and factory reset. */
    public Builder deviceActions(boolean supported) {
      this.deviceActions = supported;
      return this;
    }

    /** Sets whether the agent supports firmware download and update. */
    public Builder firmwareActions(boolean supported) {
      this.firmwareActions = supported;
      return this;
    }

    /** Sets {@code deviceInfo} (a JSON object, or null for none). @throws IllegalArgumentException if not one */
    public Builder deviceInfoJson(@Nullable String json) {
      this.deviceInfo = json == null ? null : Json.write(Json.parseObject(json, "deviceInfo"));
      return this;
    }

    /** Sets {@code metadata} (a JSON object, or null for none). @throws IllegalArgumentException if not one */
    public Builder metadataJson(@Nullable String json) {
      this.metadata = json == null ? null : Json.write(Json.parseObject(json, "metadata"));
      return this;
    }

    /** Returns the request. */
    public ManageRequest build() {
      return new ManageRequest(this);
    }
  }
}
