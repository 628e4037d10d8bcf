// A local Azure IoT Hub (device side, MQTT) on embedded HiveMQ CE, with a service API for tests and tools.
package io.rxiothub.emulator;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.emulator.dps.DpsEndpoint;
import io.rxiothub.emulator.dps.internal.EnrollmentRoutes;
import io.rxiothub.emulator.edge.EdgeHub;
import io.rxiothub.emulator.edge.internal.EdgeFace;
import io.rxiothub.emulator.edge.internal.EdgeServiceRoutes;
import io.rxiothub.emulator.files.FileUploads;
import io.rxiothub.emulator.files.internal.FileUploadService;
import io.rxiothub.emulator.files.internal.FilesConsole;
import io.rxiothub.emulator.http.HttpRoutes;
import io.rxiothub.emulator.internal.C2dEntry;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.HubRuntime;
import io.rxiothub.emulator.internal.HubSettings;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.console.internal.ConsoleFace;
import io.rxiothub.emulator.service.internal.ServiceAuth;
import io.rxiothub.emulator.service.internal.ServiceFace;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A local IoT Hub speaking the device-side MQTT dialect of protocol.md: MQTT over TLS, MQTT over secure WebSocket
 * ({@code /$iothub/websocket}, any query string), optionally plain MQTT. It authenticates SAS tokens against its
 * registry, captures telemetry, queues cloud-to-device messages, keeps twins and invokes direct methods.
 *
 * <pre>{@code
 * try (HubEmulator hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).build()) {
 *   hub.start();
 *   DeviceIdentity dev = hub.registry().createDevice("dev1");
 *   // connect a device with dev.connectionString(), trusting hub.sslContext() or hub.caFile()
 * }
 * }</pre>
 *
 * <p>All service methods returning Rx types are cold; signals arrive on the emulator's threads. Thread-safe.
 */
public final class HubEmulator implements AutoCloseable {

  /** Time to live of a C2D message when none is given (IoT Hub's default). */
  public static final Duration DEFAULT_C2D_TTL = Duration.ofHours(1);

  private final String hostName;
  private final HubRuntime runtime;
  private final HubCore core;
  private final DeviceRegistry registry;
  private final Faults faults;
  private final FileUploadService files;
  private final CountDownLatch shutdownRequest = new CountDownLatch(1);
  private final ConsoleFace console;
  private final Runnable stopServiceWork;
  private @Nullable DpsEndpoint dps;
  private final EdgeFace edge;

  private HubEmulator(HubSettings settings) {
    this.hostName = settings.hostName();
    this.runtime = new HubRuntime(settings);
    this.core = runtime.core();
    this.registry = new DeviceRegistry(core.registry());
    this.faults = new Faults(core.faults(), core::acceptedConnections, runtime::outage, runtime::restart);
    this.files = new FileUploadService(core.registry(), settings.clock(), runtime::webSocketPort,
        core.faults()::cutStorageUploads, core.faults()::storageCutsDone,
        settings.dataDir() == null ? null : settings.dataDir().resolve("blob-storage"));
    this.stopServiceWork = ServiceFace.install(runtime.routes(), core, settings.clock(), shutdownRequest::countDown,
        files.notifications());
    this.console = ConsoleFace.install(runtime.routes(), core, settings.clock());
    files.install(runtime.routes());
    FilesConsole.install(runtime.routes(), console.pages(), files, core.registry(), settings.clock());
    this.edge = new EdgeFace(core, () -> runtime.tls().caCertificatePem());
    EdgeServiceRoutes.install(runtime.routes(), edge, core.registry(),
        new ServiceAuth(core.registry(), settings.clock()));
    EnrollmentRoutes.install(runtime.routes(), this::dps, hostName, new ServiceAuth(core.registry(), settings.clock()),
        settings.clock());
  }

  /** Returns a builder with the defaults: host {@code localhost}, ports 8883 and 443, in memory, system clock. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the broker and binds the listeners.
   *
   * @throws IllegalStateException if already started or closed, or a port cannot be bound
   */
  public HubEmulator start() {
    runtime.start();
    return this;
  }

