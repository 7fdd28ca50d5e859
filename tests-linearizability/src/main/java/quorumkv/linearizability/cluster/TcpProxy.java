package quorumkv.linearizability.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of one node (Netty): everything addressed to the node, from peers and clients,
 * passes through it, so a test can blackhole, delay or reset the node's inbound traffic.
 *
 * <ul>
 *   <li>{@link Mode#PASS}: forward both ways.</li>
 *   <li>{@link Mode#BLACKHOLE}: accept and hold connections but forward nothing and stop reading, so
 *       the senders' TCP windows fill and their calls hang, as with a host that vanished from the
 *       network without closing anything. On heal the held bytes flow on (TCP never loses bytes).</li>
 *   <li>{@link Mode#DELAY}: forward after {@link #delayMillis}.</li>
 *   <li>{@link Mode#RESET}: close every connection at once (refused links).</li>
 * </ul>
 */
final class TcpProxy implements AutoCloseable {
  /** What the proxy does with traffic. */
  public enum Mode { PASS, BLACKHOLE, DELAY, RESET }

  private final EventLoopGroup group;
  private final Channel server;
  private final Set<Channel> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong heldBytes = new AtomicLong();
  /** Reads stalled by a blackhole, resumed on heal. */
  private final java.util.Queue<Runnable> stalled = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private volatile Mode mode = Mode.PASS;
  private volatile long delayMillis = 50;

  private TcpProxy(EventLoopGroup group, Channel server) {
    this.group = group;
    this.server = server;
  }

  /** Listens on 127.0.0.1:{@code listenPort} and forwards to 127.0.0.1:{@code targetPort}. */
  public static TcpProxy start(int listenPort, int targetPort) throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    TcpProxy[] self = new TcpProxy[1];
    ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.AUTO_READ, false)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel inbound) {
            inbound.pipeline().addLast(self[0].new Frontend(targetPort));
          }
        });
    Channel server = b.bind("127.0.0.1", listenPort).sync().channel();
    self[0] = new TcpProxy(group, server);
    return self[0];
  }

  public void setMode(Mode mode) {
    this.mode = mode;
    if (mode == Mode.RESET) {
      open.forEach(Channel::close);
    }
    if (mode != Mode.BLACKHOLE) {
      for (Runnable r; (r = stalled.poll()) != null; ) {
        r.run();
      }
    }
  }

  public Mode mode() {
    return mode;
  }

  public void setDelayMillis(long delayMillis) {
    this.delayMillis = delayMillis;
  }

  /** Bytes held back while blackholed: evidence the fault bit. */
  public long heldBytes() {
    return heldBytes.get();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    open.forEach(Channel::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * Forwards {@code msg} from {@code from} to {@code to} according to the current mode, then asks
   * {@code from} for more (unless blackholed: then both wait for the heal).
   */
  private void relay(Object msg, Channel from, Channel to) {
    Mode m = mode;
    if (m == Mode.RESET) {
      ReferenceCountUtil.release(msg);
      from.close();
      to.close();
      return;
    }
    if (m == Mode.BLACKHOLE) {
      if (msg instanceof ByteBuf buf) {
        heldBytes.addAndGet(buf.readableBytes());
      }
      stalled.add(() -> from.eventLoop().execute(() -> relay(msg, from, to)));
      if (mode != Mode.BLACKHOLE) {  // healed meanwhile: make sure nothing stays behind
        setMode(mode);
      }
      return;
    }
    if (m == Mode.DELAY) {
      to.eventLoop().schedule(() -> to.writeAndFlush(msg), delayMillis, TimeUnit.MILLISECONDS);
    } else {
      to.writeAndFlush(msg);
    }
    from.read();
  }

  private final class Frontend extends ChannelInboundHandlerAdapter {
    private final int targetPort;
    private Channel backend;

    Frontend(int targetPort) {
      this.targetPort = targetPort;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel inbound = ctx.channel();
      if (mode == Mode.RESET) {
        inbound.close();
        return;
      }
      open.add(inbound);
      inbound.closeFuture().addListener(f -> open.remove(inbound));
      ChannelFuture connect = new Bootstrap().group(inbound.eventLoop()).channel(NioSocketChannel.class)
          .option(ChannelOption.AUTO_READ, false)
          .handler(new Backend(inbound))
          .connect("127.0.0.1", targetPort);
      backend = connect.channel();
      open.add(backend);
      backend.closeFuture().addListener(f -> open.remove(backend));
      connect.addListener(f -> {
        if (f.isSuccess()) {
          inbound.read();
          backend.read();
        } else {
          inbound.close();
        }
      });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      relay(msg, ctx.channel(), backend);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (backend != null) {
        backend.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private final class Backend extends ChannelInboundHandlerAdapter {
    private final Channel inbound;

    Backend(Channel inbound) {
      this.inbound = inbound;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      relay(msg, ctx.channel(), inbound);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      inbound.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
