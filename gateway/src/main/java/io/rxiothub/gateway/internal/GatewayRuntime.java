// Wires one running gateway: the store, the relays, the downstream broker, the metrics endpoint; and its shutdown.
package io.rxiothub.gateway.internal;

import io.rxiothub.gateway.GatewayConfig;
import io.rxiothub.gateway.LeafDevice;
import io.rxiothub.gateway.LeafProvisioning;
import io.rxiothub.gateway.StoreOverflow;
import io.rxiothub.gateway.WatsonUpstream;
import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.OverflowPolicy;
import io.rxiothub.gateway.store.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A started gateway. */
public final class GatewayRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayRuntime.class);
  private static final int FORWARDER_THREADS = 2;

  private final GatewayConfig config;
  private final ForwardStore store;
  private final Relays relays;
  private final @Nullable WatsonRelay watson;
  private final Metrics metrics;
  private final Backpressure backpressure;
  private final ScheduledExecutorService timer;
  private final ExecutorService forwarder;
  private final Forwarding forwarding;
  private final GatewayBroker broker;
  private final @Nullable MetricsServer metricsServer;
  private final @Nullable String caPem;
  private boolean closed;

  private GatewayRuntime(GatewayConfig config, ForwardStore store, Relays relays, @Nullable WatsonRelay watson,
      Metrics metrics, Backpressure backpressure,
      ScheduledExecutorService timer, ExecutorService forwarder, Forwarding forwarding, GatewayBroker broker,
      @Nullable MetricsServer metricsServer, @Nullable String caPem) {
    this.config = config;
    this.store = store;
    this.relays = relays;
    this.watson = watson;
    this.metrics = metrics;
    this.backpressure = backpressure;
    this.timer = timer;
    this.forwarder = forwarder;
    this.forwarding = forwarding;
    this.broker = broker;
    this.metricsServer = metricsServer;
    this.caPem = caPem;
  }

  /** Starts a gateway: opens the store, starts the broker, resumes forwarding what the store holds. */
  public static GatewayRuntime start(GatewayConfig config) {
    return start(config, UnaryOperator.identity());
  }

  /** Starts a gateway whose store is {@code wrap} applied to the one its configuration opens (a test seam). */
  public static GatewayRuntime start(GatewayConfig config, UnaryOperator<ForwardStore> wrap) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "rxiothub-gateway-timer");
      t.setDaemon(true);
      return t;
    });
    // The sends a durable append calls for, off the store's writer thread; a fixed pool, whatever the leaves.
    AtomicInteger forwarderThreads = new AtomicInteger();
    ExecutorService forwarder = Executors.newFixedThreadPool(FORWARDER_THREADS, r -> {
      Thread t = new Thread(r, "rxiothub-gateway-forward-" + forwarderThreads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    ForwardStore store = wrap.apply(ForwardStore.open(storeSettings(config)));
    GatewayBroker broker = null;
    WatsonRelay watson = null;
    try {
      Metrics metrics = new Metrics();
      Backpressure backpressure = new Backpressure(config.maxPendingPerLeaf(), config.maxPendingBytes());
      UpstreamFactory factory = new UpstreamFactory(config);
      GatewayExtension[] extension = new GatewayExtension[1];
      Downstream down = new Downstream() {
        @Override
        public java.util.concurrent.CompletableFuture<Boolean> publish(String clientId, String topic,
            byte[] payload, int qos) {
          return extension[0].publish(clientId, topic, payload, qos);
        }

        @Override
        public void disconnect(String clientId) {
          extension[0].disconnect(clientId);
        }
      };
      Forwarding forwarding = new Forwarding(store, metrics, timer, forwarder);
      Map<String, LeafRelay> byId = new LinkedHashMap<>();
      Map<String, LeafDevice> leaves = new LinkedHashMap<>();
      for (LeafDevice leaf : config.leaves()) {
        leaves.put(leaf.clientId(), leaf);
        byId.put(leaf.clientId(), new LeafRelay(leaf, factory, forwarding, down));
      }
      Relays relays = new Relays(byId);
      LeafProvisioner provisioner = provisioner(config, factory, relays,
          leaf -> new LeafRelay(leaf, factory, forwarding, down));
      WatsonUpstream watsonConfig = config.watson();
      if (watsonConfig != null) {
        watson = new WatsonRelay(watsonConfig, forwarding, down);
      }
      String hub = config.hubHostName();
      extension[0] = new GatewayExtension(new LeafAuth(hub == null ? "" : hub, leaves,
          config.provisioning() == null ? null : config.provisioning().groupKey()), relays, provisioner,
          watson == null ? null : new WatsonDownstream(watson, down::disconnect), backpressure);
      GatewayTls tls = config.tlsPort() < 0 ? null : tls(config);
      broker = GatewayBroker.start(extension[0], config.bindAddress(), config.mqttPort(), config.tlsPort(), tls,
          config.maxPendingPerLeaf());
      MetricsServer server = null;
      GatewayRuntime[] self = new GatewayRuntime[1];
      if (config.metricsPort() >= 0) {
        server = MetricsServer.start(config.metricsBindAddress(), config.metricsPort(),
            () -> self[0].metricsText(), () -> self[0].healthy());
      }
      self[0] = new GatewayRuntime(config, store, relays, watson, metrics, backpressure, timer, forwarder,
          forwarding, broker, server,
          tls == null ? null : tls.caCertificatePem());
      for (String deviceId : store.devices()) {
        LeafRelay relay = relays.get(deviceId);
        if (relay != null) {
          relay.kick(); // resume what an earlier run stored and did not forward
        } else if (watson != null && watson.isLeaf(deviceId)) {
          watson.resume(deviceId);
        } else {
          LOG.warn("gateway: the store holds messages of '{}', which is no longer a configured leaf: kept",
              deviceId);
        }
      }
      if (watson != null) {
        watson.start();
      }
      LOG.info("gateway started: {}", config);
      return self[0];
    } catch (RuntimeException e) {
      if (broker != null) {
        broker.close();
      }
      if (watson != null) {
        watson.close();
      }
      store.close();
      timer.shutdownNow();
      forwarder.shutdownNow();
      throw e;
    }
  }

  /** The DPS provisioner with the leaves an earlier run provisioned restored, or null without provisioning. */
  private static @Nullable LeafProvisioner provisioner(GatewayConfig config, UpstreamFactory factory, Relays relays,
      java.util.function.Function<LeafDevice, LeafRelay> newRelay) {
    LeafProvisioning settings = config.provisioning();
    if (settings == null) {
      return null;
    }
    LeafProvisioner provisioner = new LeafProvisioner(settings, ProvisionedLeaves.open(config.dataDirectory()),
        factory, relays, newRelay);
    int restored = provisioner.restore();
    if (restored > 0) {
      LOG.info("gateway: {} leaf(s) provisioned by an earlier run restored (no DPS request)", restored);
    }
    return provisioner;
  }

  private static StoreSettings storeSettings(GatewayConfig config) {
    StoreSettings.Builder b = StoreSettings.builder()
        .maxBytes(config.storeMaxBytes())
        .maxAge(Duration.ofSeconds(config.storeMaxAgeSeconds()))
        .overflow(config.storeOverflow() == StoreOverflow.DROP_OLDEST
            ? OverflowPolicy.DROP_OLDEST : OverflowPolicy.REJECT_NEW);
    Path data = config.dataDirectory();
    return (data == null ? b.inMemory() : b.directory(data.resolve("store"))).build();
  }

  private static GatewayTls tls(GatewayConfig config) {
    Path cert = config.tlsCertificateFile();
    Path key = config.tlsKeyFile();
    if (cert != null && key != null) {
      return GatewayTls.read(cert, key);
    }
    Path dir = config.dataDirectory();
    try {
      return GatewayTls.generated(dir != null ? dir.resolve("tls") : Files.createTempDirectory("rxiothub-gw-tls-"),
          config.hostName(), Instant.now());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot make a folder for the generated TLS material", e);
    }
  }

  /** The plain MQTT port, or -1. */
  public int mqttPort() {
    return broker.mqttPort();
  }

  /** The MQTT over TLS port, or -1. */
  public int tlsPort() {
    return broker.tlsPort();
  }

  /** The metrics port, or -1. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  /** The CA certificate leaves should trust (PEM), or null without a TLS listener. */
  public @Nullable String caCertificatePem() {
    return caPem;
  }

  /** The metrics as Prometheus text. */
  public String metricsText() {
    int open = 0;
    int up = 0;
    for (LeafRelay relay : relays.all()) {
      int state = relay.upstreamState();
      open += state > 0 ? 1 : 0;
      up += state == 2 ? 1 : 0;
    }
    int online = (int) relays.all().stream().filter(LeafRelay::isOnline).count();
    if (watson != null) {
      open++;
      up += watson.upstreamState() == 2 ? 1 : 0;
      online += watson.leavesOnline();
    }
    int connected = up;
    int leavesOnline = online;
    StringBuilder out = new StringBuilder(metrics.text(store, () -> leavesOnline, () -> connected, open));
    backpressure.metricsText(out);
    if (watson != null) {
      watson.metricsText(out);
    }
    return out.toString();
  }

  /** Healthy while every open upstream connection is up. */
  public boolean healthy() {
    for (LeafRelay relay : relays.all()) {
      if (relay.upstreamState() == 1) {
        return false;
      }
    }
    return watson == null || watson.upstreamState() == 2;
  }

  /** The messages the store holds now. */
  public long queued() {
    return store.stats().messages();
  }

  /**
   * Graceful shutdown: no more leaves (the broker stops), waits up to the configured drain time for the upstream
   * acknowledgements in flight, closes the upstream clients; what is not acknowledged stays in the store.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    broker.close();
    forwarding.stopSending();
    forwarder.shutdown(); // a queued kick finds its forwarder draining and sends nothing
    int left = 0;
    try {
      left = forwarding.awaitIdle(System.currentTimeMillis() + config.shutdownDrainMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    forwarding.close();
    relays.all().forEach(LeafRelay::close);
    if (watson != null) {
      watson.close();
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
    forwarding.deletions.flush(); // what the cloud acknowledged leaves the store before it closes
    long kept = store.stats().messages();
    store.close();
    timer.shutdownNow();
    LOG.info("gateway stopped: {} message(s) kept in the store ({} were in flight at the drain's end)", kept, left);
  }
}