  /**
   * Stops and starts the broker, keeping the listeners' ports, the registry, twins and queued C2D messages. Every
   * device loses its connection (no MQTT close) and may reconnect at once.
   *
   * @throws IllegalStateException if not started
   */
  public void restart() {
    runtime.restart();
  }

  /** Fault injection for this emulator's devices and broker. */
  public Faults faults() {
    return faults;
  }

  /** Stops listeners and broker; the emulator cannot be started again. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (dps != null) {
        dps.close();
      }
    }
    stopServiceWork.run();
    edge.close();
    runtime.close();
    console.close();
  }

  /**
   * File upload (docs/protocol.md §16): the hub's device endpoints on the HTTPS (WebSocket) port, the built-in
   * Blob storage face or a configured account such as Azurite, and the completion notifications.
   */
  public FileUploads files() {
    return files;
  }

  /**
   * The IoT Edge side (docs/protocol.md §17.4-17.5): edgeHub routes between the modules of an edge device, the
   * workload API that signs their tokens, and their {@code IOTEDGE_*} environment.
   */
  public EdgeHub edge() {
    return edge;
  }

  /** This emulator's Device Provisioning Service endpoint (started by its own {@code start}); one per emulator. */
  public synchronized DpsEndpoint dps() {
    if (dps == null) {
      dps = new DpsEndpoint(this, runtime.tls().keyManagerFactory());
    }
    return dps;
  }

  /** The hub host name that connection strings carry. */
  public String hostName() {
    return hostName;
  }

  /** The bound MQTT over TLS port. @throws IllegalStateException if not started */
  public int mqttPort() {
    return runtime.mqttPort();
  }

  /** The bound MQTT over WebSocket port, or -1 when disabled. @throws IllegalStateException if not started */
  public int webSocketPort() {
    return runtime.webSocketPort();
  }

  /** The bound plain MQTT port, or -1 when disabled (the default). @throws IllegalStateException if not started */
  public int plainTcpPort() {
    return runtime.plainTcpPort();
  }

  /** A client SSLContext that trusts the emulator's CA (and nothing else). */
  public SSLContext sslContext() {
    return runtime.tls().clientContext();
  }

  /** A PKCS12 trust store holding the emulator's CA. */
  public KeyStore trustStore() {
    return runtime.tls().trustStore();
  }

  /** The CA certificate as PEM text. */
  public String caCertificatePem() {
    return runtime.tls().caCertificatePem();
  }

  /** The CA certificate as a PEM file (in the data dir, or a temporary file deleted on close). */
  public Path caFile() {
    return runtime.caFile();
  }

  /**
   * The HTTPS route table served on the WebSocket port beside MQTT over WebSocket: IoT Hub's service REST API is
   * in it (docs/service-api.md); other faces add their routes here.
   */
  public HttpRoutes routes() {
    return runtime.routes();
  }

  /**
   * The web console's URL, {@code https://{host}:{webSocketPort}/console/} (docs/console.md): it asks for a service
   * connection string such as {@link #serviceConnectionString()} and serves nothing of the hub without one.
   *
   * @throws IllegalStateException if not started, or the WebSocket port (which the console shares) is off
   */
  public String consoleUrl() {
    int port = webSocketPort();
    if (port < 0) {
      throw new IllegalStateException("the console is served on the WebSocket port, which is off");
    }
    return "https://" + hostName + ":" + port + ConsoleFace.PATH;
  }

  /**
   * The service connection string of the {@code iothubowner} policy,
   * {@code HostName={host};SharedAccessKeyName=iothubowner;SharedAccessKey=…} (a secret), for the official service
   * SDKs and the REST API on {@link #webSocketPort()}.
   */
  public String serviceConnectionString() {
    return serviceConnectionString("iothubowner");
  }

