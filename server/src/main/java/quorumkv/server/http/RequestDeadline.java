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
 * Guards against slow, silent and half-open clients. Sits before the HTTP codec. A new connection must
 * send its first byte within the first-byte timeout or it is closed without an answer (a flood of
 * connections that send nothing frees its slots in seconds, not at the idle timeout). The first bytes
 * of a request start the request timer, and a request not complete when it fires gets a 408 and the
 * connection closes (a slowloris client that trickles bytes never ties up the node). An idle connection
 * (no traffic for the idle timeout, as a half-open TCP connection looks) is closed.
 */
final class RequestDeadline extends ChannelDuplexHandler {
  private final Duration firstByte;
  private final Duration timeout;
  private ScheduledFuture<?> firstByteTimer;
  private ScheduledFuture<?> timer;
  private boolean awaitingRequest = true;

  RequestDeadline(Duration firstByte, Duration timeout) {
    this.firstByte = firstByte;
    this.timeout = timeout;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    firstByteTimer = ctx.executor().schedule(() -> {
      ctx.close();
    }, firstByte.toMillis(), TimeUnit.MILLISECONDS);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (firstByteTimer != null) {
      firstByteTimer.cancel(false);
      firstByteTimer = null;
    }
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
      if (awaitingRequest) {   // never cut a request that is being served (it may wait up to call-timeout)
        ctx.close();
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    if (firstByteTimer != null) {
      firstByteTimer.cancel(false);
      firstByteTimer = null;
    }
    super.channelInactive(ctx);
  }
}
