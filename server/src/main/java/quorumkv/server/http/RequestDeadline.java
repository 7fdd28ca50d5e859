package quorumkv.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Guards against slow and half-open clients. Sits before the HTTP codec: the first bytes of a request
 * start a timer, and a request not complete when it fires gets a 408 and the connection closes (a
 * slowloris client that trickles bytes never ties up the node). An idle connection (no traffic for the
 * idle timeout, as a half-open TCP connection looks) is closed.
 */
final class RequestDeadline extends ChannelDuplexHandler {
  private final Duration timeout;
  private ScheduledFuture<?> timer;
  private boolean awaitingRequest = true;

  RequestDeadline(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (awaitingRequest && timer == null && msg instanceof ByteBuf b && b.isReadable()) {
      timer = ctx.executor().schedule(() -> expire(ctx), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    super.channelRead(ctx, msg);
  }

  /** The dispatcher received a complete request: stop the clock until the next one starts. */
  void requestComplete() {
    awaitingRequest = false;
    cancel();
  }

  /** The response went out: the next bytes start the next request's clock. */
  void responseSent() {
    awaitingRequest = true;
  }

  private void expire(ChannelHandlerContext ctx) {
    timer = null;
    if (awaitingRequest && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(false);
      ctx.channel().writeAndFlush(Responses.closing(408, "request_timeout",
          "the request did not arrive completely within " + timeout.toMillis() + " ms"))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }
}