  /**
   * The service connection string of a shared access policy: {@code iothubowner}, {@code service},
   * {@code registryRead}, {@code registryReadWrite} or {@code device}.
   *
   * @throws IllegalArgumentException if there is no such policy
   */
  public String serviceConnectionString(String policy) {
    if (policy == null) {
      throw new IllegalArgumentException("policy must not be null");
    }
    String key = registry.policyKey(policy).orElseThrow(() -> new IllegalArgumentException("policy '" + policy
        + "' does not exist; use one of " + registry.policies().keySet()));
    return "HostName=" + hostName + ";SharedAccessKeyName=" + policy + ";SharedAccessKey=" + key;
  }

  /**
   * Waits until a service client asked the emulator's process to stop ({@code POST /emulator/shutdown} with an
   * iothubowner token) or the time passed; returns whether one asked. The emulator itself keeps running: the
   * process that owns it decides.
   */
  public boolean awaitShutdownRequest(long timeout, TimeUnit unit) throws InterruptedException {
    if (unit == null) {
      throw new IllegalArgumentException("unit must not be null");
    }
    return shutdownRequest.await(timeout, unit);
  }

  /** The registry of devices and modules. */
  public DeviceRegistry registry() {
    return registry;
  }

  // ---------------------------------------------------------------- telemetry

  /**
   * The hot stream of telemetry captured from now on (device and module messages, Wills included). Each subscriber
   * gets an unbounded buffer; signals arrive on broker threads.
   */
  public Flowable<TelemetryMessage> telemetry() {
    return core.telemetryStream();
  }

  /** Stored telemetry of a device (not its modules), oldest first; the newest messages are kept, bounded. */
  public List<TelemetryMessage> telemetry(String deviceId) {
    return core.telemetry(new Identity(deviceId, null));
  }

  /** Stored telemetry of a module, oldest first. */
  public List<TelemetryMessage> telemetry(String deviceId, String moduleId) {
    return core.telemetry(new Identity(deviceId, moduleId));
  }

  /** Forgets all stored telemetry. */
  public void clearTelemetry() {
    core.clearTelemetry();
  }

  // ---------------------------------------------------------------- C2D

  /**
   * Queues a C2D message (time to live 1 hour). Cold: each subscription queues one message and emits its handle;
   * it is delivered on {@code devices/{id}/messages/devicebound/{bag}} with {@code $.mid}, {@code $.to} and the
   * given properties as soon as the device is connected and subscribed. A {@code $.mid} property sets the id.
   * Errors: IllegalArgumentException (unknown device, over 64 KB, an empty property key), IllegalStateException (50
   * already queued).
   */
  public Single<CloudToDeviceMessage> sendCloudToDevice(String deviceId, byte[] payload,
      Map<String, String> properties) {
    return sendCloudToDevice(deviceId, payload, properties, DEFAULT_C2D_TTL);
  }

  /** As {@link #sendCloudToDevice(String, byte[], Map)} with a time to live. */
  public Single<CloudToDeviceMessage> sendCloudToDevice(String deviceId, byte[] payload,
      Map<String, String> properties, Duration timeToLive) {
    if (deviceId == null) {
      throw new IllegalArgumentException("deviceId must not be null");
    }
    if (payload == null) {
      throw new IllegalArgumentException("payload must not be null");
    }
    if (properties == null) {
      throw new IllegalArgumentException("properties must not be null");
    }
    if (timeToLive == null || timeToLive.isNegative() || timeToLive.isZero()) {
      throw new IllegalArgumentException("timeToLive must be positive");
    }
    byte[] body = payload.clone();
    Map<String, @Nullable String> props = new java.util.LinkedHashMap<>(properties);
    return Single.fromCallable(() -> {
      C2dEntry entry = core.sendCloudToDevice(deviceId, body, props, timeToLive);
      return new CloudToDeviceMessage(entry.messageId(), entry.deviceId(), entry.payload(), entry.properties(),
          entry.enqueuedTime(), entry.expiryTime(), entry::state, entry.states().hide());
    });
  }

  // ---------------------------------------------------------------- twins

