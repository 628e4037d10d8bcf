// The fault "connection dropped mid-block" of the built-in Blob storage face (protocol.md §16.3): a Put whose body
// is to be cut gets its connection reset once half of its Content-Length has arrived.
package io.rxiothub.emulator.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One per connection, after the HTTP codec: counts the body of a request chosen to be cut and resets the socket. */
final class StorageCut extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(StorageCut.class);

  private final String prefix;
  private final BooleanSupplier takeCut;
  /** Bytes of the current request's body still to pass before the cut; -1 when it is not cut. */
  private long untilCut = -1;
  private boolean cut;

  StorageCut(String prefix, BooleanSupplier takeCut) {
    this.prefix = prefix;
    this.takeCut = takeCut;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (cut) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      long length = HttpUtil.getContentLength(request, -1L);
      untilCut = request.method().equals(HttpMethod.PUT) && request.uri().startsWith(prefix) && length > 1
          && takeCut.getAsBoolean() ? length / 2 : -1;
    }
    if (untilCut >= 0 && msg instanceof HttpContent content) {
      untilCut -= content.content().readableBytes();
      if (untilCut <= 0) {
        cut = true;
        ReferenceCountUtil.release(msg);
        LOG.info("hub emulator: fault: reset a storage upload's connection halfway through its body");
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        ctx.channel().unsafe().close(ctx.channel().voidPromise());
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }
}
