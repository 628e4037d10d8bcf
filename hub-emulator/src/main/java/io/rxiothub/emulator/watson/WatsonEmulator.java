// A local IBM Watson IoT Platform organisation (docs/protocol.md §14) on embedded HiveMQ CE: devices, gateways and
// applications over MQTT/TLS, topic rules, auto-registration, notifications, commands, events, device management.
package io.rxiothub.emulator.watson;

import io.reactivex.rxjava3.core.Flowable;
import io.rxiothub.emulator.internal.Broker;
import io.rxiothub.emulator.internal.FaultInjector;
import io.rxiothub.emulator.internal.FrontServer;
import io.rxiothub.emulator.internal.TlsMaterial;
import io.rxiothub.emulator.watson.internal.AutoRegistration;
import io.rxiothub.emulator.watson.internal.Authenticator;
import io.rxiothub.emulator.watson.internal.DmServer;
import io.rxiothub.emulator.watson.internal.WatsonCore;
import io.rxiothub.emulator.watson.internal.WatsonExtension;
import io.rxiothub.emulator.watson.internal.WatsonRegistry;
import io.rxiothub.watson.ClientId;
import io.rxiothub.watson.Notification;
import io.rxiothub.watson.WatsonIds;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * One Watson IoT organisation on loopback: MQTT over TLS (and optionally plain MQTT) for devices ({@code d:}),
 * gateways ({@code g:}) and applications ({@code a:}), with the rules of docs/protocol.md §14.
 *
 * <pre>{@code
 * try (WatsonEmulator org = WatsonEmulator.builder().orgId("abc123").build()) {
 *   org.start();
 *   String token = org.registerGateway("gwtype", "gw1");
 *   // connect g:abc123:gwtype:gw1 to org.host():org.mqttPort(), user use-token-auth, password token,
 *   // trusting org.sslContext()
 * }
 * }</pre>
 *
 * <p>Thread-safe. Events arrive on the broker's threads.
 */
public final class WatsonEmulator implements AutoCloseable {

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final String orgId;
  private final String host;
  private final Clock clock;
  private final int mqttPortSetting;
  private final int plainPortSetting;
  private final int webSocketPortSetting;
  private final ScheduledExecutorService timer;
  private final WatsonRegistry registry = new WatsonRegistry();
  private final AutoRegistration registration;
  private final DmServer dm;
  private final DeviceManagement deviceManagement;
  private final WatsonCore core;
  private final FaultInjector faults;
  private final TlsMaterial tls;
  private @Nullable Broker broker;
  private @Nullable FrontServer front;
  private @Nullable WatsonExtension extension;
  private int mqttPort = -1;
  private int plainPort = -1;
  private int webSocketPort = -1;
  private boolean closed;