  /**
   * Merges a desired-properties patch into a device twin and pushes it to the device if it is connected and
   * subscribed. Cold. Emits the new desired {@code $version}; IllegalArgumentException for an unknown device or a
   * patch that is not a JSON object or breaks a twin limit.
   */
  public Single<Long> updateDesired(String deviceId, String jsonPatch) {
    return updateDesired(new Identity(deviceId, null), jsonPatch);
  }

  /** As {@link #updateDesired(String, String)} for a module twin. */
  public Single<Long> updateDesired(String deviceId, String moduleId, String jsonPatch) {
    return updateDesired(new Identity(deviceId, moduleId), jsonPatch);
  }

  private Single<Long> updateDesired(Identity identity, String jsonPatch) {
    if (jsonPatch == null) {
      throw new IllegalArgumentException("jsonPatch must not be null");
    }
    return Single.fromCallable(() -> {
      long version = core.updateDesired(identity, jsonPatch);
      return version;
    });
  }

  /** Merges a tags patch into a device twin; emits the new twin version. Cold. */
  public Single<Long> updateTags(String deviceId, String jsonPatch) {
    if (jsonPatch == null) {
      throw new IllegalArgumentException("jsonPatch must not be null");
    }
    return Single.fromCallable(() -> {
      long version = core.updateTags(new Identity(deviceId, null), jsonPatch);
      return version;
    });
  }

  /**
   * The device twin as the service API shows it:
   * {@code {"deviceId":…,"version":…,"tags":{…},"properties":{"desired":{…,"$version":…},"reported":{…}}}}. Cold.
   */
  public Single<String> twin(String deviceId) {
    return Single.fromCallable(() -> core.twin(new Identity(deviceId, null)));
  }

  /** The module twin (as {@link #twin(String)}, with {@code moduleId}). Cold. */
  public Single<String> twin(String deviceId, String moduleId) {
    return Single.fromCallable(() -> core.twin(new Identity(deviceId, moduleId)));
  }

  // ---------------------------------------------------------------- methods

  /**
   * Invokes a direct method on a device. Cold: each subscription publishes one request on
   * {@code $iothub/methods/POST/{name}/?$rid={rid}}. Emits the device's status and body; status 404 when the device
   * is not connected or not subscribed to {@code $iothub/methods/POST/#}, 504 when it does not answer within
   * {@code timeout}. Disposing forgets the request.
   *
   * @throws IllegalArgumentException if the name is empty or holds '/', '+' or '#', the timeout is not positive, or
   *     the device does not exist
   */
  public Single<MethodResult> invokeMethod(String deviceId, String methodName, @Nullable String jsonPayload,
      Duration timeout) {
    return core.invokeMethod(new Identity(deviceId, null), methodName, jsonPayload, timeout);
  }

  /** As {@link #invokeMethod(String, String, String, Duration)} on a module. */
  public Single<MethodResult> invokeMethod(String deviceId, String moduleId, String methodName,
      @Nullable String jsonPayload, Duration timeout) {
    return core.invokeMethod(new Identity(deviceId, moduleId), methodName, jsonPayload, timeout);
  }

  // ---------------------------------------------------------------- connections

  /** Severs a device's connection without any MQTT close (to test reconnects); no-op when offline. */
  public void dropConnection(String deviceId) {
    core.dropConnection(new Identity(deviceId, null));
  }

  /** Severs a module's connection. */
  public void dropConnection(String deviceId, String moduleId) {
    core.dropConnection(new Identity(deviceId, moduleId));
  }

  /** Whether the device is connected now. */
  public boolean isConnected(String deviceId) {
    return core.isConnected(new Identity(deviceId, null));
  }

  /** Whether the module is connected now. */
  public boolean isConnected(String deviceId, String moduleId) {
    return core.isConnected(new Identity(deviceId, moduleId));
  }

  @Override
  public String toString() {
    return "HubEmulator{" + runtime + "}";
  }

