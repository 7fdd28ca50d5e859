package quorumkv.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's aggregator, bounded by the max body size, answering oversized bodies with a JSON 413 (Netty's
 * own reply has no body) and closing the connection, so the rest of the body is never buffered.
 */
final class BoundedAggregator extends HttpObjectAggregator {
  BoundedAggregator(int maxBodyBytes) {
    super(maxBodyBytes, true);
  }

  private String message() {
    return "the request body exceeds " + maxContentLength() + " bytes";
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    ctx.channel().config().setAutoRead(false);
    ctx.channel().writeAndFlush(Responses.closing(413, "body_too_large", message()))
        .addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    if (HttpUtil.getContentLength(start, -1L) > maxContentLength) {
      return Responses.closing(413, "body_too_large", message());
    }
    return super.newContinueResponse(start, maxContentLength, pipeline);
  }
}
