// Assembles a client from its settings: the Azure dialect (credentials, errors, codec) on the transport.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.rxiothub.device.Message;
import io.rxiothub.device.OverflowPolicy;
import io.rxiothub.device.Transport;
import io.rxiothub.sas.ConnectUserName;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.transport.QueuePolicy;
import io.rxiothub.transport.internal.Backoff;
import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.transport.internal.CoreSettings;
import io.rxiothub.transport.internal.MqttConnector;
import io.rxiothub.transport.internal.SharedThreads;
import io.rxiothub.transport.internal.hivemq.HiveMqConnector;
import java.security.SecureRandom;
import org.jspecify.annotations.Nullable;

/** The one place a client is assembled; the public builders hand it their {@link ClientSettings}. */
public final class ClientFactory {

  /** Reconnect jitter of every client: thread-safe, and one per client costs about 100 bytes. */
  private static final SecureRandom RECONNECT_JITTER = new SecureRandom();

  /** The path of MQTT over WebSocket on IoT Hub (protocol.md §2). */
  private static final String WEBSOCKET_PATH = "$iothub/websocket";

  /** The DeviceClientType of a client without product information: one string for all clients. */
  private static final String PRODUCT = "rxiothub/" + Version.VERSION;

  // Clients built alike (one builder, or a loop over builders with the same options) share their
  // immutable settings and their connector: the last ones made are kept and reused when equal (about
  // 270 bytes per client, and HiveMQ's transport configuration).
  private static volatile @Nullable Backoff lastBackoff;
  private static volatile @Nullable FeatureSettings lastFeatures;
  private static volatile @Nullable HiveMqConnector lastConnector;
  private static volatile FileUploadEngine.@Nullable UploadSettings lastUploads;

  private ClientFactory() {}

  /** The reconnect backoff of these delays, shared with the last client's when equal. */
  private static Backoff backoff(long initialMillis, long maxMillis) {
    Backoff b = lastBackoff;
    if (b == null || !b.hasDelays(initialMillis, maxMillis)) {
      b = new Backoff(initialMillis, maxMillis, RECONNECT_JITTER);
      lastBackoff = b;
    }
    return b;
  }

  /** The connector of {@code endpoint}, shared with the last client's when it serves the same one. */
  private static HiveMqConnector hiveMq(HiveMqConnector.Endpoint endpoint) {
    HiveMqConnector c = lastConnector;
    if (c == null || !c.serves(endpoint)) {
      c = new HiveMqConnector(endpoint);
      lastConnector = c;
    }
    return c;
  }

  /** The twin and method settings of {@code s}, shared with the last client's when equal. */
  private static FeatureSettings features(ClientSettings s) {
    FeatureSettings f = lastFeatures;
    if (f == null || !f.hasValues(s.twinRequestTimeoutMillis, s.twinMaxRetries,
        s.twinRetryInitialDelayMillis, s.twinRetryMaxDelayMillis, s.methodRepliesAtMostOnce)) {
      f = new FeatureSettings(s.twinRequestTimeoutMillis, s.twinMaxRetries,
          s.twinRetryInitialDelayMillis, s.twinRetryMaxDelayMillis, s.methodRepliesAtMostOnce);
      lastFeatures = f;
    }
    return f;
  }

  /** The file upload settings of {@code s}, shared with the last client's when equal. */
  private static FileUploadEngine.UploadSettings uploads(String host, ClientSettings s) {
    FileUploadEngine.UploadSettings u = lastUploads;
    Scheduler blocking = s.fileUploadScheduler != null ? s.fileUploadScheduler : Schedulers.io();
    if (u == null || !u.hasValues(host, s.httpsPort, s.apiVersion, s.trustManagerFactory, s.keyManagerFactory,
        s.fileUploadBlockSize, blocking)) {
      u = new FileUploadEngine.UploadSettings(host, s.httpsPort, s.apiVersion, s.trustManagerFactory,
          s.keyManagerFactory, s.fileUploadBlockSize, 4, 500, 8_000, blocking);
      lastUploads = u;
    }
    return u;
  }

