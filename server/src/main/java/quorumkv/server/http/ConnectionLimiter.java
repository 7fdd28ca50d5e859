package quorumkv.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps open connections in total and per client address, so memory stays bounded (each connection may
 * buffer up to one request body) and one client cannot take every slot: a connection over either cap
 * gets a 429 {@code too_many_connections} and is closed at once.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("quorumkv.counted-address");

  private final int max;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

  ConnectionLimiter(int max, int maxPerAddress) {
    this.max = max;
    this.maxPerAddress = maxPerAddress;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    open.incrementAndGet();
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
    if (refusal != null) {
      ctx.channel().config().setAutoRead(false);
      ctx.channel().writeAndFlush(Responses.closing(429, "too_many_connections", refusal + "; retry later"))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    open.decrementAndGet();
    InetAddress address = ctx.channel().attr(COUNTED).getAndSet(null);
    if (address != null) {
      perAddress.computeIfPresent(address, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
    super.channelInactive(ctx);
  }

  int open() {
    return open.get();
  }
}
