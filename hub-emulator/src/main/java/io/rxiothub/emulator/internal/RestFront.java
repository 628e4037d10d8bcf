// The REST side of the emulator's WebSocket port: every HTTP request that is not the MQTT-over-WebSocket upgrade
// goes to the HTTPS route table, answered from worker threads.
package io.rxiothub.emulator.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.http.HttpRoutes;
import io.rxiothub.sas.PercentEncoding;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One per connection, before the WebSocket handshake handler; passes the upgrade and frames on untouched. */
final class RestFront extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(RestFront.class);

  private final HttpRoutes routes;
  private final Scheduler workers;

  RestFront(HttpRoutes routes, Scheduler workers) {
    this.routes = routes;
    this.workers = workers;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request) || isWebSocketUpgrade(request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    HttpCall call;
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    try {
      call = toCall(request, clientCertificates(ctx));
    } catch (IllegalArgumentException e) {
      write(ctx, HttpRoutes.error(400, "ArgumentInvalid", "bad request line: " + e.getMessage()), false);
      return;
    } finally {
      ReferenceCountUtil.release(request);
    }
    HttpCall received = call;
    // Reads pause while a call is answered: HTTP/1.1 answers in order, one call at a time per connection.
    ctx.channel().config().setAutoRead(false);
    Single.defer(() -> routes.dispatch(received))
        .subscribeOn(workers)
        .subscribe(answer -> {
          if (answer.stream() != null) {
            stream(ctx, answer);
            return;
          }
          // One task on the connection's event loop writes and resumes reading (one thread hop, not two).
          ctx.executor().execute(() -> {
            write(ctx, answer, keepAlive);
            ctx.channel().config().setAutoRead(true);
          });
        }, error -> {
          LOG.warn("hub emulator: {} {} failed: {}", received.method(), received.path(), error.toString());
          write(ctx, HttpRoutes.error(500, "ServerError", "the emulator failed on this request"), false);
        });
  }

  private static boolean isWebSocketUpgrade(FullHttpRequest request) {
    String uri = request.uri();
    return uri.startsWith(Listeners.WEBSOCKET_PATH);
  }

  /** The chain the client presented in the TLS handshake (the port asks for one, optionally), or empty. */
  private static List<X509Certificate> clientCertificates(ChannelHandlerContext ctx) {
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    if (tls == null) {
      return List.of();
    }
    List<X509Certificate> chain = new ArrayList<>();
    try {
      for (Certificate certificate : tls.engine().getSession().getPeerCertificates()) {
        if (certificate instanceof X509Certificate x509) {
          chain.add(x509);
        }
      }
    } catch (SSLPeerUnverifiedException e) {
      return List.of(); // no client certificate
    }
    return chain;
  }

  static HttpCall toCall(FullHttpRequest request, List<X509Certificate> clientCertificates) {
    String uri = request.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String method = request.method().name();
    String override = request.headers().get("X-HTTP-Method-Override");
    if (override != null && method.equals("POST") && !override.isEmpty()) {
      method = override;
    }
    HttpCall.Builder call = HttpCall.builder().method(method).path(path.isEmpty() ? "/" : path);
    if (q >= 0) {
      for (String pair : uri.substring(q + 1).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = PercentEncoding.decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : PercentEncoding.decode(pair.substring(eq + 1));
        call.query(name, value);
      }
    }
    for (Map.Entry<String, String> header : request.headers()) {
      call.header(header.getKey(), header.getValue());
    }
    call.body(ByteBufUtil.getBytes(request.content()));
    call.clientCertificates(clientCertificates);
    return call.build();
  }

  /** Headers, then the body and each streamed chunk as they come; the connection closes when the stream ends. */
  private static void stream(ChannelHandlerContext ctx, HttpAnswer answer) {
    Flowable<byte[]> chunks = Objects.requireNonNull(answer.stream());
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()));
    answer.headers().forEach((name, value) -> response.headers().set(name, value));
    HttpUtil.setTransferEncodingChunked(response, true);
    ctx.write(response);
    byte[] body = answer.body();
    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(body)));
    Disposable subscription = chunks.subscribe(
        chunk -> ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk))),
        error -> ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE),
        () -> ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE));
    ctx.channel().closeFuture().addListener(f -> subscription.dispose());
  }

  private static void write(ChannelHandlerContext ctx, HttpAnswer answer, boolean keepAlive) {
    byte[] body = answer.body();
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(body));
    answer.headers().forEach((name, value) -> response.headers().set(name, value));
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (keepAlive) {
      HttpUtil.setKeepAlive(response, true);
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
