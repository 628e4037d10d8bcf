// The registration state DPS returns: assigned hub, device id, substatus, payload, or why it failed (§15.2).
package io.rxiothub.provisioning;

import io.rxiothub.provisioning.internal.DpsJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A device's registration state. Immutable; build with {@link #builder()}. */
public final class Registration {

  private final String registrationId;
  private final RegistrationStatus status;
  private final @Nullable String assignedHub;
  private final @Nullable String deviceId;
  private final @Nullable String substatus;
  private final @Nullable String createdDateTimeUtc;
  private final @Nullable String lastUpdatedDateTimeUtc;
  private final @Nullable String etag;
  private final @Nullable String payload;
  private final @Nullable Integer errorCode;
  private final @Nullable String errorMessage;

  private Registration(Builder b) {
    this.registrationId = Objects.requireNonNull(b.registrationId);
    this.status = b.status;
    this.assignedHub = b.assignedHub;
    this.deviceId = b.deviceId;
    this.substatus = b.substatus;
    this.createdDateTimeUtc = b.createdDateTimeUtc;
    this.lastUpdatedDateTimeUtc = b.lastUpdatedDateTimeUtc;
    this.etag = b.etag;
    this.payload = b.payload;
    this.errorCode = b.errorCode;
    this.errorMessage = b.errorMessage;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.registrationId = registrationId;
    b.status = status;
    b.assignedHub = assignedHub;
    b.deviceId = deviceId;
    b.substatus = substatus;
    b.createdDateTimeUtc = createdDateTimeUtc;
    b.lastUpdatedDateTimeUtc = lastUpdatedDateTimeUtc;
    b.etag = etag;
    b.payload = payload;
    b.errorCode = errorCode;
    b.errorMessage = errorMessage;
    return b;
  }

