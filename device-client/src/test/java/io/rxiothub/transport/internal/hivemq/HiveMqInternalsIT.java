// What the connector reaches inside the HiveMQ client: one TLS context shared by the clients with the same trust
// and no certificate, a context of its own for a certificate client, and TCP_NODELAY on every connection.
package io.rxiothub.transport.internal.hivemq;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.internal.mqtt.MqttClientConfig;
import com.hivemq.client.mqtt.mqtt3.Mqtt3RxClient;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.rxiothub.device.internal.AzureFailures;
import io.rxiothub.device.internal.Credentials;
import io.rxiothub.transport.internal.MqttConnector;
import io.rxiothub.transport.internal.MqttConnector.ConnectRequest;
import io.rxiothub.transport.internal.MqttConnector.InboundPublish;
import io.rxiothub.transport.internal.MqttConnector.MqttConnection;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.sas.ConnectionString;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

class HiveMqInternalsIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  static TrustManagerFactory hubTrust() throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(HUB.hub().trustStore());
    return tmf;
  }

  static HiveMqConnector connector(TrustManagerFactory trust, KeyManagerFactory keys) {
    return new HiveMqConnector(new HiveMqConnector.Endpoint(HUB.hub().hostName(), HUB.hub().mqttPort(), null,
        trust, keys, null, 0, null, null, 10_000, AzureFailures.INSTANCE));
  }

  /** Connects {@code id} through {@code connector} and returns the connection's HiveMQ client. */
  static HiveMqConnection connect(HiveMqConnector connector, DeviceIdentity id) throws Exception {
    byte[] password = Credentials.of(ConnectionString.parse(id.connectionString()), "user", 3600, 0.15)
        .password(System.currentTimeMillis());
    ConnectRequest request = new ConnectRequest(id.clientId(),
        id.hostName() + "/" + id.clientId() + "/?api-version=2021-04-12", password, 60, false);
    CompletableFuture<MqttConnection> connected = new CompletableFuture<>();
    connector.connect(request, new MqttConnector.Listener() {
      @Override
      public void onPublish(InboundPublish publish) {}

      @Override
      public void onClosed(Throwable cause) {}
    }, new MqttConnector.ConnectCallback() {
      @Override
      public void connected(MqttConnection connection) {
        connected.complete(connection);
      }

      @Override
      public void failed(Throwable error) {
        connected.completeExceptionally(error);
      }
    });
    return (HiveMqConnection) connected.get(20, TimeUnit.SECONDS);
  }

  static SslContext tlsContextOf(HiveMqConnection connection) {
    MqttClientConfig config = HiveMqInternals.config((Mqtt3RxClient) connection.client);
    assertThat(config).as("the pinned HiveMQ client's configuration is reachable").isNotNull();
    return config.getCurrentSslContext();
  }

  static void close(HiveMqConnection connection) {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    connection.disconnect(() -> closed.complete(null));
    closed.join();
  }

  @Test
  @Timeout(60)
  void clientsWithTheSameTrustShareOneTlsContextAndEveryConnectionHasNoDelay() throws Exception {
    TrustManagerFactory trust = hubTrust();
    HiveMqConnection[] connections = {
        connect(connector(trust, null), HUB.createDevice("internals-a")),
        connect(connector(trust, null), HUB.createDevice("internals-b")),
        connect(connector(hubTrust(), null), HUB.createDevice("internals-c"))};
    try {
      SslContext first = tlsContextOf(connections[0]);
      assertThat(first).isNotNull();
      assertThat(tlsContextOf(connections[1])).isSameAs(first);
      // Another factory, even with the same certificates, may trust differently: its own context.
      assertThat(tlsContextOf(connections[2])).isNotNull().isNotSameAs(first);
      for (HiveMqConnection c : connections) {
        Channel channel = HiveMqInternals.channel((Mqtt3RxClient) c.client);
        assertThat(channel).isNotNull();
        assertThat(channel.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
      }
    } finally {
      for (HiveMqConnection c : connections) {
        close(c);
      }
    }
  }

  @Test
  void aClientWithACertificateNeverSharesItsTlsContext() throws Exception {
    TrustManagerFactory trust = hubTrust();
    KeyManagerFactory kmf = emptyKeyManagers();
    // Sessions are cached per context: shared, one device could resume another's authenticated session.
    assertThat(TlsContexts.forEndpoint(trust, kmf)).isNotSameAs(TlsContexts.forEndpoint(trust, kmf));
    assertThat(TlsContexts.forEndpoint(trust, null)).isSameAs(TlsContexts.forEndpoint(trust, null));
    assertThat(TlsContexts.forEndpoint(null, null)).isSameAs(TlsContexts.forEndpoint(null, null))
        .isNotSameAs(TlsContexts.forEndpoint(trust, null));
  }

  @Test
  void aTls12OnlyEndpointGetsASharedContextOfItsOwnThatOffersOnlyTls12() throws Exception {
    TrustManagerFactory trust = hubTrust();
    List<String> tls12 = List.of("TLSv1.2");
    SslContext only12 = TlsContexts.forEndpoint(trust, null, tls12);
    // DPS speaks TLS 1.2 only: its clients share one context (and so resume one session), apart from the hub's.
    assertThat(only12).isSameAs(TlsContexts.forEndpoint(trust, null, List.of("TLSv1.2")))
        .isNotSameAs(TlsContexts.forEndpoint(trust, null));
    assertThat(only12.newEngine(ByteBufAllocator.DEFAULT).getEnabledProtocols()).containsExactly("TLSv1.2");
    assertThat(TlsContexts.forEndpoint(trust, null).newEngine(ByteBufAllocator.DEFAULT).getEnabledProtocols())
        .containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
  }

  @Test
  @Timeout(60)
  void anAcknowledgedSubscriptionLeavesNothingInTheConnectionsFlows() throws Exception {
    DeviceIdentity id = HUB.createDevice("internals-sub");
    HiveMqConnection connection = connect(connector(hubTrust(), null), id);
    try {
      // The inbound publish flow, subscribed before CONNECT, lives as long as the connection.
      assertThat(connection.flows.size()).isEqualTo(1);
      CompletableFuture<Void> acked = new CompletableFuture<>();
      connection.subscribe("devices/" + id.deviceId() + "/messages/devicebound/#", error -> {
        if (error == null) {
          acked.complete(null);
        } else {
          acked.completeExceptionally(error);
        }
      });
      acked.get(20, TimeUnit.SECONDS);
      // Before: the SUBSCRIBE's observer stayed there, with its callbacks, for the connection's life.
      assertThat(connection.flows.size()).isEqualTo(1);
    } finally {
      close(connection);
    }
  }

  @Test
  void everyTlsContextKeepsABoundedSessionCache() throws Exception {
    TrustManagerFactory trust = hubTrust();
    KeyManagerFactory kmf = emptyKeyManagers();
    // The JDK's default would keep ~20,000 sessions (one per connection) in a shared context.
    for (SslContext context : new SslContext[] {TlsContexts.forEndpoint(trust, null),
        TlsContexts.forEndpoint(null, null), TlsContexts.forEndpoint(trust, kmf)}) {
      assertThat(context.sessionContext().getSessionCacheSize())
          .isEqualTo(TlsContexts.SESSION_CACHE_SIZE);
    }
  }

  @Test
  @Timeout(30)
  void noDelayTurnsNaglesAlgorithmOffOnAChannelThatHadItOn() throws Exception {
    // As on Android, where Netty leaves TCP_NODELAY off.
    NioEventLoopGroup group = new NioEventLoopGroup(1);
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, false).handler(new ChannelInboundHandlerAdapter())
          .connect(server.getInetAddress(), server.getLocalPort()).sync().channel();
      try (Socket accepted = server.accept()) {
        assertThat(channel.config().getOption(ChannelOption.TCP_NODELAY)).isFalse();
        assertThat(HiveMqInternals.noDelay(channel)).isTrue();
        assertThat(channel.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
      } finally {
        channel.close().sync();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** A key manager factory (no key in it): enough to make a context a certificate client's. */
  private static KeyManagerFactory emptyKeyManagers() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    return kmf;
  }
}