  /**
   * Returns the parts of a client of {@code settings}; {@code module} says which identity the builder
   * makes, {@code connector} replaces the HiveMQ connector (tests), null for it.
   *
   * @throws IllegalStateException for missing or conflicting options
   */
  public static ClientParts create(ClientSettings s, boolean module,
      @Nullable MqttConnector connector) {
    ConnectionString cs = check(s, module);
    String product = s.productInfo == null ? PRODUCT : PRODUCT + " " + s.productInfo;
    ConnectUserName username = ConnectUserName.builder().hostName(cs.hostName())
        .deviceId(cs.deviceId()).moduleId(cs.moduleId()).apiVersion(s.apiVersion)
        .deviceClientType(product).modelId(s.modelId).build();
    MessageCodec codec = new MessageCodec(cs.deviceId(), cs.moduleId());
    MqttConnector.Will will = will(s.will, codec);
    SharedThreads.Lease lease = SharedThreads.acquire();
    try {
      Scheduler callbacks = s.callbackScheduler != null ? s.callbackScheduler
          : lease.callbackScheduler();
      Scheduler time = s.timeScheduler != null ? s.timeScheduler : lease.timeScheduler();
      Credentials credentials = s.sasTokenSource != null
          ? Credentials.fromSource(cs, username, s.sasTokenSource, s.sasTokenRenewalMargin)
          : Credentials.of(cs, username, s.sasTokenTimeToLiveSeconds, s.sasTokenRenewalMargin);
      CoreSettings settings = CoreSettings.builder()
          .identity(credentials.clientId())
          .credentials(credentials)
          .failures(AzureFailures.INSTANCE)
          .keepAliveSeconds(s.keepAliveSeconds)
          .cleanSession(s.cleanSession)
          .backoff(backoff(s.reconnectInitialDelayMillis, s.reconnectMaxDelayMillis))
          .giveUpMillis(s.reconnectGiveUpMillis)
          .offlineQueue(s.offlineQueueCapacity, s.overflowPolicy == OverflowPolicy.DROP_OLDEST
              ? QueuePolicy.DROP_OLDEST : QueuePolicy.FAIL)
          .callbackScheduler(callbacks)
          .timeScheduler(time)
          .drainTimeoutMillis(s.disconnectTimeoutMillis)
          .maxHeldInbound(1024)
          .takeoverWindowMillis(s.takeoverWindowMillis)
          .will(will)
          .build();
      String gateway = cs.gatewayHostName();
      MqttConnector mqtt = connector != null ? connector
          : hiveMq(new HiveMqConnector.Endpoint(
              gateway != null ? gateway : cs.hostName(),
              s.port > 0 ? s.port : s.transport.defaultPort(),
              s.transport == Transport.MQTT_WS ? WEBSOCKET_PATH : null,
              s.trustManagerFactory, s.keyManagerFactory, s.proxyHost, s.proxyPort, s.proxyUser,
              s.proxyPassword, s.connectTimeoutMillis, AzureFailures.INSTANCE));
      ClientCore core = new ClientCore(settings, mqtt, lease);
      return new ClientParts(cs.deviceId(), cs.moduleId(), core, codec, features(s),
          uploads(cs.hostName(), s));
    } catch (RuntimeException e) {
      lease.release();
      throw e;
    }
  }

  /** The Will of {@code message} on this identity's telemetry topic (protocol.md §17.1), or null. */
  private static MqttConnector.@Nullable Will will(@Nullable Message message, MessageCodec codec) {
    if (message == null) {
      return null;
    }
    String topic;
    try {
      topic = codec.checkedTelemetryTopic(message);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("will: " + e.getMessage(), e);
    }
    return new MqttConnector.Will(topic, message.payload(), message.atMostOnce());
  }

  /** Checks how the options combine; returns the connection string. */
  private static ConnectionString check(ClientSettings s, boolean module) {
    ConnectionString cs = s.connectionString;
    if (cs == null) {
      throw new IllegalStateException("connectionString is required");
    }
    if (module && !cs.isModule()) {
      throw new IllegalStateException("ModuleClient needs a connection string with ModuleId; use "
          + "DeviceClient for a device identity");
    }
    if (!module && cs.isModule()) {
      throw new IllegalStateException("the connection string names a module (ModuleId="
          + cs.moduleId() + "); use ModuleClient for it");
    }
    if (s.clientCertificateOptions.size() > 1) {
      StringBuilder names = new StringBuilder();
      for (String option : s.clientCertificateOptions) {
        names.append(names.length() == 0 ? "" : " and ").append(option).append("(...)");
      }
      throw new IllegalStateException("the client certificate is set by " + names
          + ": these are alternative key sources, keep exactly one of them");
    }
    if (cs.x509() && s.keyManagerFactory == null) {
      throw new IllegalStateException("the connection string says x509=true: set the client "
          + "certificate with keyManagerFactory(...), clientCertificate(...) or "
          + "clientCertificatePem(...)");
    }
    if (!cs.x509() && s.keyManagerFactory != null) {
      throw new IllegalStateException("a client certificate is set (" + s.clientCertificateOptions
          .get(0) + "(...)) but the connection string authenticates with a "
          + (cs.authentication() == ConnectionString.Authentication.SHARED_ACCESS_SIGNATURE
              ? "SharedAccessSignature" : "SharedAccessKey")
          + ": for X.509 authentication use a connection string with x509=true and no key; "
          + "for SAS authentication drop the client certificate");
    }
    if (s.sasTokenSource != null
        && cs.authentication() != ConnectionString.Authentication.SHARED_ACCESS_SIGNATURE) {
      throw new IllegalStateException("with sasTokenSource(...) the connection string names the identity with "
          + "SharedAccessSignature=… (not sent; every token comes from the source), not with a key or x509=true");
    }
    if (s.proxyHost != null && s.transport != Transport.MQTT_WS) {
      throw new IllegalStateException("httpProxy works only with transport MQTT_WS");
    }
    return cs;
  }
}
