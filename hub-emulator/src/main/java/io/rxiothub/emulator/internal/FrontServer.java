// The emulator's TCP front: each connection accepted on its Listeners relayed, packet by packet, to the embedded
// broker's loopback-only TCP listener, under the fault rules.
package io.rxiothub.emulator.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.reactivex.rxjava3.core.Scheduler;
import io.rxiothub.emulator.http.HttpRoutes;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty listeners in front of the broker; each accepted connection gets its own loopback connection to it. It is
 * also the TCP proxy through which fault injection resets, blackholes and filters a client's connections.
 */
public final class FrontServer implements AutoCloseable, FaultInjector.Connections {

  private static final Logger LOG = LoggerFactory.getLogger(FrontServer.class);

  private final Listeners listeners;
  private final FaultInjector faults;
  private final @Nullable ClientCertificates clientCertificates;
  private final Map<String, Set<Relay>> byClient = new ConcurrentHashMap<>();
  private volatile int brokerPort;

  /**
   * Creates the listeners' shared event loops; nothing is bound until {@code bind*} is called. Each connection
   * obeys {@code faults}.
   */
  public FrontServer(TlsMaterial tls, String bindAddress, FaultInjector faults) {
    this(tls, bindAddress, faults, null);
  }

  /**
   * As above; a CONNECT with a client certificate and no password is handed to {@code clientCertificates} (null:
   * client certificates are ignored).
   */
  public FrontServer(TlsMaterial tls, String bindAddress, FaultInjector faults,
      @Nullable ClientCertificates clientCertificates) {
    this.faults = faults;
    this.clientCertificates = clientCertificates;
    this.listeners = new Listeners(tls, bindAddress, faults);
  }

  /** Points new connections at the broker's loopback port (changes on restart). */
  public void brokerPort(int port) {
    this.brokerPort = port;
  }

  /** Binds MQTT over TLS on {@code port} (0 = ephemeral) and returns the bound port. */
  public int bindTls(int port) {
    return listeners.bindTls(port, RawRelay::new);
  }

  /** Binds plain MQTT (debugging only) on {@code port} (0 = ephemeral) and returns the bound port. */
  public int bindPlain(int port) {
    return listeners.bindPlain(port, RawRelay::new);
  }

  /** Binds MQTT over secure WebSocket on {@code port} (0 = ephemeral) and returns the bound port. */
  public int bindWebSocket(int port) {
    return listeners.bindWebSocket(port, WebSocketRelay::new);
  }

  /** Binds MQTT over secure WebSocket with the upgrade on {@code path} (Watson: {@code /mqtt}). */
  public int bindWebSocket(int port, String path) {
    return listeners.bindWebSocket(port, path, WebSocketRelay::new, null);
  }

  /**
   * Binds MQTT over secure WebSocket and the HTTPS route table on {@code port} (0 = ephemeral), handlers running on
   * {@code workers}; returns the bound port.
   */
  public int bindWebSocket(int port, HttpRoutes routes, Scheduler workers) {
    return listeners.bindWebSocket(port, WebSocketRelay::new, () -> new RestFront(routes, workers));
  }

  @Override
  public int kill(String clientId) {
    Set<Relay> relays = byClient.get(clientId);
    if (relays == null) {
      return 0;
    }
    int count = 0;
    for (Relay relay : List.copyOf(relays)) {
      relay.reset();
      count++;
    }
    return count;
  }

  @Override
  public void blackhole(String clientId) {
    Set<Relay> relays = byClient.get(clientId);
    if (relays != null) {
      List.copyOf(relays).forEach(Relay::blackhole);
    }
  }

  @Override
  public void resetBlackholed(String clientId) {
    Set<Relay> relays = byClient.get(clientId);
    if (relays != null) {
      List.copyOf(relays).forEach(Relay::resetIfBlackholed);
    }
  }

  @Override
  public int count(String clientId) {
    Set<Relay> relays = byClient.get(clientId);
    return relays == null ? 0 : relays.size();
  }

  @Override
  public void close() {
    listeners.close();
  }

  /**
   * Relays between one front channel and its own broker connection, packet by packet so that fault injection can
   * act on CONNECTs, fault-request PUBLISHes and PUBACKs. Backpressure: a side stops reading while the other
   * side's outbound buffer is full. Runs on the front channel's event loop (the backend shares it).
   */
  private abstract class Relay extends ChannelInboundHandlerAdapter {
    private @Nullable Channel backend;
    private volatile @Nullable Channel frontChannel;
    private final List<ByteBuf> early = new ArrayList<>();
    private final MqttFrames fromDevice = new MqttFrames();
    private final MqttFrames fromBroker = new MqttFrames();
    /** Packet ids of fault requests: the hub never acknowledges them (protocol.md §10). */
    private final Set<Integer> unacknowledged = new HashSet<>();
    private @Nullable String clientId;
    private @Nullable String heldMarker;
    private boolean blackholed;

