package quorumkv.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Netty's aggregator, bounded by the max body size, answering oversized bodies with a JSON 413 (Netty's
 * own reply has no body) and closing the connection, so the rest of the body is never buffered. An
 * {@code Expect} other than {@code 100-continue} gets a JSON 417 and a close (Netty's is bare, too).
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
    String expect = start.headers().get(HttpHeaderNames.EXPECT);
    if (expect != null && !expect.equalsIgnoreCase("100-continue") && start instanceof HttpRequest
        && start.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0) {   // HTTP/1.0 ignores Expect (RFC 9110 10.1.1)
      return Responses.closing(417, "expectation_failed", "only 'Expect: 100-continue' is supported, not '"
          + Quote.of(expect) + "'");
    }
    if (HttpUtil.getContentLength(start, -1L) > maxContentLength) {
      return Responses.closing(413, "body_too_large", message());
    }
    return super.newContinueResponse(start, maxContentLength, pipeline);
  }
}
