// A DPS enrollment of the emulator: individual (one registration id) or group (a group key deriving device keys).
package io.rxiothub.emulator.dps;

import io.rxiothub.emulator.internal.X509Check;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An individual enrollment (symmetric key, or X.509: the device certificate's thumbprint) or an enrollment group
 * (symmetric group key, each device's key being {@code base64(HMAC-SHA256(groupKey, registrationId))}; or X.509: a
 * root or intermediate CA certificate the devices' chains lead to). With X.509 the registration id is the device
 * certificate's subject CN. Immutable; keys never appear in {@link #toString()}.
 */
public final class Enrollment {

  /** Individual or group. */
  public enum Kind { INDIVIDUAL, GROUP }

  /** How devices prove who they are. */
  public enum Attestation { SYMMETRIC_KEY, X509 }

  private final Kind kind;
  private final String id;
  private final @Nullable String primaryKey;
  private final @Nullable String secondaryKey;
  private final @Nullable String primaryThumbprint;
  private final @Nullable String secondaryThumbprint;
  private final List<X509Certificate> caCertificates;
  private final boolean enabled;
  private final @Nullable String initialTags;
  private final @Nullable String initialDesired;

  private Enrollment(Builder b) {
    this.kind = b.kind;
    this.id = b.id;
    this.primaryKey = b.primaryKey;
    this.secondaryKey = b.secondaryKey;
    this.primaryThumbprint = b.primaryThumbprint;
    this.secondaryThumbprint = b.secondaryThumbprint;
    this.caCertificates = b.caCertificates;
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
    b.primaryThumbprint = primaryThumbprint;
    b.secondaryThumbprint = secondaryThumbprint;
    b.caCertificates = caCertificates;
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

  /** Symmetric key or X.509. */
  public Attestation attestation() {
    return primaryKey != null ? Attestation.SYMMETRIC_KEY : Attestation.X509;
  }

  /** The primary (group) key, base64, or null for X.509. */
  public @Nullable String primaryKey() {
    return primaryKey;
  }

  /** An individual X.509 enrollment's primary thumbprint (upper-case hex, SHA-1 or SHA-256), else null. */
  public @Nullable String primaryThumbprint() {
    return primaryThumbprint;
  }

  /** An individual X.509 enrollment's secondary thumbprint, or null. */
  public @Nullable String secondaryThumbprint() {
    return secondaryThumbprint;
  }

  /** An X.509 group's CA certificates (primary, then the secondary if any); empty otherwise. */
  public List<X509Certificate> caCertificates() {
    return caCertificates;
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
    return kind == e.kind && id.equals(e.id) && Objects.equals(primaryKey, e.primaryKey)
        && Objects.equals(secondaryKey, e.secondaryKey) && enabled == e.enabled
        && Objects.equals(primaryThumbprint, e.primaryThumbprint)
        && Objects.equals(secondaryThumbprint, e.secondaryThumbprint) && caCertificates.equals(e.caCertificates)
        && Objects.equals(initialTags, e.initialTags) && Objects.equals(initialDesired, e.initialDesired);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, id, primaryKey, secondaryKey, enabled, initialTags, initialDesired,
        primaryThumbprint, secondaryThumbprint, caCertificates);
  }

  @Override
  public String toString() {
    return "Enrollment{" + kind + " " + id + ", enabled=" + enabled + (primaryKey != null ? ", keys=<redacted>}"
        : primaryThumbprint != null ? ", x509 thumbprint=" + primaryThumbprint + "}"
        : ", x509 CA=" + caCertificates.get(0).getSubjectX500Principal().getName() + "}");
  }

  /** Builds an {@link Enrollment}. */
  public static final class Builder {
    private final Kind kind;
    private final String id;
    private @Nullable String primaryKey;
    private @Nullable String secondaryKey;
    private @Nullable String primaryThumbprint;
    private @Nullable String secondaryThumbprint;
    private List<X509Certificate> caCertificates = List.of();
    private boolean enabled = true;
    private @Nullable String initialTags;
    private @Nullable String initialDesired;

    private Builder(Kind kind, String id) {
      this.kind = kind;
      this.id = id;
    }

    /**
     * X.509 attestation of an individual enrollment: the device certificate's thumbprints, SHA-1 (40 hex digits)
     * or SHA-256 (64), ':' or ' ' separators allowed; the secondary may be null. The registration id must be the
     * certificate's CN.
     */
    public Builder x509Thumbprints(String primary, @Nullable String secondary) {
      this.primaryThumbprint = X509Check.normaliseThumbprint("primaryThumbprint", primary);
      this.secondaryThumbprint = secondary == null ? null : X509Check.normaliseThumbprint("secondaryThumbprint",
          secondary);
      return this;
    }

    /** X.509 attestation of an individual enrollment by the device certificate itself (its SHA-256 thumbprint). */
    public Builder x509Certificate(X509Certificate deviceCertificate) {
      if (deviceCertificate == null) {
        throw new IllegalArgumentException("deviceCertificate must not be null");
      }
      return x509Thumbprints(X509Check.sha256Thumbprint(deviceCertificate), null);
    }

    /**
     * X.509 attestation of an enrollment group: a root or intermediate CA certificate the devices' chains must
     * lead to, and optionally a second one (null for none).
     */
    public Builder x509CaCertificates(X509Certificate primary, @Nullable X509Certificate secondary) {
      if (primary == null) {
        throw new IllegalArgumentException("primary must not be null");
      }
      this.caCertificates = secondary == null ? List.of(primary) : List.of(primary, secondary);
      return this;
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

    /**
     * Builds it.
     *
     * @throws IllegalStateException unless exactly one attestation is set (a primary key; for an individual
     *     enrollment x509Thumbprints or x509Certificate; for a group x509CaCertificates)
     */
    public Enrollment build() {
      int attestations = (primaryKey != null ? 1 : 0) + (primaryThumbprint != null ? 1 : 0)
          + (caCertificates.isEmpty() ? 0 : 1);
      if (attestations != 1) {
        throw new IllegalStateException("set exactly one attestation: primaryKey, or x509Thumbprints/"
            + "x509Certificate (individual), or x509CaCertificates (group); " + attestations + " are set");
      }
      if (kind == Kind.GROUP && primaryThumbprint != null) {
        throw new IllegalStateException("an enrollment group attests X.509 with x509CaCertificates, not thumbprints");
      }
      if (kind == Kind.INDIVIDUAL && !caCertificates.isEmpty()) {
        throw new IllegalStateException("an individual enrollment attests X.509 with x509Thumbprints or"
            + " x509Certificate, not CA certificates");
      }
      if (primaryKey == null && secondaryKey != null) {
        throw new IllegalStateException("secondaryKey needs a primaryKey (an X.509 enrollment has no keys)");
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
