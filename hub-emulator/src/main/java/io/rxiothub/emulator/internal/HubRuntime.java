// The emulator's lifecycle behind HubEmulator's public API: the timer, the data dir and TLS material, the hub core,
// and start, restart, broker outage and close of the embedded broker and its listeners.
package io.rxiothub.emulator.internal;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.rxiothub.emulator.http.HttpRoutes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One emulator's running parts. Thread-safe; its own monitor guards start, stop and the ports. */
public final class HubRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(HubRuntime.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  /** Threads answering REST calls (blocking registry work; long waits such as methods do not hold one). */
  private static final int HTTP_WORKERS = 8;

  private final HubSettings settings;
  private final ScheduledExecutorService timer;
  private final DataDir store;
  private final TlsMaterial tls;
  private final HubCore core;
  private final HttpRoutes routes = new HttpRoutes();
  private final ExecutorService httpWorkers;

  private @Nullable FrontServer front;
  private @Nullable Broker broker;
  private int mqttPort = -1;
  private int webSocketPort = -1;
  private int plainPort = -1;
  private boolean closed;

  /**
   * Opens the data dir, issues or loads the TLS material at the settings' clock's now, and restores the saved state
   * (not started).
   *
   * @throws java.io.UncheckedIOException if the data dir or the CA file cannot be written
   * @throws IllegalStateException if the saved state cannot be read
   */
  public HubRuntime(HubSettings settings) {
    this.settings = settings;
    int instance = INSTANCES.incrementAndGet();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, "hub-emulator-" + instance + "-timer");
      t.setDaemon(true);
      return t;
    };
    this.timer = Executors.newSingleThreadScheduledExecutor(threads);
    AtomicInteger httpThreads = new AtomicInteger();
    this.httpWorkers = Executors.newFixedThreadPool(HTTP_WORKERS, r -> {
      Thread t = new Thread(r, "hub-emulator-" + instance + "-http-" + httpThreads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.core = new HubCore(settings.hostName(), settings.clock(), timer, settings.telemetryRetention());
    DataDir opened = null;
    try {
      opened = DataDir.open(settings.dataDir());
      this.store = opened;
      this.tls = store.tls(settings.tlsMaterialFile(), certificateNames(settings), settings.clock().instant());
      store.load(core);
    } catch (RuntimeException e) {
      timer.shutdownNow();
      httpWorkers.shutdownNow();
      if (opened != null) {
        opened.close();
      }
      throw e;
    }
    SharedAccessPolicies.ensureDefaults(core.registry());
  }

  private static Set<String> certificateNames(HubSettings settings) {
    Set<String> names = new LinkedHashSet<>();
    names.add(settings.hostName().toLowerCase(Locale.ROOT));
    names.add("localhost");
    names.add("hub.localhost");
    names.add("dps.localhost");
    names.addAll(settings.certificateNames());
    return names;
  }

  /** The hub core. */
  public HubCore core() {
    return core;
  }

  /** The HTTPS route table served on the WebSocket port. */
  public HttpRoutes routes() {
    return routes;
  }

  /** The TLS material. */
  public TlsMaterial tls() {
    return tls;
  }

  /** The CA certificate file. */
  public Path caFile() {
    return store.caFile();
  }

  /**
   * Starts the broker and binds the listeners.
   *
   * @throws IllegalStateException if already started or closed, or a port cannot be bound
   */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("this emulator is closed; build a new one");
    }
    if (broker != null || front != null) {
      throw new IllegalStateException("the emulator is already started");
    }
    Broker started = Broker.start(core);
    broker = started;
    FrontServer listeners = new FrontServer(tls, settings.bindAddress(), core.faults(), core.clientCertificates());
    listeners.brokerPort(started.port());
    try {
      mqttPort = listeners.bindTls(settings.mqttPort());
      webSocketPort = settings.webSocketPort() < 0 ? -1 : listeners.bindWebSocket(settings.webSocketPort(),
          routes, Schedulers.from(httpWorkers));
      plainPort = settings.plainTcpPort() < 0 ? -1 : listeners.bindPlain(settings.plainTcpPort());
    } catch (RuntimeException e) {
      listeners.close();
      core.attach(null);
      started.close();
      broker = null;
      throw new IllegalStateException("cannot start the emulator: " + e.getMessage(), e);
    }
    front = listeners;
    core.faults().connections(listeners);
    LOG.info("hub emulator {} started: MQTT/TLS {}:{}, MQTT/WSS and HTTPS REST {}, plain MQTT {}", settings.hostName(),
        settings.bindAddress(), mqttPort, webSocketPort < 0 ? "off" : Integer.toString(webSocketPort),
        plainPort < 0 ? "off" : plainPort);
  }

  /**
   * Stops and starts the broker, keeping the listeners' ports and the hub's state.
   *
   * @throws IllegalStateException if not started, or the broker is down for an outage
   */
  public synchronized void restart() {
    Broker current = broker;
    FrontServer listeners = front;
    if (listeners == null) {
      throw new IllegalStateException("the emulator is not started");
    }
    if (current == null) {
      throw new IllegalStateException("the broker is stopped by an outage; it restarts when the outage ends");
    }
    core.attach(null);
    current.close();
    Broker started = Broker.start(core);
    broker = started;
    listeners.brokerPort(started.port());
    LOG.info("hub emulator {} restarted", settings.hostName());
  }

  /** A broker outage of {@code downtime} (cold; see {@code Faults.brokerOutage}). */
  public Completable outage(Duration downtime) {
    return Completable.create(emitter -> {
      synchronized (this) {
        if (closed || front == null) {
          throw new IllegalStateException("the emulator is not started");
        }
        Broker current = broker;
        if (current == null) {
          throw new IllegalStateException("the broker is already stopped by an outage");
        }
        core.attach(null);
        current.close();
        broker = null;
        // Port 0 refuses at once: the front accepts new connections and closes them.
        front.brokerPort(0);
        LOG.info("hub emulator {}: broker outage for {} ms", settings.hostName(), downtime.toMillis());
      }
      timer.schedule(() -> {
        try {
          endOutage();
          emitter.onComplete();
        } catch (RuntimeException e) {
          emitter.tryOnError(e);
        }
      }, downtime.toMillis(), TimeUnit.MILLISECONDS);
    });
  }

  private synchronized void endOutage() {
    FrontServer listeners = front;
    if (closed || listeners == null) {
      throw new IllegalStateException("the emulator was closed during the broker outage");
    }
    if (broker == null) {
      Broker started = Broker.start(core);
      broker = started;
      listeners.brokerPort(started.port());
      LOG.info("hub emulator {}: broker outage ended", settings.hostName());
    }
  }

  /** Stops listeners and broker, fails pending method calls, closes the data dir's database; final. Idempotent. */
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    core.faults().connections(null);
    if (front != null) {
      front.close();
      front = null;
    }
    core.attach(null);
    core.abandonMethods();
    if (broker != null) {
      broker.close();
      broker = null;
    }
    timer.shutdownNow();
    httpWorkers.shutdownNow();
    store.close();
  }

  /** The bound MQTT over TLS port. @throws IllegalStateException if not started */
  public synchronized int mqttPort() {
    requireStarted();
    return mqttPort;
  }

  /** The bound MQTT over WebSocket port, or -1 when off. @throws IllegalStateException if not started */
  public synchronized int webSocketPort() {
    requireStarted();
    return webSocketPort;
  }

  /** The bound plain MQTT port, or -1 when off. @throws IllegalStateException if not started */
  public synchronized int plainTcpPort() {
    requireStarted();
    return plainPort;
  }

  private void requireStarted() {
    if (front == null) {
      throw new IllegalStateException("the emulator is not started");
    }
  }

  @Override
  public String toString() {
    return "hostName=" + settings.hostName() + ", mqttPort=" + mqttPort + ", webSocketPort=" + webSocketPort;
  }
}
