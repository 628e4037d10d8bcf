// The options of a client builder as one value, handed by name to ClientFactory.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.rxiothub.device.ClientBuilder;
import io.rxiothub.device.Message;
import io.rxiothub.device.OverflowPolicy;
import io.rxiothub.device.Transport;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.transport.internal.CoreSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * What a {@code DeviceClient} or {@code ModuleClient} builder was told, validated value by value by the
 * public builder; {@link ClientFactory} checks how they combine and assembles the client.
 */
public final class ClientSettings {
  /** The identity and credentials. */
  public final @Nullable ConnectionString connectionString;
  /** MQTT over TLS or over WebSocket. */
  public final Transport transport;
  /** The port, or -1 for the transport's default. */
  public final int port;
  /** The server's trust, or null for the JVM's. */
  public final @Nullable TrustManagerFactory trustManagerFactory;
  /** The client certificate, or null. */
  public final @Nullable KeyManagerFactory keyManagerFactory;
  /** The HTTP proxy, or null. */
  public final @Nullable String proxyHost;
  /** The HTTP proxy's port. */
  public final int proxyPort;
  /** The HTTP proxy's user, or null. */
  public final @Nullable String proxyUser;
  /** The HTTP proxy's password (a secret), or null. */
  public final @Nullable String proxyPassword;
  /** The MQTT keep-alive. */
  public final int keepAliveSeconds;
  /** The CONNECT's clean-session flag. */
  public final boolean cleanSession;
  /** The api-version of the user name. */
  public final String apiVersion;
  /** The product info appended to DeviceClientType, or null. */
  public final @Nullable String productInfo;
  /** The Plug and Play model id, or null. */
  public final @Nullable String modelId;
  /** Where user code runs, or null for the shared callback threads. */
  public final @Nullable Scheduler callbackScheduler;
  /** Where timers run, or null for the shared timer. */
  public final @Nullable Scheduler timeScheduler;
  /** The lifetime of the tokens made from a key. */
  public final long sasTokenTimeToLiveSeconds;
  /** The part of a token's lifetime left when it is renewed. */
  public final double sasTokenRenewalMargin;
  /** The user's token source, or null to use the connection string's key or token. */
  public final io.rxiothub.device.@Nullable SasTokenSource sasTokenSource;
  /** The first reconnect delay's ceiling. */
  public final long reconnectInitialDelayMillis;
  /** The largest reconnect delay. */
  public final long reconnectMaxDelayMillis;
  /** How long failed attempts go on. */
  public final long reconnectGiveUpMillis;
  /** The offline queue's capacity. */
  public final int offlineQueueCapacity;
  /** What a full offline queue does. */
  public final OverflowPolicy overflowPolicy;
  /** The time-out of one connection attempt. */
  public final long connectTimeoutMillis;
  /** How long a disconnect waits for PUBACKs. */
  public final long disconnectTimeoutMillis;
  /** The time-out of one twin request attempt. */
  public final long twinRequestTimeoutMillis;
  /** Twin retries after 429/5xx. */
  public final int twinMaxRetries;
  /** The first twin retry delay's ceiling. */
  public final long twinRetryInitialDelayMillis;
  /** The largest twin retry delay. */
  public final long twinRetryMaxDelayMillis;
  /** Method replies with QoS 0. */
  public final boolean methodRepliesAtMostOnce;
  /** The session takeover window. */
  public final long takeoverWindowMillis;
  public final @Nullable Message will;
  /** The hub's HTTPS port (file upload). */
  public final int httpsPort;
  /** The block size of file uploads. */
  public final int fileUploadBlockSize;
  /** Where file uploads' blocking HTTPS exchanges run; null: RxJava's io(). */
  public final @Nullable Scheduler fileUploadScheduler;
  /** The options that set the client certificate, in the order set; more than one is a conflict. */
  public final List<String> clientCertificateOptions;

