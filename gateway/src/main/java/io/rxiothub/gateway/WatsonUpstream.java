// The Watson IoT side of the gateway: the one gateway identity upstream and the Watson-style leaves (§18.3).
package io.rxiothub.gateway;

import io.rxiothub.watson.WatsonIds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The Watson IoT upstream of a gateway: the organisation, the gateway's own type, id and token (one connection
 * {@code g:{org}:{type}:{id}} for every Watson leaf), where to dial, and the leaves. Immutable;
 * {@link #toString()} shows no token.
 */
public final class WatsonUpstream {

  /** The platform's domain: the host is {@code {org}.messaging.{domain}}. */
  public static final String DEFAULT_DOMAIN = "internetofthings.ibmcloud.com";

  private final String orgId;
  private final String gatewayType;
  private final String gatewayId;
  private final String token;
  private final String domain;
  private final @Nullable String host;
  private final int port;
  private final @Nullable Path caFile;
  private final List<WatsonLeaf> leaves;

  private WatsonUpstream(Builder b) {
    this.orgId = Objects.requireNonNull(b.orgId);
    this.gatewayType = Objects.requireNonNull(b.gatewayType);
    this.gatewayId = Objects.requireNonNull(b.gatewayId);
    this.token = Objects.requireNonNull(b.token);
    this.domain = b.domain;
    this.host = b.host;
    this.port = b.port;
    this.caFile = b.caFile;
    this.leaves = Collections.unmodifiableList(new ArrayList<>(b.leaves));
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The organisation id. */
  public String orgId() {
    return orgId;
  }

  /** The gateway's device type. */
  public String gatewayType() {
    return gatewayType;
  }

  /** The gateway's device id. */
  public String gatewayId() {
    return gatewayId;
  }

  /** The gateway's authentication token. */
  public String token() {
    return token;
  }

  /** The platform's domain. */
  public String domain() {
    return domain;
  }

  /** The host set outright, or null for {@code {org}.messaging.{domain}}. */
  public @Nullable String host() {
    return host;
  }

  /** The host the gateway dials: {@link #host()}, else {@code {org}.messaging.{domain}}. */
  public String connectHost() {
    return host != null ? host : orgId + ".messaging." + domain;
  }

  /** The MQTT over TLS port (default 8883). */
  public int port() {
    return port;
  }

  /** A PEM file of the CAs to trust upstream, or null for the JVM's trust store. */
  public @Nullable Path caFile() {
    return caFile;
  }

  /** The leaves, in configuration order. */
  public List<WatsonLeaf> leaves() {
    return leaves;
  }

  /** The gateway's upstream client id, {@code g:{org}:{type}:{id}}. */
  public String gatewayClientId() {
    return "g:" + orgId + ":" + gatewayType + ":" + gatewayId;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WatsonUpstream)) {
      return false;
    }
    WatsonUpstream other = (WatsonUpstream) o;
    return port == other.port && orgId.equals(other.orgId) && gatewayType.equals(other.gatewayType)
        && gatewayId.equals(other.gatewayId) && token.equals(other.token) && domain.equals(other.domain)
        && Objects.equals(host, other.host) && Objects.equals(caFile, other.caFile) && leaves.equals(other.leaves);
  }

  @Override
  public int hashCode() {
    return Objects.hash(orgId, gatewayType, gatewayId, token, domain, host, port, caFile, leaves);
  }

  @Override
  public String toString() {
    return "WatsonUpstream{" + gatewayClientId() + ", token=<redacted>, " + connectHost() + ":" + port
        + ", leaves=" + leaves.size() + "}";
  }

  /** Builds a {@link WatsonUpstream}; setters reject bad values at once, {@link #build()} missing ones. */
  public static final class Builder {
    private @Nullable String orgId;
    private @Nullable String gatewayType;
    private @Nullable String gatewayId;
    private @Nullable String token;
    private String domain = DEFAULT_DOMAIN;
    private @Nullable String host;
    private int port = 8883;
    private @Nullable Path caFile;
    private final List<WatsonLeaf> leaves = new ArrayList<>();

    private Builder() {
    }

    /** Sets the organisation id (required; 6 of {@code a-z 0-9}). */
    public Builder orgId(String orgId) {
      this.orgId = WatsonIds.requireOrgId(orgId);
      return this;
    }

    /** Sets the gateway's device type and id (required). */
    public Builder gateway(String typeId, String deviceId) {
      this.gatewayType = WatsonIds.requireId("gatewayType", typeId);
      this.gatewayId = WatsonIds.requireId("gatewayId", deviceId);
      return this;
    }

    /** Sets the gateway's token (required; 8..128 characters, never shown). */
    public Builder token(String token) {
      this.token = WatsonLeaf.requireToken("token", token);
      return this;
    }

    /** Sets the domain (default {@value #DEFAULT_DOMAIN}). */
    public Builder domain(String domain) {
      if (domain == null || domain.isEmpty()) {
        throw new IllegalArgumentException("domain must not be null or empty");
      }
      this.domain = domain;
      return this;
    }

    /** Sets the host outright (an emulator, a proxy); null for {@code {org}.messaging.{domain}}. */
    public Builder host(@Nullable String host) {
      if (host != null && host.isEmpty()) {
        throw new IllegalArgumentException("host must not be empty (leave it out instead)");
      }
      this.host = host;
      return this;
    }

    /** Sets the MQTT over TLS port (default 8883). */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("watson port must be 1..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** Sets a PEM file of the CAs trusted upstream (default: the JVM's trust store). */
    public Builder caFile(@Nullable Path caFile) {
      this.caFile = caFile;
      return this;
    }

    /** Adds a leaf. */
    public Builder leaf(WatsonLeaf leaf) {
      if (leaf == null) {
        throw new IllegalArgumentException("leaf must not be null");
      }
      leaves.add(leaf);
      return this;
    }

    /**
     * Builds the upstream.
     *
     * @throws IllegalStateException if the organisation, gateway or token is missing, no leaf is given, a leaf
     *     repeats or a leaf is the gateway itself
     */
    public WatsonUpstream build() {
      if (orgId == null) {
        throw new IllegalStateException("watson orgId missing: call orgId(...)");
      }
      if (gatewayType == null || gatewayId == null) {
        throw new IllegalStateException("watson gateway type and id missing: call gateway(typeId, deviceId)");
      }
      if (token == null) {
        throw new IllegalStateException("watson gateway token missing: call token(...)");
      }
      if (leaves.isEmpty()) {
        throw new IllegalStateException("no Watson leaf configured: add at least one with leaf(...)");
      }
      Set<String> seen = new HashSet<>();
      for (WatsonLeaf leaf : leaves) {
        String key = leaf.typeId() + "/" + leaf.deviceId();
        if (!seen.add(key)) {
          throw new IllegalStateException("Watson leaf " + key + " is configured twice");
        }
        if (key.equals(gatewayType + "/" + gatewayId)) {
          throw new IllegalStateException("Watson leaf " + key + " is the gateway itself");
        }
      }
      return new WatsonUpstream(this);
    }
  }
}