  static Registration fromJson(Map<String, @Nullable Object> json, String what) {
    String id = DpsJson.string(json, "registrationId", what);
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(what + ".registrationId is missing");
    }
    String statusText = DpsJson.string(json, "status", what);
    Builder b = builder().registrationId(id)
        .status(statusText == null ? RegistrationStatus.UNASSIGNED : RegistrationStatus.fromWire(statusText));
    b.assignedHub = DpsJson.string(json, "assignedHub", what);
    b.deviceId = DpsJson.string(json, "deviceId", what);
    b.substatus = DpsJson.string(json, "substatus", what);
    b.createdDateTimeUtc = DpsJson.string(json, "createdDateTimeUtc", what);
    b.lastUpdatedDateTimeUtc = DpsJson.string(json, "lastUpdatedDateTimeUtc", what);
    b.etag = DpsJson.string(json, "etag", what);
    b.errorCode = DpsJson.integer(json, "errorCode", what);
    b.errorMessage = DpsJson.string(json, "errorMessage", what);
    if (json.containsKey("payload") && json.get("payload") != null) {
      b.payload = DpsJson.write(json.get("payload"));
    }
    if (b.status == RegistrationStatus.ASSIGNED
        && (isEmpty(b.assignedHub) || isEmpty(b.deviceId))) {
      throw new IllegalArgumentException(what + " is assigned but names no assignedHub or deviceId");
    }
    return b.build();
  }

  private static boolean isEmpty(@Nullable String s) {
    return s == null || s.isEmpty();
  }

  Map<String, @Nullable Object> toJsonMap() {
    Map<String, @Nullable Object> json = new LinkedHashMap<>();
    json.put("registrationId", registrationId);
    putIfSet(json, "createdDateTimeUtc", createdDateTimeUtc);
    putIfSet(json, "assignedHub", assignedHub);
    putIfSet(json, "deviceId", deviceId);
    json.put("status", status.wireName());
    putIfSet(json, "substatus", substatus);
    putIfSet(json, "errorCode", errorCode);
    putIfSet(json, "errorMessage", errorMessage);
    putIfSet(json, "lastUpdatedDateTimeUtc", lastUpdatedDateTimeUtc);
    putIfSet(json, "etag", etag);
    if (payload != null) {
      json.put("payload", DpsJson.parse(payload, "payload"));
    }
    return json;
  }

  private static void putIfSet(Map<String, @Nullable Object> json, String name, @Nullable Object value) {
    if (value != null) {
      json.put(name, value);
    }
  }

  /** The registration id. */
  public String registrationId() {
    return registrationId;
  }

  /** The status. */
  public RegistrationStatus status() {
    return status;
  }

  /** The hub the device was assigned to, or null when not assigned. */
  public @Nullable String assignedHub() {
    return assignedHub;
  }

  /** The device id at the assigned hub, or null when not assigned. */
  public @Nullable String deviceId() {
    return deviceId;
  }

  /** The substatus ({@code initialAssignment}, {@code deviceDataMigrated}, …), or null. */
  public @Nullable String substatus() {
    return substatus;
  }

  /** When the registration was created (ISO 8601 text as sent), or null. */
  public @Nullable String createdDateTimeUtc() {
    return createdDateTimeUtc;
  }

  /** When the registration was last updated (ISO 8601 text as sent), or null. */
  public @Nullable String lastUpdatedDateTimeUtc() {
    return lastUpdatedDateTimeUtc;
  }

  /** The etag, or null. */
  public @Nullable String etag() {
    return etag;
  }

  /** The payload returned (a custom allocation's data) as compact JSON text, or null. */
  public @Nullable String payload() {
    return payload;
  }

  /** The error code of a failed or disabled registration, or null. */
  public @Nullable Integer errorCode() {
    return errorCode;
  }

  /** The error message of a failed or disabled registration, or null. */
  public @Nullable String errorMessage() {
    return errorMessage;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Registration)) {
      return false;
    }
    Registration r = (Registration) o;
    return registrationId.equals(r.registrationId) && status == r.status
        && Objects.equals(assignedHub, r.assignedHub) && Objects.equals(deviceId, r.deviceId)
        && Objects.equals(substatus, r.substatus) && Objects.equals(createdDateTimeUtc, r.createdDateTimeUtc)
        && Objects.equals(lastUpdatedDateTimeUtc, r.lastUpdatedDateTimeUtc) && Objects.equals(etag, r.etag)
        && Objects.equals(payload, r.payload) && Objects.equals(errorCode, r.errorCode)
        && Objects.equals(errorMessage, r.errorMessage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(registrationId, status, assignedHub, deviceId, substatus, createdDateTimeUtc,
        lastUpdatedDateTimeUtc, etag, payload, errorCode, errorMessage);
  }

  @Override
  public String toString() {
    return "Registration{registrationId=" + registrationId + ", status=" + status.wireName()
        + (assignedHub == null ? "" : ", assignedHub=" + assignedHub)
        + (deviceId == null ? "" : ", deviceId=" + deviceId)
        + (substatus == null ? "" : ", substatus=" + substatus)
        + (errorCode == null ? "" : ", errorCode=" + errorCode)
        + (errorMessage == null ? "" : ", errorMessage=" + errorMessage)
        + (payload == null ? "" : ", payload=" + payload.length() + " chars") + "}";
  }

  /** Builds a {@link Registration}. */
  public static final class Builder {
    private @Nullable String registrationId;
    private RegistrationStatus status = RegistrationStatus.UNASSIGNED;
    private @Nullable String assignedHub;
    private @Nullable String deviceId;
    private @Nullable String substatus;
    private @Nullable String createdDateTimeUtc;
    private @Nullable String lastUpdatedDateTimeUtc;
    private @Nullable String etag;
    private @Nullable String payload;
    private @Nullable Integer errorCode;
    private @Nullable String errorMessage;

    private Builder() {}

    /** The registration id (required, non-empty). */
    public Builder registrationId(String registrationId) {
      if (registrationId == null || registrationId.isEmpty()) {
        throw new IllegalArgumentException("registrationId must not be null or empty");
      }
      this.registrationId = registrationId;
      return this;
    }

    /** The status (default unassigned). */
    public Builder status(RegistrationStatus status) {
      if (status == null) {
        throw new IllegalArgumentException("status must not be null");
      }
      this.status = status;
      return this;
    }

    /** The assigned hub and device id. */
    public Builder assignment(@Nullable String assignedHub, @Nullable String deviceId) {
      this.assignedHub = assignedHub;
      this.deviceId = deviceId;
      return this;
    }

    /** The substatus, or null. */
    public Builder substatus(@Nullable String substatus) {
      this.substatus = substatus;
      return this;
    }

    /** The creation and last update times as ISO 8601 text, or null. */
    public Builder times(@Nullable String createdDateTimeUtc, @Nullable String lastUpdatedDateTimeUtc) {
      this.createdDateTimeUtc = createdDateTimeUtc;
      this.lastUpdatedDateTimeUtc = lastUpdatedDateTimeUtc;
      return this;
    }

    /** The etag, or null. */
    public Builder etag(@Nullable String etag) {
      this.etag = etag;
      return this;
    }

    /**
     * The returned payload as JSON text, or null.
     *
     * @throws IllegalArgumentException if it is not one JSON value
     */
    public Builder payload(@Nullable String payloadJson) {
      this.payload = payloadJson == null ? null : DpsJson.write(DpsJson.parse(payloadJson, "payload"));
      return this;
    }

    /** The error code and message of a failed or disabled registration, or nulls. */
    public Builder error(@Nullable Integer errorCode, @Nullable String errorMessage) {
      this.errorCode = errorCode;
      this.errorMessage = errorMessage;
      return this;
    }

    /** Builds the value. @throws IllegalStateException if the registration id is missing */
    public Registration build() {
      if (registrationId == null) {
        throw new IllegalStateException("registrationId is required");
      }
      return new Registration(this);
    }
  }
}
