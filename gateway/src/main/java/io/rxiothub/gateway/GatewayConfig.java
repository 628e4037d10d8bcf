// The gateway's settings: downstream listeners and TLS, the store, metrics, the upstream hub and the leaves.
package io.rxiothub.gateway;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Gateway} runs with. Build one with {@link #builder()} or read a file with
 * {@code GatewayConfigFile.read(Path)} (YAML or JSON; the file format is in the gateway README). Immutable;
 * {@link #toString()} shows no secret.
 */
public final class GatewayConfig {

  private final String hostName;
  private final String bindAddress;
  private final int mqttPort;
  private final int tlsPort;
  private final @Nullable Path tlsCertificateFile;
  private final @Nullable Path tlsKeyFile;
  private final @Nullable Path dataDirectory;
  private final String metricsBindAddress;
  private final int metricsPort;
  private final long storeMaxBytes;
  private final long storeMaxAgeSeconds;
  private final StoreOverflow storeOverflow;
  private final @Nullable String hubHostName;
  private final int hubPort;
  private final @Nullable String hubConnectHost;
  private final @Nullable Path hubCaFile;
  private final List<LeafDevice> leaves;
  private final @Nullable LeafProvisioning provisioning;
  private final long shutdownDrainMillis;
  private final int maxPendingPerLeaf;
  private final long maxPendingBytes;
  private final @Nullable WatsonUpstream watson;

  private GatewayConfig(Builder b) {
    this.hostName = b.hostName;
    this.bindAddress = b.bindAddress;
    this.mqttPort = b.mqttPort;
    this.tlsPort = b.tlsPort;
    this.tlsCertificateFile = b.tlsCertificateFile;
    this.tlsKeyFile = b.tlsKeyFile;
    this.dataDirectory = b.dataDirectory;
    this.metricsBindAddress = b.metricsBindAddress;
    this.metricsPort = b.metricsPort;
    this.storeMaxBytes = b.storeMaxBytes;
    this.storeMaxAgeSeconds = b.storeMaxAgeSeconds;
    this.storeOverflow = b.storeOverflow;
    this.hubHostName = b.hubHostName;
    this.hubPort = b.hubPort;
    this.hubConnectHost = b.hubConnectHost;
    this.hubCaFile = b.hubCaFile;
    this.leaves = Collections.unmodifiableList(new ArrayList<>(b.leaves));
    this.provisioning = b.provisioning;
    this.shutdownDrainMillis = b.shutdownDrainMillis;
    this.maxPendingPerLeaf = b.maxPendingPerLeaf;
    this.maxPendingBytes = b.maxPendingBytes;
    this.watson = b.watson;
  }

  /** Returns a builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.hostName = hostName;
    b.bindAddress = bindAddress;
    b.mqttPort = mqttPort;
    b.tlsPort = tlsPort;
    b.tlsCertificateFile = tlsCertificateFile;
    b.tlsKeyFile = tlsKeyFile;
    b.dataDirectory = dataDirectory;
    b.metricsBindAddress = metricsBindAddress;
    b.metricsPort = metricsPort;
    b.storeMaxBytes = storeMaxBytes;
    b.storeMaxAgeSeconds = storeMaxAgeSeconds;
    b.storeOverflow = storeOverflow;
    b.hubHostName = hubHostName;
    b.hubPort = hubPort;
    b.hubConnectHost = hubConnectHost;
    b.hubCaFile = hubCaFile;
    b.leaves.addAll(leaves);
    b.provisioning = provisioning;
    b.shutdownDrainMillis = shutdownDrainMillis;
    b.maxPendingPerLeaf = maxPendingPerLeaf;
    b.maxPendingBytes = maxPendingBytes;
    b.watson = watson;
    return b;
  }

  /** The host name leaves dial ({@code GatewayHostName}); the generated TLS certificate names it. */
  public String hostName() {
    return hostName;
  }

  /** The address the downstream listeners bind. */
  public String bindAddress() {
    return bindAddress;
  }

  /** The plain MQTT port ({@code -1}: off, {@code 0}: a free port). */
  public int mqttPort() {
    return mqttPort;
  }

  /** The MQTT over TLS port ({@code -1}: off, {@code 0}: a free port). */
  public int tlsPort() {
    return tlsPort;
  }

  /** The PEM certificate chain of the TLS listener, or null to generate one (CA written beside the data). */
  public @Nullable Path tlsCertificateFile() {
    return tlsCertificateFile;
  }

  /** The PEM private key of the TLS listener, or null. */
  public @Nullable Path tlsKeyFile() {
    return tlsKeyFile;
  }

  /** The directory of the store and the generated TLS material, or null for an in-memory store. */
  public @Nullable Path dataDirectory() {
    return dataDirectory;
  }

  /** The address of the metrics and health endpoint. */
  public String metricsBindAddress() {
    return metricsBindAddress;
  }

  /** The port of the metrics and health endpoint ({@code -1}: off, {@code 0}: a free port). */
  public int metricsPort() {
    return metricsPort;
  }

  /** The most bytes the store holds. */
  public long storeMaxBytes() {
    return storeMaxBytes;
  }

  /** The age after which a stored message is dropped (counted). */
  public long storeMaxAgeSeconds() {
    return storeMaxAgeSeconds;
  }

  /** What happens when the store is full. */
  public StoreOverflow storeOverflow() {
    return storeOverflow;
  }

  /** The IoT Hub host name: the leaves' token audience and the upstream host; null without Azure leaves. */
  public @Nullable String hubHostName() {
    return hubHostName;
  }

  /** The upstream MQTT over TLS port. */
  public int hubPort() {
    return hubPort;
  }

  /** The host the upstream connections dial instead of {@link #hubHostName()}, or null. */
  public @Nullable String hubConnectHost() {
    return hubConnectHost;
  }

  /** A PEM file of the CAs to trust upstream, or null for the JVM's trust store. */
  public @Nullable Path hubCaFile() {
    return hubCaFile;
  }

  /** The leaves, in configuration order. */
  public List<LeafDevice> leaves() {
    return leaves;
  }

  /** The DPS enrollment group unknown leaves are provisioned through, or null: only configured leaves. */
  public @Nullable LeafProvisioning provisioning() {
    return provisioning;
  }

  /** The Watson IoT upstream and its leaves, or null without Watson leaves (protocol.md §18.3). */
  public @Nullable WatsonUpstream watson() {
    return watson;
  }

  /** How long a graceful shutdown waits for upstream acknowledgements before it keeps the rest on disk. */
  public long shutdownDrainMillis() {
    return shutdownDrainMillis;
  }

  /**
   * How many PUBLISHes one leaf connection may have read and not yet acknowledged (awaiting the store) before the
   * gateway stops reading its socket (protocol.md §18.9); also the MQTT 5 receive maximum it announces.
   */
  public int maxPendingPerLeaf() {
    return maxPendingPerLeaf;
  }

  /** The estimated heap of all leaves' PUBLISHes awaiting the store above which the gateway stops reading them. */
  public long maxPendingBytes() {
    return maxPendingBytes;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof GatewayConfig)) {
      return false;
    }
    GatewayConfig other = (GatewayConfig) o;
    return mqttPort == other.mqttPort && tlsPort == other.tlsPort && metricsPort == other.metricsPort
        && storeMaxBytes == other.storeMaxBytes && storeMaxAgeSeconds == other.storeMaxAgeSeconds
        && hubPort == other.hubPort && shutdownDrainMillis == other.shutdownDrainMillis
        && maxPendingPerLeaf == other.maxPendingPerLeaf && maxPendingBytes == other.maxPendingBytes
        && hostName.equals(other.hostName) && bindAddress.equals(other.bindAddress)
        && Objects.equals(tlsCertificateFile, other.tlsCertificateFile)
        && Objects.equals(tlsKeyFile, other.tlsKeyFile) && Objects.equals(dataDirectory, other.dataDirectory)
        && metricsBindAddress.equals(other.metricsBindAddress) && storeOverflow == other.storeOverflow
        && Objects.equals(hubHostName, other.hubHostName) && Objects.equals(hubConnectHost, other.hubConnectHost)
        && Objects.equals(hubCaFile, other.hubCaFile) && leaves.equals(other.leaves)
        && Objects.equals(provisioning, other.provisioning) && Objects.equals(watson, other.watson);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hostName, bindAddress, mqttPort, tlsPort, tlsCertificateFile, tlsKeyFile, dataDirectory,
        metricsBindAddress, metricsPort, storeMaxBytes, storeMaxAgeSeconds, storeOverflow, hubHostName, hubPort,
        hubConnectHost, hubCaFile, leaves, provisioning, shutdownDrainMillis, maxPendingPerLeaf, maxPendingBytes,
        watson);
  }

  @Override
  public String toString() {
    return "GatewayConfig{host=" + hostName + ", bind=" + bindAddress + ", mqtt=" + mqttPort + ", tls=" + tlsPort
        + ", data=" + dataDirectory + ", metrics=" + metricsPort + ", store=" + storeMaxBytes + " B/"
        + storeMaxAgeSeconds + " s/" + storeOverflow + ", pending<=" + maxPendingPerLeaf + "/leaf, "
        + maxPendingBytes + " B, hub=" + hubHostName + ":" + hubPort
        + (hubConnectHost != null ? " via " + hubConnectHost : "") + ", leaves=" + leaves.size()
        + (provisioning != null ? ", " + provisioning : "") + (watson != null ? ", watson=" + watson : "")
        + "}";
  }

  /** Builds a {@link GatewayConfig}; setters reject bad values at once, {@link #build()} missing ones. */
  public static final class Builder {
    private String hostName = "localhost";
    private String bindAddress = "127.0.0.1";
    private int mqttPort = -1;
    private int tlsPort = 8883;
    private @Nullable Path tlsCertificateFile;
    private @Nullable Path tlsKeyFile;
    private @Nullable Path dataDirectory;
    private String metricsBindAddress = "127.0.0.1";
    private int metricsPort = -1;
    private long storeMaxBytes = 256L * 1024 * 1024;
    private long storeMaxAgeSeconds = 7L * 24 * 3600;
    private StoreOverflow storeOverflow = StoreOverflow.REJECT_NEW;
    private @Nullable String hubHostName;
    private int hubPort = 8883;
    private @Nullable String hubConnectHost;
    private @Nullable Path hubCaFile;
    private final List<LeafDevice> leaves = new ArrayList<>();
    private @Nullable LeafProvisioning provisioning;
    private long shutdownDrainMillis = 5_000;
    private int maxPendingPerLeaf = 16;
    private long maxPendingBytes = 64L * 1024 * 1024;
    private @Nullable WatsonUpstream watson;

    private Builder() {
    }

    /** Sets the host name leaves dial (default {@code localhost}). */
    public Builder hostName(String hostName) {
      this.hostName = text("hostName", hostName);
      return this;
    }

    /** Sets the address of the downstream listeners (default {@code 127.0.0.1}; {@code 0.0.0.0} for the LAN). */
    public Builder bindAddress(String bindAddress) {
      this.bindAddress = text("bindAddress", bindAddress);
      return this;
    }

    /** Sets the plain MQTT port (default -1: off; 0: a free port). */
    public Builder mqttPort(int port) {
      this.mqttPort = port("mqttPort", port);
      return this;
    }

    /** Sets the MQTT over TLS port (default 8883; -1: off; 0: a free port). */
    public Builder tlsPort(int port) {
      this.tlsPort = port("tlsPort", port);
      return this;
    }

    /** Sets the PEM certificate chain and private key of the TLS listener (default: generated). */
    public Builder tlsCertificate(Path certificateFile, Path keyFile) {
      if (certificateFile == null) {
        throw new IllegalArgumentException("certificateFile must not be null");
      }
      if (keyFile == null) {
        throw new IllegalArgumentException("keyFile must not be null");
      }
      this.tlsCertificateFile = certificateFile;
      this.tlsKeyFile = keyFile;
      return this;
    }

    /** Sets the data directory (default null: an in-memory store, nothing kept across restarts). */
    public Builder dataDirectory(@Nullable Path dataDirectory) {
      this.dataDirectory = dataDirectory;
      return this;
    }

    /** Sets the metrics endpoint's address and port (default port -1: off; 0: a free port). */
    public Builder metrics(String bindAddress, int port) {
      this.metricsBindAddress = text("metrics bindAddress", bindAddress);
      this.metricsPort = port("metrics port", port);
      return this;
    }

    /** Sets the store's limits and overflow policy (defaults 256 MiB, 7 days, REJECT_NEW). */
    public Builder store(long maxBytes, long maxAgeSeconds, StoreOverflow overflow) {
      if (maxBytes < 1024) {
        throw new IllegalArgumentException("store maxBytes must be at least 1024, got " + maxBytes);
      }
      if (maxAgeSeconds < 1) {
        throw new IllegalArgumentException("store maxAgeSeconds must be at least 1, got " + maxAgeSeconds);
      }
      if (overflow == null) {
        throw new IllegalArgumentException("overflow must not be null");
      }
      this.storeMaxBytes = maxBytes;
      this.storeMaxAgeSeconds = maxAgeSeconds;
      this.storeOverflow = overflow;
      return this;
    }

    /** Sets the IoT Hub host name (required) and its MQTT over TLS port (8883). */
    public Builder hub(String hostName, int port) {
      this.hubHostName = text("hub hostName", hostName);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("hub port must be 1..65535, got " + port);
      }
      this.hubPort = port;
      return this;
    }

    /** Sets the host the upstream connections dial instead of the hub host name (a proxy, a test). */
    public Builder hubConnectHost(@Nullable String host) {
      this.hubConnectHost = host;
      return this;
    }

    /** Sets a PEM file of the CAs trusted upstream (default: the JVM's trust store). */
    public Builder hubCaFile(@Nullable Path caFile) {
      this.hubCaFile = caFile;
      return this;
    }

    /** Adds a leaf. */
    public Builder leaf(LeafDevice leaf) {
      if (leaf == null) {
        throw new IllegalArgumentException("leaf must not be null");
      }
      this.leaves.add(leaf);
      return this;
    }

    /** Provisions unknown leaves through a DPS enrollment group (default null: only configured leaves). */
    public Builder provisioning(@Nullable LeafProvisioning provisioning) {
      this.provisioning = provisioning;
      return this;
    }

    /** Sets the Watson IoT upstream and its leaves (protocol.md §18.3); null for none. */
    public Builder watson(@Nullable WatsonUpstream watson) {
      this.watson = watson;
      return this;
    }

    /** Sets how long a graceful shutdown waits for upstream acknowledgements (default 5,000 ms). */
    public Builder shutdownDrainMillis(long millis) {
      if (millis < 0) {
        throw new IllegalArgumentException("shutdownDrainMillis must not be negative, got " + millis);
      }
      this.shutdownDrainMillis = millis;
      return this;
    }

    /**
     * Sets how many PUBLISHes one leaf connection may have awaiting the store (1..65535, default 16; protocol.md
     * §18.9): at the limit the gateway stops reading the leaf's socket until half are acknowledged. Also the MQTT 5
     * receive maximum the gateway announces.
     */
    public Builder maxPendingPerLeaf(int perLeaf) {
      if (perLeaf < 1 || perLeaf > 65_535) {
        throw new IllegalArgumentException("maxPendingPerLeaf must be 1..65535, got " + perLeaf);
      }
      this.maxPendingPerLeaf = perLeaf;
      return this;
    }

    /**
     * Sets the heap the PUBLISHes awaiting the store may take over all leaves (at least 65536, default 64 MiB;
     * HiveMQ's estimate of each): above it the gateway stops reading the leaves that send until it is below 3/4.
     */
    public Builder maxPendingBytes(long totalBytes) {
      if (totalBytes < 65_536) {
        throw new IllegalArgumentException("maxPendingBytes must be at least 65536, got " + totalBytes);
      }
      this.maxPendingBytes = totalBytes;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalStateException if neither the hub nor Watson is set, the hub has no leaf (nor provisioning)
     *     or leaves have no hub, a leaf id repeats, an Azure leaf id starts with {@code d:} beside Watson leaves,
     *     or both downstream ports are off
     */
    public GatewayConfig build() {
      if (hubHostName == null && (!leaves.isEmpty() || provisioning != null)) {
        throw new IllegalStateException("hub host name missing for the Azure leaves: call hub(hostName, port)");
      }
      if (hubHostName == null && watson == null) {
        throw new IllegalStateException("no upstream: call hub(hostName, port) for IoT Hub or watson(...) for"
            + " Watson IoT");
      }
      if (hubHostName != null && leaves.isEmpty() && provisioning == null) {
        throw new IllegalStateException("no leaf device configured: add at least one with leaf(...), or "
            + "provisioning(...)");
      }
      Set<String> ids = new HashSet<>();
      for (LeafDevice leaf : leaves) {
        if (!ids.add(leaf.clientId())) {
          throw new IllegalStateException("leaf device id '" + leaf.clientId() + "' is configured twice");
        }
      }
      if (watson != null) {
        for (String id : ids) {
          if (id.startsWith("d:")) {
            throw new IllegalStateException("leaf device id '" + id + "' starts with 'd:', which names Watson"
                + " devices on this gateway's broker");
          }
        }
      }
      if (mqttPort < 0 && tlsPort < 0) {
        throw new IllegalStateException("both downstream ports are off: set mqttPort or tlsPort");
      }
      return new GatewayConfig(this);
    }

    private static String text(String name, String value) {
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException(name + " must not be null or empty");
      }
      return value;
    }

    private static int port(String name, int port) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException(name + " must be -1 (off), 0 (free) or 1..65535, got " + port);
      }
      return port;
    }
  }
}
