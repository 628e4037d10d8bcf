// A local Azure IoT Hub (device side, MQTT) on embedded HiveMQ CE, with a service API for tests and tools.
package io.rxiothub.emulator;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.emulator.dps.DpsEndpoint;
import io.rxiothub.emulator.edge.EdgeHub;
import io.rxiothub.emulator.files.FileUploads;
import io.rxiothub.emulator.http.HttpRoutes;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.HubRuntime;
import io.rxiothub.emulator.internal.HubSettings;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.SettingsDraft;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
  private final HubParts parts;
  private final HubRuntime runtime;
  private final HubCore core;
  private final ServiceCalls calls;

  private HubEmulator(HubSettings settings) {
    this.hostName = settings.hostName();
    this.parts = new HubParts(settings, keys -> new DpsEndpoint(this, keys));
    this.runtime = parts.runtime;
    this.core = parts.core;
    this.calls = new ServiceCalls(core);
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
    return parts.faults;
  }

  /** Stops listeners and broker; the emulator cannot be started again. Idempotent. */
  @Override
  public void close() {
    parts.close();
  }

  /**
   * File upload (docs/protocol.md §16): the hub's device endpoints on the HTTPS (WebSocket) port, the built-in
   * Blob storage face or a configured account such as Azurite, and the completion notifications.
   */
  public FileUploads files() {
    return parts.files;
  }

  /**
   * The IoT Edge side (docs/protocol.md §17.4-17.5): edgeHub routes between the modules of an edge device, the
   * workload API that signs their tokens, and their {@code IOTEDGE_*} environment.
   */
  public EdgeHub edge() {
    return parts.edge;
  }

  /** This emulator's Device Provisioning Service endpoint (started by its own {@code start}); one per emulator. */
  public synchronized DpsEndpoint dps() {
    return parts.dps();
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
    return ServiceStrings.consoleUrl(hostName, webSocketPort());
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
    return ServiceStrings.connectionString(hostName, parts.registry, policy);
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
    return parts.shutdownRequest.await(timeout, unit);
  }

  /** The registry of devices and modules. */
  public DeviceRegistry registry() {
    return parts.registry;
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
    return calls.sendCloudToDevice(deviceId, payload, properties, timeToLive);
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
    return calls.updateDesired(identity, jsonPatch);
  }

  /** Merges a tags patch into a device twin; emits the new twin version. Cold. */
  public Single<Long> updateTags(String deviceId, String jsonPatch) {
    if (jsonPatch == null) {
      throw new IllegalArgumentException("jsonPatch must not be null");
    }
    return calls.updateTags(new Identity(deviceId, null), jsonPatch);
  }

  /**
   * The device twin as the service API shows it:
   * {@code {"deviceId":…,"version":…,"tags":{…},"properties":{"desired":{…,"$version":…},"reported":{…}}}}. Cold.
   */
  public Single<String> twin(String deviceId) {
    return calls.twin(new Identity(deviceId, null));
  }

  /** The module twin (as {@link #twin(String)}, with {@code moduleId}). Cold. */
  public Single<String> twin(String deviceId, String moduleId) {
    return calls.twin(new Identity(deviceId, moduleId));
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
    private final SettingsDraft draft = new SettingsDraft();

    private Builder() {}

    /** The host name in connection strings and SAS resource URIs (default {@code localhost}). */
    public Builder hostName(String hostName) {
      draft.hostName(hostName);
      return this;
    }

    /** Extra DNS names or IP addresses for the server certificate (localhost, hub.localhost, 127.0.0.1 are in). */
    public Builder certificateNames(String... names) {
      draft.certificateNames(names);
      return this;
    }

    /** The local address the listeners bind to (default 127.0.0.1; use 0.0.0.0 to serve other machines). */
    public Builder bindAddress(String bindAddress) {
      draft.bindAddress(bindAddress);
      return this;
    }

    /** The MQTT over TLS port (default 8883; 0 = ephemeral). */
    public Builder mqttPort(int port) {
      draft.mqttPort(port);
      return this;
    }

    /** The MQTT over secure WebSocket port (default 443; 0 = ephemeral; -1 = off). */
    public Builder webSocketPort(int port) {
      draft.webSocketPort(port);
      return this;
    }

    /** A plain (unencrypted) MQTT port for debugging (default -1 = off; 0 = ephemeral). */
    public Builder plainTcpPort(int port) {
      draft.plainTcpPort(port);
      return this;
    }

    /**
     * Where registry, twins, queued C2D, the CA and the built-in Blob storage's blobs ({@code blob-storage/}) are kept
     * across runs (default null: in memory only).
     */
    public Builder dataDir(@Nullable Path dataDir) {
      draft.dataDir(dataDir);
      return this;
    }

    /** The clock for token expiry, timestamps, C2D expiry and TLS certificate validity (default system UTC). */
    public Builder clock(Clock clock) {
      draft.clock(clock);
      return this;
    }

    /** How many telemetry messages are kept per identity (default 1000, the newest). */
    public Builder telemetryRetention(int messages) {
      draft.telemetryRetention(messages);
      return this;
    }

    /**
     * Uses given TLS material instead of generating it: a PEM file holding, in this order, the CA certificate,
     * the CA private key, the server certificate and the server private key.
     */
    public Builder tlsMaterial(Path pemFile) {
      draft.tlsMaterial(pemFile);
      return this;
    }

    /** Builds the emulator (not started; creates its TLS material now, valid from the clock's now). */
    public HubEmulator build() {
      return new HubEmulator(draft.settings());
    }
  }
}
