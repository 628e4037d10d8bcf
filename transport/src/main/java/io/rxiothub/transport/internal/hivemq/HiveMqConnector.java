// MqttConnector on the HiveMQ MQTT client: one HiveMQ client per attempt, TLS, WebSocket, proxy.
package io.rxiothub.transport.internal.hivemq;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.MqttProxyConfig;
import com.hivemq.client.mqtt.MqttProxyProtocol;
import com.hivemq.client.mqtt.MqttWebSocketConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.ConnectionClosedException;
import com.hivemq.client.mqtt.mqtt3.Mqtt3RxClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3Connect;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.reactivex.schedulers.Schedulers;
import io.rxiothub.transport.Failures;
import io.rxiothub.transport.internal.MqttConnector;
import io.rxiothub.transport.internal.SharedThreads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens each connection with a fresh HiveMQ client, so that a connection's pending publishes and
 * subscriptions end with it (the state machine resends and resubscribes). All clients share one
 * Netty event loop group through {@link IoThreads#EXECUTOR}; HiveMQ's application
 * scheduler is the trampoline, so HiveMQ signals stay on the event loop and reach user code only
 * through our callback scheduler.
 */
public final class HiveMqConnector implements MqttConnector {

  private static final Logger LOG = LoggerFactory.getLogger(HiveMqConnector.class);

  private static final MqttClientExecutorConfig EXECUTOR_CONFIG = MqttClientExecutorConfig.builder()
      .nettyExecutor(IoThreads.EXECUTOR)
      .nettyThreads(SharedThreads.IO_THREADS)
      .applicationScheduler(Schedulers.trampoline())
      .build();

  private final MqttClientTransportConfig transportConfig;
  private final Endpoint endpoint;
  /** The shared TLS context, once built; null until then or if building it failed. */
  private volatile @Nullable SslContext sslContext;
  private volatile boolean sslContextTried;

  /** Settings of the network path to the hub. */
  public static final class Endpoint {
    final String host;
    final int port;
    final @Nullable String webSocketPath;
    final @Nullable TrustManagerFactory trustManagerFactory;
    final @Nullable KeyManagerFactory keyManagerFactory;
    final @Nullable String proxyHost;
    final int proxyPort;
    final @Nullable String proxyUser;
    final @Nullable String proxyPassword;
    final long connectTimeoutMillis;
    final Failures failures;
    final List<String> tlsProtocols;

    /**
     * Creates the endpoint; {@code webSocketPath} null means MQTT over TLS, else MQTT over a
     * WebSocket at that path; {@code proxyHost} null means no proxy; {@code failures} makes the errors
     * of failed attempts.
     */
    public Endpoint(String host, int port, @Nullable String webSocketPath,
        @Nullable TrustManagerFactory trustManagerFactory,
        @Nullable KeyManagerFactory keyManagerFactory, @Nullable String proxyHost, int proxyPort,
        @Nullable String proxyUser, @Nullable String proxyPassword, long connectTimeoutMillis,
        Failures failures) {
      this(host, port, webSocketPath, trustManagerFactory, keyManagerFactory, proxyHost, proxyPort,
          proxyUser, proxyPassword, connectTimeoutMillis, failures, TlsContexts.DEFAULT_PROTOCOLS);
    }

    /**
     * As above, offering the TLS versions {@code tlsProtocols} (e.g. only {@code TLSv1.2} for a
     * server that supports no other: a TLS 1.3 offer costs a key pair per connection that such a
     * server never uses).
     */
    public Endpoint(String host, int port, @Nullable String webSocketPath,
        @Nullable TrustManagerFactory trustManagerFactory,
        @Nullable KeyManagerFactory keyManagerFactory, @Nullable String proxyHost, int proxyPort,
        @Nullable String proxyUser, @Nullable String proxyPassword, long connectTimeoutMillis,
        Failures failures, List<String> tlsProtocols) {
      this.tlsProtocols = Collections.unmodifiableList(new ArrayList<>(tlsProtocols));
      this.host = host;
      this.port = port;
      this.webSocketPath = webSocketPath;
      this.failures = failures;
      this.trustManagerFactory = trustManagerFactory;
      this.keyManagerFactory = keyManagerFactory;
      this.proxyHost = proxyHost;
      this.proxyPort = proxyPort;
      this.proxyUser = proxyUser;
      this.proxyPassword = proxyPassword;
      this.connectTimeoutMillis = connectTimeoutMillis;
    }

    /** Whether {@code o} describes the same server, trust, keys, proxy and errors as this. */
    boolean sameAs(Endpoint o) {
      return host.equals(o.host) && port == o.port && Objects.equals(webSocketPath, o.webSocketPath)
          && trustManagerFactory == o.trustManagerFactory && keyManagerFactory == o.keyManagerFactory
          && Objects.equals(proxyHost, o.proxyHost) && proxyPort == o.proxyPort
          && Objects.equals(proxyUser, o.proxyUser) && Objects.equals(proxyPassword, o.proxyPassword)
          && connectTimeoutMillis == o.connectTimeoutMillis && failures == o.failures
          && tlsProtocols.equals(o.tlsProtocols);
    }
  }

  /**
   * Whether this connector connects to {@code endpoint} exactly as one made for it would: a connector
   * keeps nothing of a connection, so clients of equal endpoints may share one.
   */
  public boolean serves(Endpoint endpoint) {
    return this.endpoint.sameAs(endpoint);
  }

  /** Creates a connector for {@code endpoint}. */
  public HiveMqConnector(Endpoint endpoint) {
    this.endpoint = endpoint;
    MqttClientSslConfig ssl = MqttClientSslConfig.builder()
        .trustManagerFactory(endpoint.trustManagerFactory)
        .keyManagerFactory(endpoint.keyManagerFactory)
        .protocols(endpoint.tlsProtocols)
        .handshakeTimeout(endpoint.connectTimeoutMillis, TimeUnit.MILLISECONDS)
        .build();
    MqttClientTransportConfigBuilder transport = MqttClientTransportConfig.builder()
        .serverHost(endpoint.host)
        .serverPort(endpoint.port)
        .sslConfig(ssl)
        .socketConnectTimeout(endpoint.connectTimeoutMillis, TimeUnit.MILLISECONDS)
        .mqttConnectTimeout(endpoint.connectTimeoutMillis, TimeUnit.MILLISECONDS);
    String webSocketPath = endpoint.webSocketPath;
    if (webSocketPath != null) {
      transport.webSocketConfig(MqttWebSocketConfig.builder()
          .serverPath(webSocketPath)
          .subprotocol("mqtt")
          .handshakeTimeout(endpoint.connectTimeoutMillis, TimeUnit.MILLISECONDS)
          .build());
    }
    if (endpoint.proxyHost != null) {
      transport.proxyConfig(MqttProxyConfig.builder()
          .protocol(MqttProxyProtocol.HTTP)
          .host(endpoint.proxyHost)
          .port(endpoint.proxyPort)
          .username(endpoint.proxyUser)
          .password(endpoint.proxyPassword)
          .handshakeTimeout(endpoint.connectTimeoutMillis, TimeUnit.MILLISECONDS)
          .build());
    }
    this.transportConfig = transport.build();
  }

  @Override
  public Cancellation connect(ConnectRequest request, Listener listener, ConnectCallback callback) {
    HiveMqConnection connection = new HiveMqConnection(listener);
    Mqtt3RxClient client = MqttClient.builder()
        .useMqttVersion3()
        .identifier(request.clientId())
        .transportConfig(transportConfig)
        .executorConfig(EXECUTOR_CONFIG)
        .addDisconnectedListener(connection)
        .buildRx();
    connection.client = client;
    SslContext tls = sslContext();
    if (tls != null) {
      HiveMqInternals.useSslContext(client, tls);
    }
    // Subscribed before CONNECT: a persistent session may deliver right after CONNACK.
    connection.flows.add(client.publishes(MqttGlobalPublishFilter.ALL, true)
        .subscribe(connection, error -> { }));
    Mqtt3ConnectBuilder connect = Mqtt3Connect.builder()
        .cleanSession(request.cleanSession())
        .keepAlive(request.keepAliveSeconds());
    MqttConnector.Will will = request.will();
    if (will != null) {
      connect.willPublish(Mqtt3Publish.builder().topic(will.topic()).payload(will.payload())
          .qos(will.atMostOnce() ? MqttQos.AT_MOST_ONCE : MqttQos.AT_LEAST_ONCE).build());
    }
    byte[] password = request.password();
    Mqtt3Connect message = password == null
        ? connect.simpleAuth().username(request.username()).applySimpleAuth().build()
        : connect.simpleAuth().username(request.username()).password(password).applySimpleAuth()
            .build();
    // Not disposed on cancel: disposing HiveMQ's connect does not stop a CONNECT already on its way,
    // and the connection it then opens would stay open, unowned, holding the shared event loop. So a
    // cancelled attempt waits for its outcome (bounded by the connect timeout) and closes it.
    client.connect(message).subscribe(
        connAck -> {
          if (connection.decide()) {
            Channel channel = HiveMqInternals.channel(client);
            if (channel != null) {
              HiveMqInternals.noDelay(channel);
              connection.loop = channel.eventLoop();
            }
            connection.established = true;
            callback.connected(connection);
          } else {
            connection.abort();
          }
        },
        error -> {
          if (connection.decide()) {
            connection.flows.dispose();
            callback.failed(map(error, request.password() == null, endpoint.failures));
          }
        });
    return connection;
  }

  /**
   * Returns the TLS context shared with other clients (see {@link TlsContexts}), or null if it
   * cannot be built: the HiveMQ client then builds its own and reports the same problem as the
   * connection's failure.
   */
  private @Nullable SslContext sslContext() {
    if (!sslContextTried) {
      synchronized (this) {
        if (!sslContextTried) {
          try {
            sslContext = TlsContexts.forEndpoint(endpoint.trustManagerFactory,
                endpoint.keyManagerFactory, endpoint.tlsProtocols);
          } catch (SSLException | RuntimeException e) {
            LOG.debug("No shared TLS context: {}", e.toString());
          }
          sslContextTried = true;
        }
      }
    }
    return sslContext;
  }

  /** Maps a failed attempt; {@code certificate}: the client authenticates with a certificate. */
  static Throwable map(Throwable error, boolean certificate, Failures failures) {
    if (error instanceof Mqtt3ConnAckException) {
      int code = ((Mqtt3ConnAckException) error).getMqttMessage().getReturnCode().getCode();
      return failures.refused(code, certificate, error);
    }
    return failures.connection("Could not connect: " + error, error);
  }

  /**
   * Marks an orderly close by the hub: HiveMQ reports it as a {@link ConnectionClosedException}
   * without a cause ("Server closed connection without DISCONNECT."), while an I/O error carries its
   * exception as the cause and a keep-alive timeout says so.
   */
  static Throwable classifyClose(Throwable cause) {
    String message = cause.getMessage();
    if (cause instanceof ConnectionClosedException && cause.getCause() == null && message != null
        && message.startsWith("Server closed connection")) {
      return new ClosedByHubException("the hub closed the connection", cause);
    }
    return cause;
  }

}
