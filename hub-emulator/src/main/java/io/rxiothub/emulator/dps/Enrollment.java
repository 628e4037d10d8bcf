// A DPS enrollment of the emulator: individual (one registration id) or group (a group key deriving device keys).
package io.rxiothub.emulator.dps;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An individual enrollment (symmetric key) or an enrollment group (symmetric group key; each device's key is
 * {@code base64(HMAC-SHA256(groupKey, registrationId))}). Immutable; keys never appear in {@link #toString()}.
 */
public final class Enrollment {

  /** Individual or group. */
  public enum Kind { INDIVIDUAL, GROUP }

  private final Kind kind;
  private final String id;
  private final String primaryKey;
  private final @Nullable String secondaryKey;
  private final boolean enabled;
  private final @Nullable String initialTags;
  private final @Nullable String initialDesired;

  private Enrollment(Builder b) {
    this.kind = b.kind;
    this.id = b.id;
    this.primaryKey = Objects.requireNonNull(b.primaryKey);
    this.secondaryKey = b.secondaryKey;
    this.enabled = b.enabled;
    this.initialTags = b.initialTags;
    this.initialDesired = b.initialDesired;
  }

  /** An individual enrollment for {@code registrationId} (which is also the device id it gets). */
  public static Builder individual(String registrationId) {
    return new Builder(Kind.INDIVIDUAL, checkId("registrationId", registrationId));
  }

  /** An enrollment group named {@code groupId}. */
  public static Builder group(String groupId) {
    return new Builder(Kind.GROUP, checkId("groupId", groupId));
  }

  private static String checkId(String name, String id) {
    if (id == null || id.isEmpty() || id.length() > 128) {
      throw new IllegalArgumentException(name + " must be 1..128 characters");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '.' && c != '_' && c != ':') {
        throw new IllegalArgumentException(name + " may hold only ASCII letters, digits, '-', '.', '_' and ':'"
            + " (position " + i + ")");
      }
    }
    return id;
  }

  /** A builder holding this enrollment's settings. */
  public Builder toBuilder() {
    Builder b = new Builder(kind, id);
    b.primaryKey = primaryKey;
    b.secondaryKey = secondaryKey;
    b.enabled = enabled;
    b.initialTags = initialTags;
    b.initialDesired = initialDesired;
    return b;
  }

  /** Individual or group. */
  public Kind kind() {
    return kind;
  }

  /** The registration id (individual) or the group id. */
  public String id() {
    return id;
  }

  /** The primary (group) key, base64. */
  public String primaryKey() {
    return primaryKey;
  }

  /** The secondary (group) key, base64, or null. */
  public @Nullable String secondaryKey() {
    return secondaryKey;
  }

  /** Whether registrations through it are allowed. */
  public boolean enabled() {
    return enabled;
  }

  /** The tags a device created through it starts with (JSON object text), or null. */
  public @Nullable String initialTags() {
    return initialTags;
  }

  /** The desired properties a device created through it starts with (JSON object text), or null. */
  public @Nullable String initialDesired() {
    return initialDesired;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Enrollment)) {
      return false;
    }
    Enrollment e = (Enrollment) o;
    return kind == e.kind && id.equals(e.id) && primaryKey.equals(e.primaryKey)
        && Objects.equals(secondaryKey, e.secondaryKey) && enabled == e.enabled
        && Objects.equals(initialTags, e.initialTags) && Objects.equals(initialDesired, e.initialDesired);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, id, primaryKey, secondaryKey, enabled, initialTags, initialDesired);
  }

  @Override
  public String toString() {
    return "Enrollment{" + kind + " " + id + ", enabled=" + enabled + ", keys=<redacted>}";
  }

  /** Builds an {@link Enrollment}. */
  public static final class Builder {
    private final Kind kind;
    private final String id;
    private @Nullable String primaryKey;
    private @Nullable String secondaryKey;
    private boolean enabled = true;
    private @Nullable String initialTags;
    private @Nullable String initialDesired;

    private Builder(Kind kind, String id) {
      this.kind = kind;
      this.id = id;
    }

    /** The primary symmetric key, base64 (required). */
    public Builder primaryKey(String base64Key) {
      this.primaryKey = checkKey("primaryKey", base64Key);
      return this;
    }

    /** The secondary symmetric key, base64, or null. */
    public Builder secondaryKey(@Nullable String base64Key) {
      this.secondaryKey = base64Key == null ? null : checkKey("secondaryKey", base64Key);
      return this;
    }

    /** Whether registrations are allowed (default true). */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /** Tags for a device this enrollment creates (JSON object text), or null. */
    public Builder initialTags(@Nullable String json) {
      this.initialTags = json;
      return this;
    }

    /** Desired properties for a device this enrollment creates (JSON object text), or null. */
    public Builder initialDesired(@Nullable String json) {
      this.initialDesired = json;
      return this;
    }

    /** Builds it. @throws IllegalStateException without a primary key */
    public Enrollment build() {
      if (primaryKey == null) {
        throw new IllegalStateException("primaryKey is required");
      }
      return new Enrollment(this);
    }

    private static String checkKey(String name, String key) {
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException(name + " must be non-empty base64 text");
      }
      try {
        if (java.util.Base64.getDecoder().decode(key).length == 0) {
          throw new IllegalArgumentException(name + " must be non-empty base64 text");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " must be base64 text (RFC 4648, with '=' padding)");
      }
      return key;
    }
  }
}