  private ClientSettings(Builder b) {
    this.connectionString = b.connectionString;
    this.transport = b.transport;
    this.port = b.port;
    this.trustManagerFactory = b.trustManagerFactory;
    this.keyManagerFactory = b.keyManagerFactory;
    this.proxyHost = b.proxyHost;
    this.proxyPort = b.proxyPort;
    this.proxyUser = b.proxyUser;
    this.proxyPassword = b.proxyPassword;
    this.keepAliveSeconds = b.keepAliveSeconds;
    this.cleanSession = b.cleanSession;
    this.apiVersion = b.apiVersion;
    this.productInfo = b.productInfo;
    this.modelId = b.modelId;
    this.callbackScheduler = b.callbackScheduler;
    this.timeScheduler = b.timeScheduler;
    this.sasTokenTimeToLiveSeconds = b.sasTokenTimeToLiveSeconds;
    this.sasTokenRenewalMargin = b.sasTokenRenewalMargin;
    this.sasTokenSource = b.sasTokenSource;
    this.reconnectInitialDelayMillis = b.reconnectInitialDelayMillis;
    this.reconnectMaxDelayMillis = b.reconnectMaxDelayMillis;
    this.reconnectGiveUpMillis = b.reconnectGiveUpMillis;
    this.offlineQueueCapacity = b.offlineQueueCapacity;
    this.overflowPolicy = b.overflowPolicy;
    this.connectTimeoutMillis = b.connectTimeoutMillis;
    this.disconnectTimeoutMillis = b.disconnectTimeoutMillis;
    this.twinRequestTimeoutMillis = b.twinRequestTimeoutMillis;
    this.twinMaxRetries = b.twinMaxRetries;
    this.twinRetryInitialDelayMillis = b.twinRetryInitialDelayMillis;
    this.twinRetryMaxDelayMillis = b.twinRetryMaxDelayMillis;
    this.methodRepliesAtMostOnce = b.methodRepliesAtMostOnce;
    this.takeoverWindowMillis = b.takeoverWindowMillis;
    this.will = b.will;
    this.httpsPort = b.httpsPort;
    this.fileUploadBlockSize = b.fileUploadBlockSize;
    this.fileUploadScheduler = b.fileUploadScheduler;
    this.clientCertificateOptions = Collections.unmodifiableList(new ArrayList<>(b.clientCertificateOptions));
  }

  /** Returns a builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects the options by name; setters store, the public builder validates. */
  public static final class Builder {
    private @Nullable ConnectionString connectionString = null;
    private Transport transport = Transport.MQTT;
    private int port = -1;
    private @Nullable TrustManagerFactory trustManagerFactory = null;
    private @Nullable KeyManagerFactory keyManagerFactory = null;
    private @Nullable String proxyHost = null;
    private int proxyPort = 0;
    private @Nullable String proxyUser = null;
    private @Nullable String proxyPassword = null;
    private int keepAliveSeconds = ClientBuilder.DEFAULT_KEEP_ALIVE_SECONDS;
    private boolean cleanSession = false;
    private String apiVersion = ClientBuilder.DEFAULT_API_VERSION;
    private @Nullable String productInfo = null;
    private @Nullable String modelId = null;
    private @Nullable Scheduler callbackScheduler = null;
    private @Nullable Scheduler timeScheduler = null;
    private long sasTokenTimeToLiveSeconds = 3600;
    private double sasTokenRenewalMargin = 0.15;
    private io.rxiothub.device.@Nullable SasTokenSource sasTokenSource = null;
    private long reconnectInitialDelayMillis = 100;
    private long reconnectMaxDelayMillis = 10_000;
    private long reconnectGiveUpMillis = 240_000;
    private int offlineQueueCapacity = 1000;
    private OverflowPolicy overflowPolicy = OverflowPolicy.FAIL;
    private long connectTimeoutMillis = 30_000;
    private long disconnectTimeoutMillis = 10_000;
    private long twinRequestTimeoutMillis = 30_000;
    private int twinMaxRetries = 4;
    private long twinRetryInitialDelayMillis = 200;
    private long twinRetryMaxDelayMillis = 5_000;
    private boolean methodRepliesAtMostOnce = false;
    private long takeoverWindowMillis = CoreSettings.DEFAULT_TAKEOVER_WINDOW_MILLIS;
    private @Nullable Message will;
    private int httpsPort = 443;
    private int fileUploadBlockSize = FileUploadEngine.DEFAULT_BLOCK_SIZE;
    private @Nullable Scheduler fileUploadScheduler = null;
    private final List<String> clientCertificateOptions = new ArrayList<>();

