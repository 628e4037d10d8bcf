// The emulator's Device Provisioning Service endpoint (protocol.md §15.4): ID scope, enrollments, throttling, and
// its own MQTT/TLS (and optional MQTT/WSS) listener; devices it assigns are created in the emulator's registry.
package io.rxiothub.emulator.dps;

import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.dps.internal.DpsServer;
import io.rxiothub.emulator.dps.internal.DpsService;
import io.rxiothub.provisioning.Registration;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DPS endpoint allocating every registration to its emulator's hub. Get it from {@code HubEmulator.dps()}; add
 * enrollments, then {@link #start()} it. Thread-safe. It speaks MQTT only (no AMQP or HTTPS) and attests symmetric
 * keys and X.509 certificates (individual and group; TPM attestation is not emulated).
 */
public final class DpsEndpoint implements AutoCloseable {

  /** The ID scope unless one is set. */
  public static final String DEFAULT_ID_SCOPE = "0ne00000001";
  /** The host name clients are told to use unless one is set; the emulator's certificate covers it. */
  public static final String DEFAULT_HOST_NAME = "dps.localhost";

  private static final Logger LOG = LoggerFactory.getLogger(DpsEndpoint.class);

  private final HubEmulator hub;
  private final KeyManagerFactory keys;
  private final DpsService service;
  private @Nullable DpsServer server;
  private String hostName = DEFAULT_HOST_NAME;
  private int mqttPort = -1;
  private int webSocketPort = -1;
  private boolean closed;

  /**
   * An endpoint for {@code hub} serving TLS with {@code keys} (the emulator's server key). {@code HubEmulator.dps()}
   * makes the one each emulator has; there is no need to call this.
   */
  public DpsEndpoint(HubEmulator hub, KeyManagerFactory keys) {
    if (hub == null) {
      throw new IllegalArgumentException("hub must not be null");
    }
    if (keys == null) {
      throw new IllegalArgumentException("keys must not be null");
    }
    this.hub = hub;
    this.keys = keys;
    this.service = new DpsService(new HubAllocation(hub), DEFAULT_ID_SCOPE);
  }

  /** Starts MQTT over TLS on 127.0.0.1 and a free port, no WebSocket. */
  public DpsEndpoint start() {
    return start("127.0.0.1", 0, -1);
  }

  /**
   * Starts the listeners.
   *
   * @param mqttPort the MQTT over TLS port (0 = a free one)
   * @param webSocketPort the MQTT over secure WebSocket port (0 = a free one, -1 = off)
   * @throws IllegalStateException if started or closed, or a port cannot be bound
   */
  public synchronized DpsEndpoint start(String bindAddress, int mqttPort, int webSocketPort) {
    if (bindAddress == null || bindAddress.isEmpty()) {
      throw new IllegalArgumentException("bindAddress must not be null or empty");
    }
    if (closed || server != null) {
      throw new IllegalStateException(closed ? "the DPS endpoint is closed" : "the DPS endpoint is already started");
    }
    DpsServer started = new DpsServer(service, keys, Clock.systemUTC());
    try {
      this.mqttPort = started.bindTls(bindAddress, mqttPort);
      this.webSocketPort = webSocketPort < 0 ? -1 : started.bindWebSocket(bindAddress, webSocketPort);
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    server = started;
    LOG.info("DPS emulator started: ID scope {}, host {}, MQTT/TLS {}:{}, MQTT/WSS {}", service.idScope(), hostName,
        bindAddress, this.mqttPort, this.webSocketPort < 0 ? "off" : Integer.toString(this.webSocketPort));
    return this;
  }

  /** The ID scope devices must name. */
  public String idScope() {
    return service.idScope();
  }

  /** Sets the ID scope (default {@value #DEFAULT_ID_SCOPE}). */
  public DpsEndpoint idScope(String idScope) {
    if (idScope == null || idScope.isEmpty() || idScope.indexOf('/') >= 0) {
      throw new IllegalArgumentException("idScope must be non-empty and hold no '/'");
    }
    service.idScope(idScope);
    return this;
  }

  /** The host name devices are told to dial (default {@value #DEFAULT_HOST_NAME}). */
  public synchronized String hostName() {
    return hostName;
  }

  /** Sets the host name to advertise; the emulator's certificate must cover it (HubEmulator.Builder.certificateNames). */
  public synchronized DpsEndpoint hostName(String hostName) {
    if (hostName == null || hostName.isEmpty()) {
      throw new IllegalArgumentException("hostName must not be null or empty");
    }
    this.hostName = hostName;
    return this;
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

  /** Adds or replaces an enrollment (by kind and id). */
  public DpsEndpoint addEnrollment(Enrollment enrollment) {
    if (enrollment == null) {
      throw new IllegalArgumentException("enrollment must not be null");
    }
    service.put(enrollment);
    return this;
  }

  /** The enrollment of that kind and id. */
  public Optional<Enrollment> enrollment(Enrollment.Kind kind, String id) {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    if (id == null) {
      throw new IllegalArgumentException("id must not be null");
    }
    return Optional.ofNullable(service.get(kind, id));
  }

  /** Every enrollment, individual ones first. */
  public List<Enrollment> enrollments() {
    return service.enrollments();
  }

  /** Removes an enrollment; whether it existed. Devices it created stay in the registry. */
  public boolean removeEnrollment(Enrollment.Kind kind, String id) {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    if (id == null) {
      throw new IllegalArgumentException("id must not be null");
    }
    return service.remove(kind, id);
  }

  /**
   * Enables or disables an enrollment: registrations through a disabled one end with status {@code disabled}.
   *
   * @throws IllegalArgumentException if there is no such enrollment
   */
  public DpsEndpoint setEnabled(Enrollment.Kind kind, String id, boolean enabled) {
    Enrollment current = enrollment(kind, id).orElseThrow(() ->
        new IllegalArgumentException("no " + kind.name().toLowerCase(java.util.Locale.ROOT) + " enrollment '" + id
            + "'"));
    service.put(current.toBuilder().enabled(enabled).build());
    return this;
  }

  /** The {@code retry-after} (seconds, 0..60) of the 202 answer to a register request (default 1). */
  public DpsEndpoint retryAfterSeconds(int seconds) {
    if (seconds < 0 || seconds > 60) {
      throw new IllegalArgumentException("retryAfterSeconds must be 0..60, got " + seconds);
    }
    service.retryAfterSeconds(seconds);
    return this;
  }

  /** Throttling fault: the next {@code requests} requests get 429 with {@code retry-after={retryAfterSeconds}}. */
  public DpsEndpoint throttle(int requests, int retryAfterSeconds) {
    if (requests < 0 || retryAfterSeconds < 0) {
      throw new IllegalArgumentException("requests and retryAfterSeconds must not be negative");
    }
    service.throttle(requests, retryAfterSeconds);
    return this;
  }

  /** Fault: closes every open DPS connection now (TCP close, no MQTT); returns how many there were. */
  public synchronized int dropConnections() {
    return server == null ? 0 : server.dropConnections();
  }

  /** The last registration state of every registration id, in order of first registration. */
  public List<Registration> registrations() {
    return service.registrations();
  }

  /** Stops the listeners; idempotent. The emulator's close() calls it. */
  @Override
  public synchronized void close() {
    closed = true;
    if (server != null) {
      server.close();
      server = null;
    }
  }

  private void requireStarted() {
    if (server == null) {
      throw new IllegalStateException("the DPS endpoint is not started");
    }
  }

  @Override
  public synchronized String toString() {
    return "DpsEndpoint{idScope=" + service.idScope() + ", hostName=" + hostName + ", mqttPort=" + mqttPort + "}";
  }

  /** The hub side of allocation, on the emulator's public API. */
  private static final class HubAllocation implements DpsService.Hub {
    private final HubEmulator hub;

    HubAllocation(HubEmulator hub) {
      this.hub = hub;
    }

    @Override
    public String hostName() {
      return hub.hostName();
    }

    @Override
    public boolean deviceExists(String deviceId) {
      return hub.registry().get(deviceId).isPresent();
    }

    @Override
    public void createDevice(String deviceId, String primaryKey, String secondaryKey, @Nullable String tags,
        @Nullable String desired) {
      hub.registry().createDevice(deviceId, primaryKey, secondaryKey);
      // Both calls below are synchronous Singles (fromCallable on the calling thread).
      if (tags != null) {
        hub.updateTags(deviceId, tags).blockingGet();
      }
      if (desired != null) {
        hub.updateDesired(deviceId, desired).blockingGet();
      }
    }

    @Override
    public void createX509Device(String deviceId, @Nullable String thumbprint, @Nullable X509Certificate authority,
        @Nullable String tags, @Nullable String desired) {
      if (thumbprint != null) {
        hub.registry().createSelfSignedDevice(deviceId, thumbprint, null);
      } else {
        if (authority != null) {
          hub.registry().addCertificateAuthority(authority);
        }
        hub.registry().createCaSignedDevice(deviceId);
      }
      if (tags != null) {
        hub.updateTags(deviceId, tags).blockingGet();
      }
      if (desired != null) {
        hub.updateDesired(deviceId, desired).blockingGet();
      }
    }
  }
}
