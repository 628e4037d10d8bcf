// One device's connection to the DPS endpoint: CONNECT, SUBSCRIBE, PUBLISH (QoS 0/1), PINGREQ, DISCONNECT; every
// request answered by DpsService on $dps/registrations/res/… at QoS 0.
package io.rxiothub.emulator.dps.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.rxiothub.emulator.mqtt.MqttPacket;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs on the connection's event loop; one instance per connection. */
final class DpsConnection extends SimpleChannelInboundHandler<ByteBuf> {

  private static final Logger LOG = LoggerFactory.getLogger(DpsConnection.class);
  /**
   * How long an answer waits before it is sent, as the real service's round trip does (protocol.md §15.4). The
   * official Java provisioning client (2.1.2, ContractAPIMqtt) publishes a request and only then starts waiting for
   * the answer's notification: an answer that arrives in between is noticed only after its 10 s wait, and a few such
   * waits exceed its registration time-out. An answer this much later than the request leaves it time to wait.
   */
  static final long ANSWER_DELAY_MILLIS = 50;

  private final DpsService service;
  private final Clock clock;
  private @Nullable String registrationId;
  private @Nullable String scope;
  private byte @Nullable [] password;
  private List<X509Certificate> chain = List.of();

  DpsConnection(DpsService service, Clock clock) {
    this.service = service;
    this.clock = clock;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf packet) {
    MqttPacket decoded = MqttPacket.decode(packet.nioBuffer());
    if (decoded.malformed()) {
      LOG.warn("DPS emulator: malformed {} from {}: closing", decoded.typeName(), registrationId);
      ctx.close();
      return;
    }
    if (registrationId == null && decoded.type() != MqttPacket.CONNECT) {
      LOG.warn("DPS emulator: {} before CONNECT: closing", decoded.typeName());
      ctx.close();
      return;
    }
    switch (decoded.type()) {
      case MqttPacket.CONNECT -> connect(ctx, decoded);
      case MqttPacket.SUBSCRIBE -> subscribe(ctx, decoded);
      case MqttPacket.PUBLISH -> publish(ctx, decoded);
      case MqttPacket.PINGREQ -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {(byte) 0xD0, 0}));
      case MqttPacket.DISCONNECT -> ctx.close();
      case MqttPacket.UNSUBSCRIBE -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {(byte) 0xB0, 2,
          (byte) (decoded.packetId() >> 8), (byte) decoded.packetId()}));
      case MqttPacket.PUBACK -> { }
      default -> {
        LOG.warn("DPS emulator: {} sent {}, which the endpoint does not take: closing", registrationId,
            decoded.typeName());
        ctx.close();
      }
    }
  }

  private void connect(ChannelHandlerContext ctx, MqttPacket connect) {
    if (registrationId != null) {
      LOG.warn("DPS emulator: second CONNECT from {}: closing", registrationId);
      ctx.close();
      return;
    }
    String clientId = connect.clientId() == null ? "" : connect.clientId();
    DpsService.ConnectResult result = service.connect(connect.protocolLevel(), clientId, connect.userName());
    if (result.returnCode() != 0) {
      LOG.warn("DPS emulator: CONNECT of '{}' refused with {}: {}", clientId, result.returnCode(), result.reason());
      ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0x20, 2, 0, (byte) result.returnCode()}))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    registrationId = clientId;
    scope = result.idScope();
    password = connect.password();
    chain = clientCertificates(ctx);
    ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0x20, 2, 0, 0}));
  }

  private void subscribe(ChannelHandlerContext ctx, MqttPacket subscribe) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(subscribe.packetId() >> 8);
    out.write(subscribe.packetId());
    for (int i = 0; i < subscribe.filters().size(); i++) {
      boolean ours = subscribe.filters().get(i).startsWith("$dps/registrations/res/");
      out.write(ours ? Math.min(1, subscribe.requestedQos().get(i)) : 0x80);
    }
    ctx.writeAndFlush(Unpooled.wrappedBuffer(packet(0x90, out.toByteArray())));
  }

  private void publish(ChannelHandlerContext ctx, MqttPacket publish) {
    if (publish.qos() == 1) {
      ctx.write(Unpooled.wrappedBuffer(new byte[] {0x40, 2, (byte) (publish.packetId() >> 8),
          (byte) publish.packetId()}));
    }
    String topic = publish.topic() == null ? "" : publish.topic();
    DpsService.Response response = service.request(scope == null ? "" : scope,
        registrationId == null ? "" : registrationId, password, chain, topic, publish.payload(), clock.instant());
    if (response.close()) {
      ctx.flush();
      ctx.close();
      return;
    }
    byte[] topicBytes = response.topic().getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[2 + topicBytes.length + response.body().length];
    body[0] = (byte) (topicBytes.length >> 8);
    body[1] = (byte) topicBytes.length;
    System.arraycopy(topicBytes, 0, body, 2, topicBytes.length);
    System.arraycopy(response.body(), 0, body, 2 + topicBytes.length, response.body().length);
    ctx.flush(); // the PUBACK at once; the answer a little later
    ctx.executor().schedule(() -> {
      if (ctx.channel().isActive()) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(packet(0x30, body)));
      }
    }, ANSWER_DELAY_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The client certificate chain of the TLS handshake (leaf first), or empty. */
  private static List<X509Certificate> clientCertificates(ChannelHandlerContext ctx) {
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    if (tls == null) {
      return List.of();
    }
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      for (Certificate certificate : tls.engine().getSession().getPeerCertificates()) {
        if (certificate instanceof X509Certificate) {
          certificates.add((X509Certificate) certificate);
        }
      }
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
    return List.copyOf(certificates);
  }

  private static byte[] packet(int header, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 5);
    out.write(header);
    int remaining = body.length;
    do {
      int digit = remaining % 128;
      remaining /= 128;
      out.write(remaining > 0 ? digit | 0x80 : digit);
    } while (remaining > 0);
    out.write(body, 0, body.length);
    return out.toByteArray();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("DPS emulator: connection of {} failed: {}", registrationId, cause.toString());
    ctx.close();
  }
}