  private WatsonEmulator(Builder b) {
    this.orgId = b.orgId;
    this.host = b.orgId + ".messaging." + b.domain;
    this.clock = b.clock;
    this.mqttPortSetting = b.mqttPort;
    this.plainPortSetting = b.plainTcpPort;
    this.webSocketPortSetting = b.webSocketPort;
    int instance = INSTANCES.incrementAndGet();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "watson-emulator-" + instance + "-timer");
      t.setDaemon(true);
      return t;
    });
    this.registration = new AutoRegistration(registry, timer, clock::millis);
    registration.configure(b.maxDevicesPerGateway, b.maxDevicesPerOrganization, b.registrationBackoff.toMillis());
    this.dm = new DmServer(orgId, timer, clock::millis);
    this.deviceManagement = new DeviceManagement(dm);
    this.core = new WatsonCore(orgId, registry, registration, clock::millis, dm);
    core.retention(b.eventRetention);
    this.faults = new FaultInjector(timer, clientId -> {
      WatsonExtension e = extension;
      if (e != null) {
        e.disconnect(clientId);
      }
      return e != null;
    });
    this.tls = TlsMaterial.generate(Set.of(host, "localhost"), Set.of("127.0.0.1"), clock.instant());
  }

  /** Returns a builder: organisation {@code abc123}, domain {@code watson.localhost}, TLS on a free port. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts the broker and binds the listeners. @throws IllegalStateException if started, closed, or a port is taken */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("this emulator is closed; build a new one");
    }
    if (broker != null) {
      throw new IllegalStateException("the emulator is already started");
    }
    WatsonExtension ext = new WatsonExtension(new Authenticator(orgId, registry), core, faults);
    Broker started = Broker.start(ext, "rxiothub-watson-emulator", "rxiothub Watson IoT emulator");
    FrontServer listeners = new FrontServer(tls, "127.0.0.1", faults);
    listeners.brokerPort(started.port());
    try {
      mqttPort = mqttPortSetting < 0 ? -1 : listeners.bindTls(mqttPortSetting);
      plainPort = plainPortSetting < 0 ? -1 : listeners.bindPlain(plainPortSetting);
      webSocketPort = webSocketPortSetting < 0 ? -1 : listeners.bindWebSocket(webSocketPortSetting, "/mqtt");
    } catch (RuntimeException e) {
      listeners.close();
      started.close();
      throw new IllegalStateException("cannot start the Watson emulator: " + e.getMessage(), e);
    }
    broker = started;
    front = listeners;
    extension = ext;
    core.status().port(mqttPort);
    core.attach(ext);
    faults.connections(listeners);
  }

  /** Stops listeners and broker; final. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    faults.connections(null);
    core.attach(null);
    if (front != null) {
      front.close();
      front = null;
    }
    if (broker != null) {
      broker.close();
      broker = null;
    }
    extension = null;
    timer.shutdownNow();
  }

  /** Returns the organisation id. */
  public String orgId() {
    return orgId;
  }

  /** Returns the host name clients dial, {@code {orgId}.messaging.{domain}} (the certificate covers it). */
  public String host() {
    return host;
  }

  /** Returns the MQTT over TLS port. @throws IllegalStateException if not started */
  public synchronized int mqttPort() {
    requireStarted();
    return mqttPort;
  }

  /** Returns the plain MQTT port, or -1 when off. @throws IllegalStateException if not started */
  public synchronized int plainTcpPort() {
    requireStarted();
    return plainPort;
  }

  /** Returns the MQTT over WebSocket (TLS) port, path {@code /mqtt}, or -1. @throws IllegalStateException if stopped */
  public synchronized int webSocketPort() {
    requireStarted();
    return webSocketPort;
  }

  private void requireStarted() {
    if (front == null) {
      throw new IllegalStateException("the Watson emulator is not started");
    }
  }

  /** Returns a client SSLContext trusting the emulator's CA. */
  public SSLContext sslContext() {
    return tls.clientContext();
  }

  /** Returns a PKCS12 key store trusting only the emulator's CA. */
  public KeyStore trustStore() {
    return tls.trustStore();
  }

  /** Returns the CA certificate as PEM. */
  public String caCertificatePem() {
    return tls.caCertificatePem();
  }

  // ---------------------------------------------------------------- registry

  /** Registers a device type. @throws IllegalArgumentException if {@code typeId} breaks the id rule */
  public void addDeviceType(String typeId) {
    registry.addType(WatsonIds.requireId("typeId", typeId));
  }

  /** Registers a device with a generated token; returns it. @throws IllegalStateException if it exists */
  public String registerDevice(String typeId, String deviceId) {
    return register(typeId, deviceId, WatsonRegistry.newToken(), false);
  }

  /** Registers a gateway with a generated token; returns it. @throws IllegalStateException if it exists */
  public String registerGateway(String typeId, String deviceId) {
    return register(typeId, deviceId, WatsonRegistry.newToken(), true);
  }

  /** Registers a device or gateway with {@code token} (8..128 chars). @throws IllegalStateException if it exists */
  public String register(String typeId, String deviceId, String token, boolean gateway) {
    WatsonIds.requireId("typeId", typeId);
    WatsonIds.requireId("deviceId", deviceId);
    if (token == null || token.length() < 8 || token.length() > 128) {
      throw new IllegalArgumentException("token must be 8 to 128 characters");
    }
    registry.add(typeId, deviceId, token, gateway, null);
    return token;
  }

  /** Returns whether device {@code typeId/deviceId} exists (registered or auto-registered). */
  public boolean deviceExists(String typeId, String deviceId) {
    return registry.get(typeId, deviceId) != null;
  }

  /** Returns the gateway key ({@code type/id}) that auto-registered the device, or null. */
  public @Nullable String registeredBy(String typeId, String deviceId) {
    WatsonRegistry.Device device = registry.get(typeId, deviceId);
    return device == null ? null : device.registeredBy();
  }

  /** Returns how many devices (gateways included) exist. */
  public int deviceCount() {
    return registry.deviceCount();
  }

  /** Creates an API key {@code a-{org}-{random}} with a token; applications connect with it. */
  public ApiKey createApiKey() {
    String key = "a-" + orgId + "-" + WatsonRegistry.newToken().replaceAll("[^A-Za-z0-9]", "x").substring(0, 10);
    String token = WatsonRegistry.newToken();
    registry.addApiKey(key, token);
    return new ApiKey(key, token);
  }

  /** Returns the client id of a gateway of this organisation. */
  public String gatewayClientId(String typeId, String deviceId) {
    return ClientId.gateway(orgId, typeId, deviceId).toString();
  }

  /** Returns the client id of a device of this organisation. */
  public String deviceClientId(String typeId, String deviceId) {
    return ClientId.device(orgId, typeId, deviceId).toString();
  }

  // ---------------------------------------------------------------- traffic

  /** Returns the accepted events, oldest first: the latest {@link Builder#eventRetention(int)} of them. */
  public List<WatsonEvent> events() {
    return core.events();
  }

  /** Returns how many events were accepted since the start, retained or not. */
  public long eventCount() {
    return core.acceptedCount();
  }

  /** Returns the accepted events as they arrive (hot, buffered). */
  @io.reactivex.rxjava3.annotations.CheckReturnValue
  public Flowable<WatsonEvent> eventStream() {
    return core.eventStream();
  }

  /** Returns the notifications sent to gateways, oldest first. */
  public List<Notification> notifications() {
    return core.notifications();
  }

  /** Returns how many PUBLISHes the topic rules dropped. */
  public long droppedPublishes() {
    return core.dropped();
  }

  /** Sends a command to a device as an application would. @throws IllegalArgumentException if an id or qos is bad */
  public void sendCommand(String typeId, String deviceId, String commandId, String format, byte[] payload, int qos) {
    WatsonIds.requireId("typeId", typeId);
    WatsonIds.requireId("deviceId", deviceId);
    WatsonIds.requireId("commandId", commandId);
    WatsonIds.requireId("format", format);
    if (payload == null) {
      throw new IllegalArgumentException("payload must not be null (use an empty array)");
    }
    if (qos != 0 && qos != 1) {
      throw new IllegalArgumentException("qos must be 0 or 1");
    }
    core.sendCommand(typeId, deviceId, commandId, format, payload, qos);
  }

  // ---------------------------------------------------------------- device management

  /** Returns the organisation's device-management server: manage state, diagnostics, platform requests. */
  public DeviceManagement deviceManagement() {
    return deviceManagement;
  }

  // ---------------------------------------------------------------- faults

  /** Resets the client's TCP connections now; returns whether one was open. */
  public boolean killTcp(String clientId) {
    return faults.killTcp(clientId);
  }

  /** Refuses the client's CONNECTs for {@code duration} with {@code connackCode} (0: close without CONNACK). */
  public void refuseConnects(String clientId, Duration duration, int connackCode) {
    faults.refuseConnects(clientId, duration, connackCode);
  }

  /** Drops the next {@code count} PUBACKs to the client. */
  public void dropPubacks(String clientId, int count) {
    faults.dropPubacks(clientId, count);
  }

  /** Auto-registrations take {@code delay} from now on (zero: at once). */
  public void registrationDelay(Duration delay) {
    registration.delay(delay.toMillis());
  }

  /** The next {@code count} auto-registrations fail (the device then backs off). */
  public void failNextRegistrations(int count) {
    registration.failNext(count);
  }

  /** Returns how many auto-registrations are pending. */
  public int pendingRegistrations() {
    return registration.pendingCount();
  }

  @Override
  public String toString() {
    return "WatsonEmulator{org=" + orgId + ", host=" + host + ", mqttPort=" + mqttPort + "}";
  }

  /** Builds a {@link WatsonEmulator}. */
  public static final class Builder {
    private String orgId = "abc123";
    private String domain = "watson.localhost";
    private int mqttPort = 0;
    private int plainTcpPort = -1;
    private int webSocketPort = -1;
    private int maxDevicesPerGateway = Integer.MAX_VALUE;
    private int maxDevicesPerOrganization = Integer.MAX_VALUE;
    private Duration registrationBackoff = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();
    private int eventRetention = 100_000;

    private Builder() {}

    /** Sets how many of the latest events {@link WatsonEmulator#events()} keeps (default 100,000; 0: none). */
    public Builder eventRetention(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("eventRetention must be 0 or more, got " + max);
      }
      this.eventRetention = max;
      return this;
    }

    /** Sets the organisation id (6 of a-z 0-9). @throws IllegalArgumentException if it breaks the rule */
    public Builder orgId(String orgId) {
      this.orgId = WatsonIds.requireOrgId(orgId);
      return this;
    }

    /** Sets the domain; the host is {@code {orgId}.messaging.{domain}}. */
    public Builder domain(String domain) {
      if (domain == null || domain.isEmpty()) {
        throw new IllegalArgumentException("domain must not be null or empty");
      }
      this.domain = domain;
      return this;
    }

    /** Sets the MQTT over TLS port (0: a free one, -1: off). */
    public Builder mqttPort(int port) {
      this.mqttPort = port;
      return this;
    }

    /** Sets the MQTT over secure WebSocket port, path {@code /mqtt} (0: a free one, -1: off, the default). */
    public Builder webSocketPort(int port) {
      this.webSocketPort = port;
      return this;
    }

    /** Sets the plain MQTT port (0: a free one, -1: off, the default). */
    public Builder plainTcpPort(int port) {
      this.plainTcpPort = port;
      return this;
    }

    /** Sets the most devices one gateway may auto-register (default: no limit). */
    public Builder maxDevicesPerGateway(int max) {
      this.maxDevicesPerGateway = max;
      return this;
    }

    /** Sets the most devices of the organisation (default: no limit). */
    public Builder maxDevicesPerOrganization(int max) {
      this.maxDevicesPerOrganization = max;
      return this;
    }

    /** Sets how long a device whose auto-registration failed is not retried (default 10 s). */
    public Builder registrationBackoff(Duration backoff) {
      if (backoff == null) {
        throw new IllegalArgumentException("backoff must not be null");
      }
      this.registrationBackoff = backoff;
      return this;
    }

    /** Sets the clock (notification times, lifetimes, expiry). */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock must not be null");
      }
      this.clock = clock;
      return this;
    }

    /** Returns the emulator (not started). */
    public WatsonEmulator build() {
      return new WatsonEmulator(this);
    }
  }
}
