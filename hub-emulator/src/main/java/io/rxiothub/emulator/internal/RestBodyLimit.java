// The HTTP aggregator of the emulator's HTTPS port, answering an oversized REST body with IoT Hub's JSON error.
package io.rxiothub.emulator.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpRoutes;

/**
 * Aggregates requests up to a limit; a larger one gets 413 RequestEntityTooLarge, its body is discarded, and the
 * connection closes unless it is keep-alive (as Netty's own aggregator does).
 */
final class RestBodyLimit extends HttpObjectAggregator {

  private final int limit;

  RestBodyLimit(int limit) {
    super(limit);
    this.limit = limit;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    HttpAnswer answer = HttpRoutes.error(413, "RequestEntityTooLarge", 413,
        "the request body is over the emulator's limit of " + limit + " bytes");
    byte[] body = answer.body();
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
    answer.headers().forEach((name, value) -> response.headers().set(name, value));
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (oversized instanceof FullHttpMessage
        || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized))) {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      // The client may still be sending the body: the aggregator discards it, the connection stays usable.
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }
}