    private Builder() {}

    /** Sets the identity and credentials. */
    public Builder connectionString(@Nullable ConnectionString connectionString) {
      this.connectionString = connectionString;
      return this;
    }

    /** Sets MQTT over TLS or over WebSocket. */
    public Builder transport(Transport transport) {
      this.transport = transport;
      return this;
    }

    /** Sets the port, or -1 for the transport's default. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Sets the server's trust, or null for the JVM's. */
    public Builder trustManagerFactory(@Nullable TrustManagerFactory trustManagerFactory) {
      this.trustManagerFactory = trustManagerFactory;
      return this;
    }

    /** Sets the client certificate, or null. */
    public Builder keyManagerFactory(@Nullable KeyManagerFactory keyManagerFactory) {
      this.keyManagerFactory = keyManagerFactory;
      return this;
    }

    /** Sets the HTTP proxy, or null. */
    public Builder proxyHost(@Nullable String proxyHost) {
      this.proxyHost = proxyHost;
      return this;
    }

    /** Sets the HTTP proxy's port. */
    public Builder proxyPort(int proxyPort) {
      this.proxyPort = proxyPort;
      return this;
    }

    /** Sets the HTTP proxy's user, or null. */
    public Builder proxyUser(@Nullable String proxyUser) {
      this.proxyUser = proxyUser;
      return this;
    }

    /** Sets the HTTP proxy's password (a secret), or null. */
    public Builder proxyPassword(@Nullable String proxyPassword) {
      this.proxyPassword = proxyPassword;
      return this;
    }

    /** Sets the MQTT keep-alive. */
    public Builder keepAliveSeconds(int keepAliveSeconds) {
      this.keepAliveSeconds = keepAliveSeconds;
      return this;
    }

    /** Sets the CONNECT's clean-session flag. */
    public Builder cleanSession(boolean cleanSession) {
      this.cleanSession = cleanSession;
      return this;
    }

    /** Sets the api-version of the user name. */
    public Builder apiVersion(String apiVersion) {
      this.apiVersion = apiVersion;
      return this;
    }

    /** Sets the product info appended to DeviceClientType, or null. */
    public Builder productInfo(@Nullable String productInfo) {
      this.productInfo = productInfo;
      return this;
    }

    /** Sets the Plug and Play model id, or null. */
    public Builder modelId(@Nullable String modelId) {
      this.modelId = modelId;
      return this;
    }

    /** Sets where user code runs, or null for the shared callback threads. */
    public Builder callbackScheduler(@Nullable Scheduler callbackScheduler) {
      this.callbackScheduler = callbackScheduler;
      return this;
    }

    /** Sets where timers run, or null for the shared timer. */
    public Builder timeScheduler(@Nullable Scheduler timeScheduler) {
      this.timeScheduler = timeScheduler;
      return this;
    }

    /** Sets the lifetime of the tokens made from a key. */
    public Builder sasTokenTimeToLiveSeconds(long sasTokenTimeToLiveSeconds) {
      this.sasTokenTimeToLiveSeconds = sasTokenTimeToLiveSeconds;
      return this;
    }

    /** Sets the user's token source. */
    public Builder sasTokenSource(io.rxiothub.device.SasTokenSource sasTokenSource) {
      this.sasTokenSource = sasTokenSource;
      return this;
    }

    /** Sets the part of a token's lifetime left when it is renewed. */
    public Builder sasTokenRenewalMargin(double sasTokenRenewalMargin) {
      this.sasTokenRenewalMargin = sasTokenRenewalMargin;
      return this;
    }

