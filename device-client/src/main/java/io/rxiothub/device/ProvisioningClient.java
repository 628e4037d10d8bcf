// The Device Provisioning Service client: registers a device over MQTT (or MQTT over WebSocket) and tells which hub
// and device id it got (protocol.md §15); the pure rules are the provisioning module's, the connection transport's.
package io.rxiothub.device;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.device.internal.AzureFailures;
import io.rxiothub.device.internal.DpsCredentials;
import io.rxiothub.device.internal.ProvisioningRun;
import io.rxiothub.device.internal.Version;
import io.rxiothub.provisioning.DpsConnect;
import io.rxiothub.provisioning.Registration;
import io.rxiothub.provisioning.RegistrationFlow;
import io.rxiothub.provisioning.RegistrationRequest;
import io.rxiothub.transport.QueuePolicy;
import io.rxiothub.transport.internal.Backoff;
import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.transport.internal.CoreSettings;
import io.rxiothub.transport.internal.PemCredentials;
import io.rxiothub.transport.internal.SharedThreads;
import io.rxiothub.transport.internal.hivemq.HiveMqConnector;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Registers one device with the Device Provisioning Service. {@link #register()} is cold: each subscription opens
 * a connection to the global endpoint, registers, polls until DPS assigns the device (or fails), and closes it;
 * dispose closes it at once. Symmetric key (individual enrollment, or group key with this registration id) or
 * X.509 (a client certificate through {@link Builder#keyManagerFactory}).
 *
 * <pre>{@code
 * ProvisioningClient dps = ProvisioningClient.builder()
 *     .idScope("0ne00000001").registrationId("dev-1").groupKey(groupKey).build();
 * Registration r = dps.register().blockingGet();
 * DeviceClient client = dps.deviceClientBuilder(r).build();
 * }</pre>
 */
public final class ProvisioningClient {

  private static final SecureRandom JITTER = new SecureRandom();
  private static final AtomicLong REQUEST_IDS = new AtomicLong(1);
  /**
   * DPS supports TLS 1.2 and no other (protocol.md §15.1): offering TLS 1.3 as well would make every registration
   * compute two key pairs for a TLS 1.3 handshake that never happens, most of the client's cost of a resumed session.
   */
  private static final List<String> TLS_PROTOCOLS = Collections.singletonList("TLSv1.2");

  private final Builder b;
  private final @Nullable String deviceKey;
  private final RegistrationRequest request;

  private ProvisioningClient(Builder b) {
    this.b = b;
    this.deviceKey = b.groupKey != null ? DpsConnect.derivedKey(b.groupKey, b.registrationId)
        : b.symmetricKey;
    this.request = RegistrationRequest.of(b.registrationId, b.payload, b.modelId);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Cold: registers the device; emits the assigned {@link Registration} (hub, device id, substatus, returned
   * payload). Errors: {@link ProvisioningException} when DPS refuses (wrong scope, key or registration: reason
   * UNAUTHORIZED), disables, fails, keeps throttling past the time-out (THROTTLED) or does not finish in time
   * (TIMEOUT); {@link IotHubConnectionRefusedException} when the endpoint refuses the CONNECT;
   * {@link IotHubConnectionException} when it cannot be reached within the time-out. Dispose closes the connection.
   * The result arrives on the shared callback thread (or the builder's callback scheduler).
   */
  @CheckReturnValue
  public Single<Registration> register() {
    return Single.create(emitter -> {
      SharedThreads.Lease lease = SharedThreads.acquire();
      ClientCore core;
      Scheduler time = b.timeScheduler != null ? b.timeScheduler : lease.timeScheduler();
      try {
        CoreSettings settings = CoreSettings.builder()
            .identity(b.registrationId)
            .credentials(new DpsCredentials(b.idScope, b.registrationId, "rxiothub/" + Version.VERSION, deviceKey))
            .failures(AzureFailures.INSTANCE)
            .keepAliveSeconds(60)
            .cleanSession(true)
            .backoff(new Backoff(200, 5_000, JITTER))
            .giveUpMillis(b.timeoutMillis)
            .offlineQueue(16, QueuePolicy.FAIL)
            .callbackScheduler(b.callbackScheduler != null ? b.callbackScheduler : lease.callbackScheduler())
            .timeScheduler(time)
            .drainTimeoutMillis(1_000)
            .maxHeldInbound(16)
            .takeoverWindowMillis(CoreSettings.DEFAULT_TAKEOVER_WINDOW_MILLIS)
            .build();
        core = new ClientCore(settings, new HiveMqConnector(new HiveMqConnector.Endpoint(b.globalEndpoint,
            b.port > 0 ? b.port : b.transport.defaultPort(), b.transport == Transport.MQTT_WS ? "$iothub/websocket"
            : null, b.trustManagerFactory, b.keyManagerFactory, b.proxyHost, b.proxyPort, null, null,
            Math.min(b.timeoutMillis, 30_000), AzureFailures.INSTANCE, TLS_PROTOCOLS)), lease::release);
      } catch (RuntimeException e) {
        lease.release();
        throw e;
      }
      RegistrationFlow flow = RegistrationFlow.start(request, time.now(java.util.concurrent.TimeUnit.MILLISECONDS),
          b.timeoutMillis, REQUEST_IDS.getAndIncrement() * 1000);
      ProvisioningRun.start(core, flow, time, emitter, b.registrationId);
    });
  }

  /**
   * A {@link DeviceClient} builder for the device {@code registration} assigned: host name and device id from it,
   * the same key (the derived one for a group) or the same client certificate, trust and transport as this client.
   *
   * @throws IllegalArgumentException if the registration names no hub or device id
   */
  public DeviceClient.Builder deviceClientBuilder(Registration registration) {
    if (registration == null) {
      throw new IllegalArgumentException("registration must not be null");
    }
    String hub = registration.assignedHub();
    String deviceId = registration.deviceId();
    if (hub == null || deviceId == null) {
      throw new IllegalArgumentException("registration must be assigned (it names no hub or device id)");
    }
    DeviceClient.Builder builder = DeviceClient.builder().transport(b.transport)
        .connectionString("HostName=" + hub + ";DeviceId=" + deviceId
            + (deviceKey != null ? ";SharedAccessKey=" + deviceKey : ";x509=true"));
    if (b.trustManagerFactory != null) {
      builder.trustManagerFactory(b.trustManagerFactory);
    }
    if (b.keyManagerFactory != null) {
      builder.keyManagerFactory(b.keyManagerFactory);
    }
    if (b.modelId != null) {
      builder.modelId(b.modelId);
    }
    return builder;
  }

  @Override
  public String toString() {
    return "ProvisioningClient{idScope=" + b.idScope + ", registrationId=" + b.registrationId + ", endpoint="
        + b.globalEndpoint + ", transport=" + b.transport + ", key=<redacted>}";
  }

  /** Builds a {@link ProvisioningClient}; setters reject bad values at once, {@link #build()} missing ones. */
  public static final class Builder {
    private String globalEndpoint = DpsConnect.GLOBAL_ENDPOINT;
    private int port;
    private @Nullable String idScope;
    private @Nullable String registrationId;
    private @Nullable String symmetricKey;
    private @Nullable String groupKey;
    private @Nullable KeyManagerFactory keyManagerFactory;
    private @Nullable TrustManagerFactory trustManagerFactory;
    private Transport transport = Transport.MQTT;
    private @Nullable String proxyHost;
    private int proxyPort;
    private @Nullable String payload;
    private @Nullable String modelId;
    private long timeoutMillis = 60_000;
    private @Nullable Scheduler timeScheduler;
    private @Nullable Scheduler callbackScheduler;

    private Builder() {}

    /** The DPS host (default {@code global.azure-devices-provisioning.net}). */
    public Builder globalEndpoint(String host) {
      if (host == null || host.isEmpty() || host.contains("/")) {
        throw new IllegalArgumentException("globalEndpoint must be a host name without '/'");
      }
      this.globalEndpoint = host;
      return this;
    }

    /** The port (default 8883 for MQTT, 443 for MQTT_WS). */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** The ID scope of the DPS instance (required). */
    public Builder idScope(String idScope) {
      if (idScope == null || idScope.isEmpty() || idScope.indexOf('/') >= 0) {
        throw new IllegalArgumentException("idScope must be non-empty and hold no '/'");
      }
      this.idScope = idScope;
      return this;
    }

    /** The registration id (required): the MQTT client id, and the device id DPS usually assigns. */
    public Builder registrationId(String registrationId) {
      if (registrationId == null || registrationId.isEmpty() || registrationId.indexOf('/') >= 0
          || registrationId.indexOf('+') >= 0 || registrationId.indexOf('#') >= 0) {
        throw new IllegalArgumentException("registrationId must be non-empty and hold no '/', '+' or '#'");
      }
      this.registrationId = registrationId;
      return this;
    }

    /** The individual enrollment's symmetric key, base64. */
    public Builder symmetricKey(String base64Key) {
      this.symmetricKey = checkKey("symmetricKey", base64Key);
      return this;
    }

    /** The enrollment group's key, base64: the device's key is derived from it and the registration id. */
    public Builder groupKey(String base64Key) {
      this.groupKey = checkKey("groupKey", base64Key);
      return this;
    }

    /**
     * X.509 attestation with the client certificate {@code keyManagerFactory} presents (PKCS#12 file, PKCS#11
     * token, Android KeyStore); no password is sent. The registration id must be the certificate's subject CN. One
     * of the three X.509 options (with {@link #clientCertificate} and {@link #clientCertificatePem}); setting
     * another replaces it.
     */
    public Builder keyManagerFactory(KeyManagerFactory keyManagerFactory) {
      if (keyManagerFactory == null) {
        throw new IllegalArgumentException("keyManagerFactory must not be null");
      }
      this.keyManagerFactory = keyManagerFactory;
      return this;
    }

    /**
     * X.509 attestation with {@code privateKey} and its certificate chain, leaf first (the leaf's CN is the
     * registration id; include the intermediates up to the enrolled CA for a group enrollment).
     *
     * @throws IllegalArgumentException if the chain is empty or the platform refuses the key
     */
    public Builder clientCertificate(PrivateKey privateKey, X509Certificate... chain) {
      if (privateKey == null) {
        throw new IllegalArgumentException("privateKey must not be null");
      }
      if (chain == null) {
        throw new IllegalArgumentException("chain must not be null");
      }
      this.keyManagerFactory = PemCredentials.keyManagerFactory(privateKey, chain);
      return this;
    }

    /**
     * X.509 attestation with a PEM certificate chain (leaf first) and PEM private key (PKCS#8, or PKCS#1 / SEC1
     * unencrypted).
     *
     * @throws IllegalArgumentException naming what could not be parsed (never the key itself)
     */
    public Builder clientCertificatePem(String certificateChainPem, String privateKeyPem) {
      if (certificateChainPem == null) {
        throw new IllegalArgumentException("certificateChainPem must not be null");
      }
      if (privateKeyPem == null) {
        throw new IllegalArgumentException("privateKeyPem must not be null");
      }
      this.keyManagerFactory = PemCredentials.keyManagerFactory(certificateChainPem, privateKeyPem);
      return this;
    }

    /** Trusted CAs for the DPS (and, through {@code deviceClientBuilder}, the hub) certificate. */
    public Builder trustManagerFactory(TrustManagerFactory trustManagerFactory) {
      if (trustManagerFactory == null) {
        throw new IllegalArgumentException("trustManagerFactory must not be null");
      }
      this.trustManagerFactory = trustManagerFactory;
      return this;
    }

    /** Trusted CAs as a key store (see {@link #trustManagerFactory}). */
    public Builder trustStore(KeyStore trustStore) {
      if (trustStore == null) {
        throw new IllegalArgumentException("trustStore must not be null");
      }
      try {
        // the factory shared by every client trusting the same certificates, and so one TLS context and session
        // cache: a fleet registering with one CA does not build a TLS context per registration
        this.trustManagerFactory = io.rxiothub.transport.internal.TrustFactories.forStore(trustStore);
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalArgumentException("trustStore cannot be used: " + e.getMessage(), e);
      }
      return this;
    }

    /** MQTT (default) or MQTT_WS. */
    public Builder transport(Transport transport) {
      if (transport == null) {
        throw new IllegalArgumentException("transport must not be null");
      }
      this.transport = transport;
      return this;
    }

    /** An HTTP proxy (MQTT_WS only). */
    public Builder httpProxy(String host, int port) {
      if (host == null || host.isEmpty()) {
        throw new IllegalArgumentException("host must not be null or empty");
      }
      this.proxyHost = host;
      this.proxyPort = port;
      return this;
    }

    /** A custom payload (JSON text) sent with the registration, for a custom allocation policy. */
    public Builder payload(@Nullable String json) {
      this.payload = json;
      return this;
    }

    /** The Plug and Play model id, sent as the payload's {@code modelId} and set on the device client too. */
    public Builder modelId(@Nullable String modelId) {
      this.modelId = modelId;
      return this;
    }

    /** How long a registration may take, connecting included (default 60 s). */
    public Builder timeoutMillis(long millis) {
      if (millis < 1) {
        throw new IllegalArgumentException("timeoutMillis must be positive, got " + millis);
      }
      this.timeoutMillis = millis;
      return this;
    }

    /**
     * The scheduler of timers (default the shared timer thread); tests pass a TestScheduler. It must not
     * run tasks on the calling thread ({@code Schedulers.trampoline()} does).
     *
     * @throws IllegalArgumentException if it runs a task due now on the calling thread
     */
    public Builder timeScheduler(Scheduler scheduler) {
      if (scheduler == null) {
        throw new IllegalArgumentException("scheduler must not be null");
      }
      this.timeScheduler = CoreSettings.checkTimeScheduler("timeScheduler", scheduler);
      return this;
    }

    /** Where the result is delivered (default the shared callback threads). */
    public Builder callbackScheduler(Scheduler scheduler) {
      if (scheduler == null) {
        throw new IllegalArgumentException("scheduler must not be null");
      }
      this.callbackScheduler = scheduler;
      return this;
    }

    /**
     * Builds the client.
     *
     * @throws IllegalStateException if the ID scope or registration id is missing, or not exactly one of
     *     symmetricKey, groupKey and keyManagerFactory is set, or a proxy is set without MQTT_WS, or the payload
     *     is not JSON
     */
    public ProvisioningClient build() {
      if (idScope == null || registrationId == null) {
        throw new IllegalStateException("idScope and registrationId are required");
      }
      int credentials = (symmetricKey != null ? 1 : 0) + (groupKey != null ? 1 : 0)
          + (keyManagerFactory != null ? 1 : 0);
      if (credentials != 1) {
        throw new IllegalStateException("set exactly one of symmetricKey (individual enrollment), groupKey "
            + "(enrollment group) and a client certificate (X.509: keyManagerFactory, clientCertificate or "
            + "clientCertificatePem); " + credentials + " are set");
      }
      if (proxyHost != null && transport != Transport.MQTT_WS) {
        throw new IllegalStateException("httpProxy works only with transport MQTT_WS");
      }
      try {
        return new ProvisioningClient(this);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }

    private static String checkKey(String name, String key) {
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException(name + " must be non-empty base64 text");
      }
      return key;
    }
  }
}
