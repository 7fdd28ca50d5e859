package quorumkv.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps open connections, so memory stays bounded (each connection may buffer up to one request body):
 * a connection over the cap gets a 503 and is closed.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  ConnectionLimiter(int max) {
    this.max = max;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (open.incrementAndGet() > max) {
      ctx.channel().config().setAutoRead(false);
      ctx.channel().writeAndFlush(Responses.closing(503, "too_many_connections",
          "this node already has " + max + " open HTTP connections")).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    open.decrementAndGet();
    super.channelInactive(ctx);
  }

  int open() {
    return open.get();
  }
}
