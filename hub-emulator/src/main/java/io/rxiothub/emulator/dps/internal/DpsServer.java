// The DPS endpoint's listeners on Netty: MQTT over TLS and MQTT over secure WebSocket (/$iothub/websocket, any
// query), each connection framed into MQTT packets and answered by a DpsConnection.
package io.rxiothub.emulator.dps.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.rxiothub.emulator.mqtt.MqttPacket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Bound listeners of one DPS endpoint. Thread-safe. */
public final class DpsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DpsServer.class);
  private static final String WEBSOCKET_PATH = "/$iothub/websocket";
  private static final int MAX_PACKET = 256 * 1024;
  /** The only protocol: DPS supports TLS 1.2 and no other (protocol.md §15.4). */
  static final String TLS_PROTOCOL = "TLSv1.2";
  /** TLS sessions the endpoint keeps for resumption (the JDK's default, 20,480, holds a day of them). */
  static final int SESSION_CACHE_SIZE = 4_096;
  /**
   * Event loops: TLS handshakes are most of a registration's cost, and one loop would put every handshake of the
   * endpoint on one core (DpsService is synchronized, its work is small).
   */
  static final int EVENT_LOOPS = 2;

  private final DpsService service;
  private final Clock clock;
  private final SslContext sslContext;
  private final EventLoopGroup group;
  private final List<Channel> serverChannels = new ArrayList<>();
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  /** Creates the event loops and the TLS context from the emulator's server key; nothing is bound yet. */
  public DpsServer(DpsService service, KeyManagerFactory keys, Clock clock) {
    this.service = service;
    this.clock = clock;
    try {
      // TLS 1.2 only, as DPS (protocol.md §15.4): a reconnecting client resumes its TLS session (an abbreviated
      // handshake, no key exchange or signature) from the server's session cache, many connections at once.
      // Asks for a client certificate (X.509 attestation) without requiring one; DpsService judges it.
      this.sslContext = SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK)
          .protocols(TLS_PROTOCOL).trustManager(InsecureTrustManagerFactory.INSTANCE)
          .clientAuth(ClientAuth.OPTIONAL).sessionCacheSize(SESSION_CACHE_SIZE).build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the DPS endpoint's server TLS context", e);
    }
    this.group = new NioEventLoopGroup(EVENT_LOOPS, new DefaultThreadFactory("hub-emulator-dps", true));
  }

  /** Binds MQTT over TLS; returns the bound port. */
  public int bindTls(String address, int port) {
    return bind(address, port, "DPS MQTT/TLS", new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        connections.add(ch);
        ch.pipeline().addLast(sslContext.newHandler(ch.alloc()));
        ch.pipeline().addLast(new PacketSplitter());
        ch.pipeline().addLast(new DpsConnection(service, clock));
      }
    });
  }

  /** Binds MQTT over secure WebSocket; returns the bound port. */
  public int bindWebSocket(String address, int port) {
    WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(WEBSOCKET_PATH).subprotocols("mqtt").checkStartsWith(true).allowExtensions(false)
        .maxFramePayloadLength(MAX_PACKET).handleCloseFrames(true).dropPongFrames(true).build();
    return bind(address, port, "DPS MQTT/WSS", new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        connections.add(ch);
        ch.pipeline().addLast(sslContext.newHandler(ch.alloc()));
        ch.pipeline().addLast(new HttpServerCodec());
        ch.pipeline().addLast(new HttpObjectAggregator(64 * 1024));
        ch.pipeline().addLast(new PahoPath());
        ch.pipeline().addLast(new WebSocketServerProtocolHandler(config));
        ch.pipeline().addLast(new FrameUnwrapper());
        ch.pipeline().addLast(new FrameWrapper());
        ch.pipeline().addLast(new PacketSplitter());
        ch.pipeline().addLast(new DpsConnection(service, clock));
      }
    });
  }

  /**
   * The official Java provisioning client gives Paho {@code wss://{host}:443} with no path, and Paho then asks for
   * {@code /mqtt} (its default): served as {@code /$iothub/websocket} (protocol.md §15.4).
   */
  private static final class PahoPath extends io.netty.channel.ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof io.netty.handler.codec.http.HttpRequest request
          && (request.uri().equals("/mqtt") || request.uri().startsWith("/mqtt?"))) {
        request.setUri(WEBSOCKET_PATH + request.uri().substring("/mqtt".length()));
      }
      ctx.fireChannelRead(msg);
    }
  }

  private int bind(String address, int port, String what, ChannelInitializer<SocketChannel> initializer) {
    ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(initializer);
    ChannelFuture future = bootstrap.bind(new InetSocketAddress(address, port)).awaitUninterruptibly();
    if (!future.isSuccess()) {
      throw new IllegalStateException(what + " listener cannot bind " + address + ":" + port + " ("
          + future.cause().getMessage() + "); pick another port, or 0 for a free one", future.cause());
    }
    synchronized (serverChannels) {
      serverChannels.add(future.channel());
    }
    int bound = ((InetSocketAddress) future.channel().localAddress()).getPort();
    LOG.debug("hub emulator {} listener bound on {}:{}", what, address, bound);
    return bound;
  }

  /** Closes every open connection (fault injection); returns how many there were. */
  public int dropConnections() {
    int count = connections.size();
    connections.close().awaitUninterruptibly();
    return count;
  }

  @Override
  public void close() {
    connections.close().awaitUninterruptibly();
    synchronized (serverChannels) {
      for (Channel channel : serverChannels) {
        channel.close().syncUninterruptibly();
      }
      serverChannels.clear();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Splits a byte stream into whole MQTT packets (one ByteBuf each). */
  static final class PacketSplitter extends ByteToMessageDecoder {
    private final byte[] header = new byte[MqttPacket.MAX_FIXED_HEADER];

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      while (in.isReadable()) {
        int available = Math.min(in.readableBytes(), header.length);
        in.getBytes(in.readerIndex(), header, 0, available);
        int length;
        try {
          length = MqttPacket.packetLength(header, 0, available);
        } catch (IllegalArgumentException e) {
          LOG.warn("DPS emulator: malformed MQTT packet length from {}: closing", ctx.channel().remoteAddress());
          in.skipBytes(in.readableBytes());
          ctx.close();
          return;
        }
        if (length > MAX_PACKET) {
          LOG.warn("DPS emulator: a packet of {} bytes is over {}: closing", length, MAX_PACKET);
          in.skipBytes(in.readableBytes());
          ctx.close();
          return;
        }
        if (length < 0 || in.readableBytes() < length) {
          return;
        }
        out.add(in.readRetainedSlice(length));
      }
    }
  }

  /** WebSocket binary frames in, their bytes out. */
  static final class FrameUnwrapper extends SimpleChannelInboundHandler<WebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
        ctx.fireChannelRead(frame.content().retain());
      }
    }
  }

  /** Bytes out, wrapped in WebSocket binary frames. */
  static final class FrameWrapper extends ChannelOutboundHandlerAdapter {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      ctx.write(msg instanceof ByteBuf ? new BinaryWebSocketFrame((ByteBuf) msg) : msg, promise);
    }
  }
}
