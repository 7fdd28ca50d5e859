package quorumkv.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.server.config.ConfigException;
import quorumkv.server.config.ServerConfig;

/**
 * The node's HTTP/1.1 server (Netty). Per connection:
 *
 * <pre>
 * ConnectionLimiter ─ [SslHandler ─ RefuseAfterHandshake] ─ IdleStateHandler ─ RequestDeadline ─ HttpServerCodec ─ FlowControlHandler ─ BodyBudget ─ BoundedAggregator ─ Dispatcher ─► worker pool ─► Handler
 *   (max-connections,   (TLS listeners)                        (idle-timeout)    (first-byte and    (line/header caps)  (holds pipelined    (max-inflight-  (max-body-bytes)   (one request at a time)
 *    per address: 429)                     request timeouts)                      requests)           bytes: 429)
 * </pre>
 *
 * Memory is bounded: per connection by the header caps plus the max body, across connections by the
 * in-flight body budget ({@link BodyBudget}), and the number of connections and queued requests is
 * capped, so no client and no flood can make the node buffer without bound.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
  /** Long enough for a 4 KiB key percent-encoded three times over, plus parameters. */
  static final int MAX_INITIAL_LINE = 16 * 1024;
  static final int MAX_HEADER_BYTES = 16 * 1024;

  private final EventLoopGroup boss;
  private final EventLoopGroup loops;
  private final ThreadPoolExecutor workers;
  private final Channel channel;
  private final BodyBudget.Pool budget;

  private HttpServer(EventLoopGroup boss, EventLoopGroup loops, ThreadPoolExecutor workers, Channel channel,
      BodyBudget.Pool budget) {
    this.budget = budget;
    this.boss = boss;
    this.loops = loops;
    this.workers = workers;
    this.channel = channel;
  }

  /**
   * Binds and starts serving; a port in use is a {@link ConfigException} naming {@code portKey}.
   * {@code name} ("http", "ops") names the listener's threads; each listener has threads of its own.
   */
  public static HttpServer start(String name, String portKey, ServerConfig.HttpSettings settings, String nodeId,
      Router router, Dispatcher.Observer observer, SslContext tls) {
    String prefix = "quorumkv-" + nodeId + "-" + name;
    ThreadPoolExecutor workers = new ThreadPoolExecutor(settings.workers(), settings.workers(), 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(settings.maxQueued()), threads(prefix + "-worker"));
    workers.allowCoreThreadTimeOut(true);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, threads(prefix + "-accept"), NioIoHandler.newFactory());
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(name.equals("http") ? 2 : 1, threads(prefix + "-io"),
        NioIoHandler.newFactory());
    ConnectionLimiter limiter = new ConnectionLimiter(settings.maxConnections(), settings.maxConnectionsPerAddress(),
        tls != null);
    ConnectionLimiter.RefuseAfterHandshake refuseAfterHandshake = new ConnectionLimiter.RefuseAfterHandshake(
        "node=" + nodeId + " " + name);
    BodyBudget.Pool budget = new BodyBudget.Pool(settings.maxInflightBytes());
    ServerBootstrap bootstrap = new ServerBootstrap().group(boss, loops).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 128)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            RequestDeadline deadline = new RequestDeadline(settings.firstByteTimeout(), settings.requestTimeout());
            ch.pipeline().addLast("limit", limiter);
            if (tls != null) {
              SslHandler handler = tls.newHandler(ch.alloc());
              handler.setHandshakeTimeoutMillis(settings.firstByteTimeout().toMillis());
              ch.pipeline().addLast("tls", handler).addLast("refuse", refuseAfterHandshake);
            }
            ch.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast("deadline", deadline)
                .addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 64 * 1024))
                // One read can hold several pipelined requests; the codec decodes them all at once. While
                // the dispatcher has paused reading (a request is being served), this holds the rest, so
                // they are budgeted, aggregated, continued (100) and served one by one, in order.
                .addLast("in-order", new FlowControlHandler())
                .addLast("budget", new BodyBudget(budget, settings.maxBodyBytes()))
                .addLast("aggregate", new BoundedAggregator(settings.maxBodyBytes()));
            if (tls != null) {
              ch.pipeline().addLast("chunked", new ChunkedWriteHandler()); // files (backups) through TLS
            }
            ch.pipeline().addLast("dispatch", new Dispatcher(router, workers, observer, deadline));
          }
        });
    try {
      Channel channel = bootstrap.bind(new InetSocketAddress(settings.bindHost(), settings.port())).sync().channel();
      LOG.info("node={} {} on {}:{}{}", nodeId, name.equals("http") ? "HTTP" : "operations (/health, /ready, /metrics)",
          settings.bindHost(), settings.port(), tls == null ? " (plaintext)" : " (TLS)");
      return new HttpServer(boss, loops, workers, channel, budget);
    } catch (Exception e) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownNow();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new ConfigException(name + " port " + settings.port() + " cannot be bound (" + e.getMessage()
          + "); set " + portKey, e);
    }
  }

  /** Request body bytes held now by requests in flight (see {@link BodyBudget}). */
  public long inflightBytes() {
    return budget.held();
  }

  /** The in-flight body budget. */
  public long inflightLimit() {
    return budget.limit();
  }

  /** Requests refused with 429 because the in-flight body budget was spent. */
  public long refusedForBytes() {
    return budget.refused();
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Daemon threads named {@code <prefix>-<pool>-<n>}: they never keep a stopping JVM alive. */
  private static DefaultThreadFactory threads(String prefix) {
    return new DefaultThreadFactory(prefix, true);
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    workers.shutdownNow();
  }
}
