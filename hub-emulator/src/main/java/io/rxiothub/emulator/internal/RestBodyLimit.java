// The HTTP aggregator of the emulator's HTTPS port, answering an oversized REST body with IoT Hub's JSON error.
package io.rxiothub.emulator.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpRoutes;

/**
 * Aggregates requests up to a limit; a larger one gets 413 RequestEntityTooLarge, its body is discarded, and the
 * connection closes unless it is keep-alive (as Netty's own aggregator does). Paths under {@code largePrefix} (the
 * built-in Blob storage face, docs/protocol.md §16.3) may carry up to {@code largeLimit}. A chunked body (no
 * Content-Length to judge by) is counted as it arrives: once over its path's limit the request gets 413 and the
 * connection closes, so a chunked request to a REST path never buffers more than the REST limit.
 */
final class RestBodyLimit extends HttpObjectAggregator {

  private final int limit;
  private final String largePrefix;
  private final int largeLimit;
  /** The limit of the chunked body being received, or -1 when none is (Content-Length bodies are judged up front). */
  private long chunkedLimit = -1;
  private long chunkedBytes;
  private boolean refusing;

  RestBodyLimit(int limit, String largePrefix, int largeLimit) {
    super(Math.max(limit, largeLimit));
    this.limit = limit;
    this.largePrefix = largePrefix;
    this.largeLimit = largeLimit;
  }

  /** The body limit of a request to {@code uri}. */
  int limitOf(String uri) {
    return !largePrefix.isEmpty() && uri.startsWith(largePrefix) ? largeLimit : limit;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest request) {
      refusing = false;
      chunkedBytes = 0;
      chunkedLimit = HttpUtil.isTransferEncodingChunked(request) ? limitOf(request.uri()) : -1;
    }
    if (refusing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (chunkedLimit >= 0 && msg instanceof HttpContent content) {
      chunkedBytes += content.content().readableBytes();
      if (chunkedBytes > chunkedLimit) {
        refusing = true;
        ReferenceCountUtil.release(msg);
        releaseCurrentMessage(); // the part aggregated so far; also ends aggregation, so closing is no error
        ctx.writeAndFlush(tooLarge(chunkedLimit)).addListener(ChannelFutureListener.CLOSE);
        return;
      }
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected boolean isContentLengthInvalid(HttpMessage start, int maxContentLength) {
    int max = start instanceof HttpRequest request ? limitOf(request.uri()) : limit;
    try {
      return HttpUtil.getContentLength(start, -1L) > max;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    FullHttpResponse response = tooLarge(oversized instanceof HttpRequest request ? limitOf(request.uri()) : limit);
    if (oversized instanceof FullHttpMessage
        || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized))) {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      // The client may still be sending the body: the aggregator discards it, the connection stays usable.
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }

  private static FullHttpResponse tooLarge(long limit) {
    HttpAnswer answer = HttpRoutes.error(413, "RequestEntityTooLarge", 413,
        "the request body is over the emulator's limit of " + limit + " bytes");
    byte[] body = answer.body();
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
    answer.headers().forEach((name, value) -> response.headers().set(name, value));
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }
}