    /** Wraps broker bytes for the front channel. */
    abstract Object toFront(ByteBuf bytes);

    void openBackend(ChannelHandlerContext ctx) {
      Channel front = ctx.channel();
      frontChannel = front;
      Bootstrap bootstrap = new Bootstrap()
          .group(front.eventLoop())
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext backendCtx, Object msg) {
              fromBroker.add((ByteBuf) msg, backendCtx.alloc(), packet -> brokerPacket(front, packet));
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext backendCtx) {
              front.flush();
              if (!front.isWritable()) {
                backendCtx.channel().config().setAutoRead(false);
              }
            }

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext backendCtx) {
              if (backendCtx.channel().isWritable()) {
                front.config().setAutoRead(true);
              }
            }

            @Override
            public void channelInactive(ChannelHandlerContext backendCtx) {
              fromBroker.release();
              if (blackholed) {
                // A partition hides the hub's close from the device, as a lost network does.
                return;
              }
              LOG.debug("hub emulator: broker closed the connection of front {}", front.remoteAddress());
              closeOnFlush(front);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext backendCtx, Throwable cause) {
              backendCtx.channel().close();
            }
          });
      bootstrap.connect("127.0.0.1", brokerPort).addListener((ChannelFutureListener) f -> {
        if (f.isSuccess() && front.isActive()) {
          Channel connected = f.channel();
          backend = connected;
          for (ByteBuf msg : early) {
            connected.write(msg);
          }
          early.clear();
          connected.flush();
        } else {
          if (!f.isSuccess() && brokerPort == 0) {
            LOG.info("hub emulator: closed a connection from {}: the broker is stopped (outage)",
                front.remoteAddress());
          } else if (!f.isSuccess()) {
            LOG.warn("hub emulator cannot reach its broker on 127.0.0.1:{}: {}", brokerPort,
                f.cause().toString());
          }
          f.channel().close();
          early.forEach(ReferenceCountUtil::release);
          early.clear();
          front.close();
        }
      });
    }

    private void brokerPacket(Channel front, ByteBuf packet) {
      if (blackholed) {
        packet.release();
        return;
      }
      if (MqttFrames.type(packet) == MqttFrames.PUBACK && clientId != null) {
        int packetId = MqttFrames.pubackPacketId(packet);
        if (unacknowledged.remove(packetId)) {
          LOG.debug("hub emulator: no PUBACK for the fault request {} of {}", packetId, clientId);
          packet.release();
          return;
        }
        long delay = faults.pubackDelayMillis(clientId);
        if (delay < 0) {
          LOG.debug("hub emulator: fault: dropped the PUBACK of {} to {}", packetId, clientId);
          packet.release();
          return;
        }
        if (delay > 0) {
          front.eventLoop().schedule(() -> {
            if (front.isActive() && !blackholed) {
              front.writeAndFlush(toFront(packet));
            } else {
              packet.release();
            }
          }, delay, TimeUnit.MILLISECONDS);
          return;
        }
      }
      front.write(toFront(packet));
    }

    void toBackend(ChannelHandlerContext ctx, ByteBuf bytes) {
      fromDevice.add(bytes, ctx.alloc(), packet -> devicePacket(ctx.channel(), packet));
    }

    private void devicePacket(Channel front, ByteBuf packet) {
      if (blackholed) {
        packet.release();
        return;
      }
      int type = MqttFrames.type(packet);
      if (type == MqttFrames.CONNECT && clientId == null) {
        packet = withClientCertificate(front, packet);
        String id = MqttFrames.connectClientId(packet);
        if (id != null) {
          clientId = id;
          byClient.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(this);
          FaultInjector.ConnectAction action = faults.onConnect(id);
          if (action == FaultInjector.ConnectAction.BLACKHOLE) {
            blackholed = true;
            packet.release();
            return;
          } else if (action == FaultInjector.ConnectAction.CLOSE) {
            packet.release();
            front.close();
            return;
          }
        }
      } else if (type == MqttFrames.PUBLISH && MqttFrames.qos(packet) == 1) {
        String topic = MqttFrames.publishTopic(packet);
        if (topic != null && FaultInjector.isFaultRequest(topic)) {
          unacknowledged.add(MqttFrames.publishPacketId(packet));
        }
      }
      Channel target = backend;
      if (target == null) {
        early.add(packet);
      } else {
        target.write(packet);
      }
    }

    /**
     * With a client certificate from the TLS handshake and a CONNECT that has a user name but no password, the
     * CONNECT the broker sees carries a one-time marker naming the chain as its password (protocol.md §15.5).
     */
    private ByteBuf withClientCertificate(Channel front, ByteBuf connect) {
      SslHandler tls = front.pipeline().get(SslHandler.class);
      ClientCertificates held = clientCertificates;
      if (held == null || tls == null || !MqttFrames.connectNeedsPassword(connect)) {
        return connect;
      }
      List<X509Certificate> chain = new ArrayList<>();
      try {
        for (Certificate certificate : tls.engine().getSession().getPeerCertificates()) {
          if (certificate instanceof X509Certificate) {
            chain.add((X509Certificate) certificate);
          }
        }
      } catch (SSLPeerUnverifiedException e) {
        return connect;
      }
      if (chain.isEmpty()) {
        return connect;
      }
      String marker = held.hold(chain);
      heldMarker = marker;
      ByteBuf rewritten = MqttFrames.connectWithPassword(connect, marker.getBytes(StandardCharsets.UTF_8),
          front.alloc());
      connect.release();
      return rewritten;
    }

    /** Resets the front connection: TCP RST, no TLS or WebSocket close, no MQTT close. */
    void reset() {
      Channel front = frontChannel;
      if (front == null) {
        return;
      }
      front.eventLoop().execute(() -> {
        if (front.isOpen()) {
          front.config().setOption(ChannelOption.SO_LINGER, 0);
          front.unsafe().close(front.voidPromise());
        }
      });
    }

    /**
     * Blackholes the connection before returning (the flag lives on the event loop): a packet the
     * device sends after {@code partition()} returned must not pass.
     */
    void blackhole() {
      Channel front = frontChannel;
      if (front == null) {
        return;
      }
      if (front.eventLoop().inEventLoop()) {
        blackholed = true;
      } else if (!front.eventLoop().submit(() -> blackholed = true)
          .awaitUninterruptibly(5, TimeUnit.SECONDS)) {
        LOG.warn("hub emulator: blackholing a connection of {} took over 5 s", clientId);
      }
    }

    void resetIfBlackholed() {
      Channel front = frontChannel;
      if (front != null) {
        front.eventLoop().execute(() -> {
          if (blackholed) {
            reset();
          }
        });
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      Channel target = backend;
      if (target != null) {
        target.flush();
        if (!target.isWritable()) {
          ctx.channel().config().setAutoRead(false);
        }
      }
      ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      Channel target = backend;
      if (target != null && ctx.channel().isWritable()) {
        target.config().setAutoRead(true);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      String marker = heldMarker;
      ClientCertificates held = clientCertificates;
      if (marker != null && held != null) {
        held.forget(marker);
      }
      early.forEach(ReferenceCountUtil::release);
      early.clear();
      fromDevice.release();
      String id = clientId;
      if (id != null) {
        byClient.computeIfPresent(id, (k, relays) -> {
          relays.remove(this);
          return relays.isEmpty() ? null : relays;
        });
      }
      Channel target = backend;
      if (target != null) {
        closeOnFlush(target);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("hub emulator front connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }

  /** MQTT over TCP or TLS: bytes both ways unchanged. */
  private final class RawRelay extends Relay {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      openBackend(ctx);
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      toBackend(ctx, (ByteBuf) msg);
    }

    @Override
    Object toFront(ByteBuf bytes) {
      return bytes;
    }
  }

  /** MQTT over WebSocket: binary frames in, binary frames out, once the upgrade is done. */
  private final class WebSocketRelay extends Relay {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
        openBackend(ctx);
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
        ByteBuf content = ((WebSocketFrame) msg).content().retain();
        ReferenceCountUtil.release(msg);
        toBackend(ctx, content);
      } else if (msg instanceof FullHttpRequest) {
        // Not an upgrade to /$iothub/websocket: answer plainly instead of leaving the client waiting.
        String uri = ((FullHttpRequest) msg).uri();
        ReferenceCountUtil.release(msg);
        LOG.info("hub emulator: refused HTTP request for '{}' (MQTT over WebSocket is served on {})", uri,
            Listeners.WEBSOCKET_PATH);
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.NOT_FOUND, Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    Object toFront(ByteBuf bytes) {
      return new BinaryWebSocketFrame(bytes);
    }
  }

  private static void closeOnFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