    /** Sets the first reconnect delay's ceiling. */
    public Builder reconnectInitialDelayMillis(long reconnectInitialDelayMillis) {
      this.reconnectInitialDelayMillis = reconnectInitialDelayMillis;
      return this;
    }

    /** Sets the largest reconnect delay. */
    public Builder reconnectMaxDelayMillis(long reconnectMaxDelayMillis) {
      this.reconnectMaxDelayMillis = reconnectMaxDelayMillis;
      return this;
    }

    /** Sets how long failed attempts go on. */
    public Builder reconnectGiveUpMillis(long reconnectGiveUpMillis) {
      this.reconnectGiveUpMillis = reconnectGiveUpMillis;
      return this;
    }

    /** Sets the offline queue's capacity. */
    public Builder offlineQueueCapacity(int offlineQueueCapacity) {
      this.offlineQueueCapacity = offlineQueueCapacity;
      return this;
    }

    /** Sets what a full offline queue does. */
    public Builder overflowPolicy(OverflowPolicy overflowPolicy) {
      this.overflowPolicy = overflowPolicy;
      return this;
    }

    /** Sets the time-out of one connection attempt. */
    public Builder connectTimeoutMillis(long connectTimeoutMillis) {
      this.connectTimeoutMillis = connectTimeoutMillis;
      return this;
    }

    /** Sets how long a disconnect waits for PUBACKs. */
    public Builder disconnectTimeoutMillis(long disconnectTimeoutMillis) {
      this.disconnectTimeoutMillis = disconnectTimeoutMillis;
      return this;
    }

    /** Sets the time-out of one twin request attempt. */
    public Builder twinRequestTimeoutMillis(long twinRequestTimeoutMillis) {
      this.twinRequestTimeoutMillis = twinRequestTimeoutMillis;
      return this;
    }

    /** Sets twin retries after 429/5xx. */
    public Builder twinMaxRetries(int twinMaxRetries) {
      this.twinMaxRetries = twinMaxRetries;
      return this;
    }

    /** Sets the first twin retry delay's ceiling. */
    public Builder twinRetryInitialDelayMillis(long twinRetryInitialDelayMillis) {
      this.twinRetryInitialDelayMillis = twinRetryInitialDelayMillis;
      return this;
    }

    /** Sets the largest twin retry delay. */
    public Builder twinRetryMaxDelayMillis(long twinRetryMaxDelayMillis) {
      this.twinRetryMaxDelayMillis = twinRetryMaxDelayMillis;
      return this;
    }

    /** Sets method replies with QoS 0. */
    public Builder methodRepliesAtMostOnce(boolean methodRepliesAtMostOnce) {
      this.methodRepliesAtMostOnce = methodRepliesAtMostOnce;
      return this;
    }

    /** Sets the MQTT Will, or none. */
    public Builder will(@Nullable Message will) {
      this.will = will;
      return this;
    }

    /** Sets the session takeover window. */
    public Builder takeoverWindowMillis(long takeoverWindowMillis) {
      this.takeoverWindowMillis = takeoverWindowMillis;
      return this;
    }

    /** Sets the hub's HTTPS port. */
    public Builder httpsPort(int httpsPort) {
      this.httpsPort = httpsPort;
      return this;
    }

    /** Sets the file upload block size. */
    public Builder fileUploadBlockSize(int fileUploadBlockSize) {
      this.fileUploadBlockSize = fileUploadBlockSize;
      return this;
    }

    /** Sets where file uploads' blocking HTTPS exchanges run (null: RxJava's io()). */
    public Builder fileUploadScheduler(@Nullable Scheduler fileUploadScheduler) {
      this.fileUploadScheduler = fileUploadScheduler;
      return this;
    }

    /** Sets the client certificate from option {@code option} (recorded to report conflicts). */
    public Builder clientCertificate(String option, KeyManagerFactory factory) {
      if (!clientCertificateOptions.contains(option)) {
        clientCertificateOptions.add(option);
      }
      this.keyManagerFactory = factory;
      return this;
    }

    /** Returns the settings. */
    public ClientSettings build() {
      return new ClientSettings(this);
    }
  }
}