  /** Builds a {@link HubEmulator}; setters reject bad values at once. */
  public static final class Builder {
    private String hostName = "localhost";
    private String bindAddress = "127.0.0.1";
    private int mqttPort = 8883;
    private int webSocketPort = 443;
    private int plainTcpPort = -1;
    private @Nullable Path dataDir;
    private Clock clock = Clock.systemUTC();
    private int telemetryRetention = 1000;
    private final List<String> additionalNames = new ArrayList<>();
    private @Nullable Path tlsMaterialFile;

    private Builder() {}

    /** The host name in connection strings and SAS resource URIs (default {@code localhost}). */
    public Builder hostName(String hostName) {
      if (hostName == null || hostName.isEmpty() || hostName.contains("/") || hostName.contains(";")) {
        throw new IllegalArgumentException("hostName must be a non-empty host name without '/' or ';'");
      }
      this.hostName = hostName;
      return this;
    }

    /** Extra DNS names or IP addresses for the server certificate (localhost, hub.localhost, 127.0.0.1 are in). */
    public Builder certificateNames(String... names) {
      for (String name : names) {
        if (name == null || name.isEmpty()) {
          throw new IllegalArgumentException("certificateNames must not contain null or empty names");
        }
        additionalNames.add(name.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** The local address the listeners bind to (default 127.0.0.1; use 0.0.0.0 to serve other machines). */
    public Builder bindAddress(String bindAddress) {
      if (bindAddress == null || bindAddress.isEmpty()) {
        throw new IllegalArgumentException("bindAddress must not be empty");
      }
      this.bindAddress = bindAddress;
      return this;
    }

    /** The MQTT over TLS port (default 8883; 0 = ephemeral). */
    public Builder mqttPort(int port) {
      this.mqttPort = checkPort("mqttPort", port, false);
      return this;
    }

    /** The MQTT over secure WebSocket port (default 443; 0 = ephemeral; -1 = off). */
    public Builder webSocketPort(int port) {
      this.webSocketPort = checkPort("webSocketPort", port, true);
      return this;
    }

    /** A plain (unencrypted) MQTT port for debugging (default -1 = off; 0 = ephemeral). */
    public Builder plainTcpPort(int port) {
      this.plainTcpPort = checkPort("plainTcpPort", port, true);
      return this;
    }

    /**
     * Where registry, twins, queued C2D, the CA and the built-in Blob storage's blobs ({@code blob-storage/}) are kept
     * across runs (default null: in memory only).
     */
    public Builder dataDir(@Nullable Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** The clock for token expiry, timestamps, C2D expiry and TLS certificate validity (default system UTC). */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock must not be null");
      }
      this.clock = clock;
      return this;
    }

    /** How many telemetry messages are kept per identity (default 1000, the newest). */
    public Builder telemetryRetention(int messages) {
      if (messages < 1) {
        throw new IllegalArgumentException("telemetryRetention must be at least 1, got " + messages);
      }
      this.telemetryRetention = messages;
      return this;
    }

    /**
     * Uses given TLS material instead of generating it: a PEM file holding, in this order, the CA certificate,
     * the CA private key, the server certificate and the server private key.
     */
    public Builder tlsMaterial(Path pemFile) {
      if (pemFile == null) {
        throw new IllegalArgumentException("pemFile must not be null");
      }
      this.tlsMaterialFile = pemFile;
      return this;
    }

    /** Builds the emulator (not started; creates its TLS material now, valid from the clock's now). */
    public HubEmulator build() {
      if (hostName.indexOf('+') >= 0 || hostName.indexOf('#') >= 0) {
        throw new IllegalStateException("hostName must not contain '+' or '#'");
      }
      return new HubEmulator(new HubSettings(hostName, additionalNames, bindAddress, mqttPort, webSocketPort,
          plainTcpPort, dataDir, clock, telemetryRetention, tlsMaterialFile));
    }

    private static int checkPort(String field, int port, boolean allowOff) {
      if (port < (allowOff ? -1 : 0) || port > 65535) {
        throw new IllegalArgumentException(field + " must be in 0..65535" + (allowOff ? " or -1 (off)" : "")
            + ", got " + port);
      }
      return port;
    }
  }
}
