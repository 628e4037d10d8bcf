// The emulator's public ports on Netty: MQTT over TLS, MQTT over secure WebSocket on /$iothub/websocket, and plain
// MQTT, each with its pipeline; the connection handler at the end of each pipeline comes from the front server.
package io.rxiothub.emulator.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Bound server channels on shared event loops. Thread-safe. */
final class Listeners implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
  /** The path IoT Hub serves MQTT over WebSocket on; any query string is accepted. */
  static final String WEBSOCKET_PATH = "/$iothub/websocket";
  private static final int MAX_WEBSOCKET_FRAME = 2 * 1024 * 1024;
  /** The largest REST request body (docs/service-api.md §1). */
  static final int MAX_REST_BODY = 256 * 1024;
  /** The path prefix of the built-in Blob storage face, whose bodies may be larger (docs/protocol.md §16.3). */
  static final String STORAGE_PREFIX = "/" + io.rxiothub.emulator.files.FileUploads.STORAGE_ACCOUNT + "/";
  /** The largest body of a Put Blob or Put Block on the built-in storage face. */
  static final int MAX_STORAGE_BODY = 256 * 1024 * 1024;

  private final EventLoopGroup group;
  private final SslContext sslContext;
  private final SslContext clientCertificateContext;
  private final String bindAddress;
  private final @Nullable FaultInjector faults;
  private final List<Channel> serverChannels = new ArrayList<>();

  /**
   * Creates the shared event loops and the server TLS context; nothing is bound yet. {@code faults} (may be null)
   * may cut uploads to the built-in storage face.
   */
  Listeners(TlsMaterial tls, String bindAddress, @Nullable FaultInjector faults) {
    this.faults = faults;
    this.group = new NioEventLoopGroup(2, new DefaultThreadFactory("hub-emulator-front", true));
    this.bindAddress = bindAddress;
    try {
      this.sslContext = SslContextBuilder.forServer(tls.keyManagerFactory())
          .sslProvider(SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2")
          .clientAuth(ClientAuth.NONE)
          .build();
      this.clientCertificateContext = clientCertificateContext(tls.keyManagerFactory());
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the emulator's server TLS context", e);
    }
  }

  /**
   * A server TLS context that asks for a client certificate without requiring one and accepts any in the
   * handshake: the CONNECT's authentication judges it (thumbprint or chain, protocol.md §15.5), so that a wrong
   * certificate gets CONNACK 5 with a logged reason rather than a TLS alert.
   */
  static SslContext clientCertificateContext(javax.net.ssl.KeyManagerFactory keys) throws SSLException {
    return SslContextBuilder.forServer(keys)
        .sslProvider(SslProvider.JDK)
        .protocols("TLSv1.3", "TLSv1.2")
        .trustManager(InsecureTrustManagerFactory.INSTANCE)
        .clientAuth(ClientAuth.OPTIONAL)
        .build();
  }

  /** Binds MQTT over TLS; {@code relay} gives each connection its handler of MQTT bytes. */
  int bindTls(int port, Supplier<ChannelHandler> relay) {
    return bind(port, "MQTT/TLS", new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(clientCertificateContext.newHandler(ch.alloc()));
        ch.pipeline().addLast(relay.get());
      }
    });
  }

  /** Binds plain MQTT (debugging only); {@code relay} gives each connection its handler of MQTT bytes. */
  int bindPlain(int port, Supplier<ChannelHandler> relay) {
    return bind(port, "MQTT/TCP", new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(relay.get());
      }
    });
  }

  /** Binds MQTT over secure WebSocket; {@code relay} gives each connection its handler of WebSocket frames. */
  int bindWebSocket(int port, Supplier<ChannelHandler> relay) {
    return bindWebSocket(port, relay, null);
  }

  /**
   * Binds MQTT over secure WebSocket and, when {@code rest} is given, the HTTPS REST face on the same port: every
   * request that is not the upgrade on {@link #WEBSOCKET_PATH} goes to {@code rest}'s handler.
   */
  int bindWebSocket(int port, Supplier<ChannelHandler> relay, @Nullable Supplier<ChannelHandler> rest) {
    return bindWebSocket(port, WEBSOCKET_PATH, relay, rest);
  }

  /** As {@link #bindWebSocket(int, Supplier, Supplier)} with the upgrade on {@code path} (Watson: {@code /mqtt}). */
  int bindWebSocket(int port, String path, Supplier<ChannelHandler> relay, @Nullable Supplier<ChannelHandler> rest) {
    WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(path)
        .subprotocols("mqtt")
        .checkStartsWith(true)
        .allowExtensions(false)
        .maxFramePayloadLength(MAX_WEBSOCKET_FRAME)
        .handleCloseFrames(true)
        .dropPongFrames(true)
        .build();
    // The port with the HTTPS routes asks for a client certificate (optional, any accepted in the handshake): the
    // device file endpoints authenticate X.509 identities with it (protocol.md §16.3), as MQTT CONNECT does.
    SslContext tls = rest == null ? sslContext : clientCertificateContext;
    return bind(port, "MQTT/WSS", new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(tls.newHandler(ch.alloc()));
        ch.pipeline().addLast(new HttpServerCodec());
        if (rest == null) {
          ch.pipeline().addLast(new HttpObjectAggregator(64 * 1024));
        } else {
          FaultInjector cuts = faults;
          if (cuts != null) {
            ch.pipeline().addLast(new StorageCut(STORAGE_PREFIX, cuts::takeStorageCut));
          }
          ch.pipeline().addLast(new RestBodyLimit(MAX_REST_BODY, STORAGE_PREFIX, MAX_STORAGE_BODY));
          ch.pipeline().addLast(rest.get());
        }
        ch.pipeline().addLast(new WebSocketServerProtocolHandler(config));
        ch.pipeline().addLast(relay.get());
      }
    });
  }

  private int bind(int port, String what, ChannelInitializer<SocketChannel> initializer) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(initializer);
    // Not syncUninterruptibly(): it rethrows the checked BindException sneakily, past callers' RuntimeException guards.
    ChannelFuture bindFuture = bootstrap.bind(new InetSocketAddress(bindAddress, port)).awaitUninterruptibly();
    if (!bindFuture.isSuccess()) {
      throw new IllegalStateException(what + " listener cannot bind " + bindAddress + ":" + port + " ("
          + bindFuture.cause().getMessage() + "); pick another port, or 0 for a free one", bindFuture.cause());
    }
    Channel channel = bindFuture.channel();
    synchronized (serverChannels) {
      serverChannels.add(channel);
    }
    int bound = ((InetSocketAddress) channel.localAddress()).getPort();
    LOG.debug("hub emulator {} listener bound on {}:{}", what, bindAddress, bound);
    return bound;
  }

  /** Closes the server channels and the event loops (with the connections on them). */
  @Override
  public void close() {
    synchronized (serverChannels) {
      for (Channel channel : serverChannels) {
        channel.close().syncUninterruptibly();
      }
      serverChannels.clear();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
