// Leaves provisioned on first sight through a DPS enrollment group (protocol.md §18.5): where DPS is, the group key.
package io.rxiothub.gateway;

import io.rxiothub.sas.DpsKeys;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A DPS symmetric-key enrollment group the gateway registers unknown leaves with: a leaf that is not configured and
 * connects with a SAS token signed with its key derived from the group key ({@code base64(HMAC-SHA256(groupKey,
 * registrationId))}) is accepted; the gateway registers it with DPS (its client id is the registration id) before
 * its CONNACK, keeps the assignment in its data directory and opens its upstream connection. Immutable;
 * {@link #toString()} never shows the group key.
 */
public final class LeafProvisioning {

  private final String idScope;
  private final String globalEndpoint;
  private final int port;
  private final @Nullable Path caFile;
  private final String groupKey;

  private LeafProvisioning(Builder b) {
    this.idScope = Objects.requireNonNull(b.idScope);
    this.globalEndpoint = b.globalEndpoint;
    this.port = b.port;
    this.caFile = b.caFile;
    this.groupKey = Objects.requireNonNull(b.groupKey);
  }

  /** Returns a builder (global endpoint {@code global.azure-devices-provisioning.net}, port 8883). */
  public static Builder builder() {
    return new Builder();
  }

  /** The DPS instance's ID scope. */
  public String idScope() {
    return idScope;
  }

  /** The DPS host the gateway dials. */
  public String globalEndpoint() {
    return globalEndpoint;
  }

  /** The DPS MQTT over TLS port. */
  public int port() {
    return port;
  }

  /** A PEM file of the CAs trusted for DPS, or null for the JVM's trust store. */
  public @Nullable Path caFile() {
    return caFile;
  }

  /** The enrollment group's primary key, base64. */
  public String groupKey() {
    return groupKey;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof LeafProvisioning)) {
      return false;
    }
    LeafProvisioning other = (LeafProvisioning) o;
    return port == other.port && idScope.equals(other.idScope) && globalEndpoint.equals(other.globalEndpoint)
        && Objects.equals(caFile, other.caFile) && groupKey.equals(other.groupKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(idScope, globalEndpoint, port, caFile, groupKey);
  }

  @Override
  public String toString() {
    return "LeafProvisioning{" + globalEndpoint + ":" + port + ", idScope=" + idScope + ", groupKey=<redacted>}";
  }

  /** Builds a {@link LeafProvisioning}; setters reject bad values at once, {@link #build()} missing ones. */
  public static final class Builder {
    private @Nullable String idScope;
    private String globalEndpoint = "global.azure-devices-provisioning.net";
    private int port = 8883;
    private @Nullable Path caFile;
    private @Nullable String groupKey;

    private Builder() {
    }

    /** Sets the ID scope (required). */
    public Builder idScope(String idScope) {
      this.idScope = text("idScope", idScope);
      return this;
    }

    /** Sets the DPS host and its MQTT over TLS port (default {@code global.azure-devices-provisioning.net}, 8883). */
    public Builder endpoint(String host, int port) {
      this.globalEndpoint = text("globalEndpoint", host);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("provisioning port must be 1..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** Sets a PEM file of the CAs trusted for DPS (default: the JVM's trust store). */
    public Builder caFile(@Nullable Path caFile) {
      this.caFile = caFile;
      return this;
    }

    /** Sets the enrollment group's key, base64 (required). */
    public Builder groupKey(String base64Key) {
      text("groupKey", base64Key);
      try {
        DpsKeys.deriveDeviceKey(base64Key, "check");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("groupKey must be the group's base64 key: " + e.getMessage(), e);
      }
      this.groupKey = base64Key;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalStateException if the ID scope or the group key is missing
     */
    public LeafProvisioning build() {
      if (idScope == null) {
        throw new IllegalStateException("provisioning idScope missing: the DPS instance's ID scope");
      }
      if (groupKey == null) {
        throw new IllegalStateException("provisioning groupKey missing: the enrollment group's key");
      }
      return new LeafProvisioning(this);
    }

    private static String text(String name, String value) {
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException(name + " must not be null or empty");
      }
      return value;
    }
  }
}
