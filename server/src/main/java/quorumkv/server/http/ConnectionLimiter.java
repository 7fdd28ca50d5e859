package quorumkv.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps open connections in total and per client address, so memory stays bounded (each connection may
 * buffer up to one request body) and one client cannot take every slot: a connection over either cap
 * gets a 429 {@code too_many_connections} and is closed at once.
 *
 * <p>Over TLS a refusal can only be read after a handshake: the refused connection gives its slot back at
 * once (it holds none), the handshake runs within the first-byte timeout, and {@link RefuseAfterHandshake},
 * placed after the TLS handler, answers the 429 and closes.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("quorumkv.counted-address");
  private static final AttributeKey<Boolean> OPEN = AttributeKey.valueOf("quorumkv.counted-open");
  private static final AttributeKey<String> REFUSAL = AttributeKey.valueOf("quorumkv.refusal");

  private final int max;
  private final int maxPerAddress;
  private final boolean tls;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

  ConnectionLimiter(int max, int maxPerAddress, boolean tls) {
    this.max = max;
    this.maxPerAddress = maxPerAddress;
    this.tls = tls;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    open.incrementAndGet();
    ctx.channel().attr(OPEN).set(Boolean.TRUE);
    InetAddress address = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    int fromAddress = 0;
    if (address != null) {
      ctx.channel().attr(COUNTED).set(address);
      int[] now = new int[1];
      perAddress.compute(address, (k, n) -> {
        AtomicInteger count = n == null ? new AtomicInteger() : n;
        now[0] = count.incrementAndGet();
        return count;
      });
      fromAddress = now[0];
    }
    String refusal = open.get() > max ? "this node already has " + max + " open connections on this port"
        : fromAddress > maxPerAddress ? "this node already has " + maxPerAddress + " open connections from your address"
        : null;
    if (refusal != null && tls) {
      release(ctx);
      ctx.channel().attr(REFUSAL).set(refusal);
      super.channelActive(ctx);
      return;
    }
    if (refusal != null) {
      ctx.channel().config().setAutoRead(false);
      ctx.channel().writeAndFlush(refused(refusal)).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    release(ctx);
    super.channelInactive(ctx);
  }

  private void release(ChannelHandlerContext ctx) {
    if (ctx.channel().attr(OPEN).getAndSet(null) != null) {
      open.decrementAndGet();
    }
    InetAddress address = ctx.channel().attr(COUNTED).getAndSet(null);
    if (address != null) {
      perAddress.computeIfPresent(address, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
  }

  private static Object refused(String refusal) {
    return Responses.closing(429, "too_many_connections", refusal + "; retry later");
  }

  int open() {
    return open.get();
  }

  /**
   * After the TLS handler: answers a connection the limiter refused once its handshake is done, and logs a
   * failed handshake (no certificate, another CA, plaintext, an old protocol) as one WARN line, at most one
   * per 10 s per listener with the count of those not logged, so garbage cannot flood the log.
   */
  @ChannelHandler.Sharable
  static final class RefuseAfterHandshake extends ChannelInboundHandlerAdapter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RefuseAfterHandshake.class);
    private static final long LOG_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    private final String listener;
    private final java.util.concurrent.atomic.AtomicLong nextLogNanos = new java.util.concurrent.atomic.AtomicLong(
        System.nanoTime());
    private final AtomicInteger notLogged = new AtomicInteger();

    RefuseAfterHandshake(String listener) {
      this.listener = listener;
    }

    private void handshakeFailed(ChannelHandlerContext ctx, Throwable cause) {
      long now = System.nanoTime();
      long next = nextLogNanos.get();
      if (now - next < 0 || !nextLogNanos.compareAndSet(next, now + LOG_EVERY_NANOS)) {
        notLogged.incrementAndGet();
        return;
      }
      Throwable root = cause;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String why = root.getMessage() == null ? "the connection closed during the handshake" : root.getMessage();
      why = why.replaceAll("\\s+", " ");
      int skipped = notLogged.getAndSet(0);
      LOG.warn("{}: TLS handshake from {} failed: {}{}", listener, ctx.channel().remoteAddress(),
          why.length() > 160 ? why.substring(0, 160) + "..." : why,
          skipped > 0 ? " (" + skipped + " more failed handshakes not logged in the last 10 s)" : "");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
        handshakeFailed(ctx, done.cause());
      }
      String refusal = ctx.channel().attr(REFUSAL).get();
      if (refusal != null && evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
        ctx.channel().config().setAutoRead(false);
        ctx.channel().writeAndFlush(refused(refusal)).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (ctx.channel().attr(REFUSAL).get() != null) {
        ReferenceCountUtil.release(msg); // a refused connection's request is not served
        return;
      }
      super.channelRead(ctx, msg);
    }
  }
}
