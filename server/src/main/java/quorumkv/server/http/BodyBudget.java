package quorumkv.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the request bytes a listener holds at once, across all its connections: a request reserves its
 * declared body size (the max body if it does not declare one) before a byte of the body is buffered, and
 * gives it back when its response has been written or the connection ends. A request that does not fit
 * gets a definite 429 {@code overloaded} (nothing was done) and the connection closes without reading the
 * body. Between them, this budget, the connection cap and one request at a time per connection keep a
 * node's memory bounded under any write flood: the budget counts the bodies in flight from the moment they
 * arrive until they are answered (decoding, the Raft request and replication copy each at most a few times).
 */
final class BodyBudget extends ChannelDuplexHandler {
  /** One per listener, shared by its connections. */
  static final class Pool {
    private final long limit;
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    Pool(long limit) {
      this.limit = limit;
    }

    boolean tryTake(long bytes) {
      while (true) {
        long now = held.get();
        if (now + bytes > limit && now > 0) {
          refused.incrementAndGet();
          return false;
        }
        if (held.compareAndSet(now, now + bytes)) {
          return true;
        }
      }
    }

    void give(long bytes) {
      held.addAndGet(-bytes);
    }

    long limit() {
      return limit;
    }

    /** Bytes reserved by requests now in flight. */
    long held() {
      return held.get();
    }

    /** Requests refused because the budget was spent. */
    long refused() {
      return refused.get();
    }
  }

  private final Pool pool;
  private final long maxBody;
  /** Reserved by this connection's current request (one at a time: the dispatcher pauses reading). */
  private long reserved;
  /** Refused: the rest of this request's body is dropped while the 429 goes out and the channel closes. */
  private boolean discarding;

  BodyBudget(Pool pool, long maxBody) {
    this.pool = pool;
    this.maxBody = maxBody;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (discarding) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      long declared = HttpUtil.getContentLength(request, -1L);
      boolean bodyless = declared == 0 || (declared < 0 && !HttpUtil.isTransferEncodingChunked(request));
      long bytes = bodyless ? 0 : declared < 0 ? maxBody : Math.min(declared, maxBody);
      if (bytes > 0) {
        release();
        if (!pool.tryTake(bytes)) {
          discarding = true;
          ReferenceCountUtil.release(msg);
          ctx.channel().config().setAutoRead(false);
          ctx.writeAndFlush(Responses.closing(429, "overloaded", "this node holds its limit of request bytes in"
              + " flight (" + pool.limit() / (1024 * 1024) + " MiB); nothing was done; retry later"))
              .addListener(ChannelFutureListener.CLOSE);
          return;
        }
        reserved = bytes;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent && reserved > 0) {
      // The full response (or its last part) is on its way: the request's bytes are no longer needed.
      // Give back exactly this request's share: by the time the write completes, a pipelined next
      // request may hold a reservation of its own.
      long answered = reserved;
      reserved = 0;
      promise.addListener(f -> pool.give(answered));
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    release();
    super.channelInactive(ctx);
  }

  private void release() {
    if (reserved > 0) {
      pool.give(reserved);
      reserved = 0;
    }
  }
}
