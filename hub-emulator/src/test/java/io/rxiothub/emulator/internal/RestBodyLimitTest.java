package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Chunked bodies have no Content-Length to refuse up front: they are counted per path as they arrive. */
class RestBodyLimitTest {

  private static final int LIMIT = 1024;
  private static final int STORAGE_LIMIT = 8 * 1024;

  private final EmbeddedChannel channel = new EmbeddedChannel(new RestBodyLimit(LIMIT, "/store/", STORAGE_LIMIT));

  @Test
  void aChunkedRestBodyOverTheRestLimitIs413AndClosesWithoutBufferingTheRest() {
    channel.writeInbound(chunkedRequest("/devices/d/files"));
    channel.writeInbound(chunk(LIMIT));
    channel.writeInbound(chunk(1));

    FullHttpResponse response = channel.readOutbound();
    assertThat(response.status().code()).isEqualTo(413);
    assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("RequestEntityTooLarge")
        .contains(String.valueOf(LIMIT));
    response.release();
    assertThat((Object) channel.readInbound()).isNull();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aChunkedBodyWithinItsPathsLimitIsAggregated() {
    channel.writeInbound(chunkedRequest("/store/c/blob"));
    channel.writeInbound(chunk(4096));
    channel.writeInbound(chunk(4096));
    channel.writeInbound(new DefaultLastHttpContent());

    FullHttpRequest request = channel.readInbound();
    assertThat(request.content().readableBytes()).isEqualTo(8192);
    request.release();
    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void theCountStartsAgainWithEachRequestOnAKeptAliveConnection() {
    for (int i = 0; i < 3; i++) {
      channel.writeInbound(chunkedRequest("/devices/d/files"));
      channel.writeInbound(chunk(LIMIT));
      channel.writeInbound(new DefaultLastHttpContent());
      FullHttpRequest request = channel.readInbound();
      assertThat(request.content().readableBytes()).isEqualTo(LIMIT);
      request.release();
    }
    assertThat((Object) channel.readOutbound()).isNull();
  }

  private static HttpRequest chunkedRequest(String uri) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
    HttpUtil.setTransferEncodingChunked(request, true);
    return request;
  }

  private static DefaultHttpContent chunk(int size) {
    return new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[size]));
  }
}
