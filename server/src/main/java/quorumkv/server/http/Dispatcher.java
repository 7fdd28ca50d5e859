package quorumkv.server.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedFile;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.LoggerFactory;
import quorumkv.server.tls.CertificateIdentity;

/**
 * Turns a complete request into an {@link ApiRequest}, routes it and runs its handler on the worker pool
 * (handlers block on the cluster; the event loop never does). One request per connection at a time:
 * reading pauses until the response is written (requests already decoded wait in the pipeline's
 * FlowControlHandler), so pipelined requests are answered in order and a client cannot queue unbounded
 * work. A full pool answers 429 at once.
 */
public final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final AttributeKey<CertificateIdentity> CALLER = AttributeKey.valueOf("quorumkv.caller");
  private static final CertificateIdentity ANONYMOUS = new CertificateIdentity("", false);
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  /** Told of every answered request, for metrics. */
  public interface Observer {
    void answered(String op, int status, long nanos);
  }

  private final Router router;
  private final Executor workers;
  private final Observer observer;
  private final RequestDeadline deadline;

  Dispatcher(Router router, Executor workers, Observer observer, RequestDeadline deadline) {
    this.router = router;
    this.workers = workers;
    this.observer = observer;
    this.deadline = deadline;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    long started = System.nanoTime();
    deadline.requestComplete();
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      int status = cause instanceof TooLongHttpLineException ? 414
          : cause instanceof TooLongHttpHeaderException ? 431 : cause instanceof TooLongFrameException ? 413 : 400;
      send(ctx, new ApiException(status, "bad_request", "malformed HTTP request: " + Quote.of(cause.getMessage())).toResponse(),
          false, "invalid", started);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    ApiRequest api;
    Router.Match match;
    try {
      api = toApi(request, caller(ctx));
      match = router.match(api.method(), api.path());
      if (match.error() != null) {
        throw match.error();
      }
    } catch (ApiException e) {
      send(ctx, e.toResponse(), keepAlive, "invalid", started);
      return;
    }
    boolean head = api.method().equals("HEAD");
    if (head) {
      api = api.asGet();
    }
    String op = match.route().name() + "_" + api.method().toLowerCase(java.util.Locale.ROOT);
    ApiRequest call = api;
    ctx.channel().config().setAutoRead(false);
    try {
      workers.execute(() -> {
        ApiResponse response;
        try {
          response = match.route().handler().handle(call);
        } catch (ApiException e) {
          response = e.toResponse();
        } catch (RuntimeException e) {
          LOG.warn("op={} failed", op, e);
          response = new ApiException(500, "internal", "internal error; the node logged the details").toResponse();
        }
        ApiResponse r = response;
        ctx.executor().execute(() -> send(ctx, r, keepAlive, op, started, head));
      });
    } catch (RejectedExecutionException e) {
      send(ctx, new ApiException(429, "overloaded", "too many requests queued on this node; retry later").toResponse(),
          keepAlive, op, started, head);
    }
  }

  /**
   * The verified client certificate's identity, read once per connection; null on a plaintext listener.
   * A TLS listener that asks for no certificate (the operations port) gives an empty name.
   */
  private static CertificateIdentity caller(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    CertificateIdentity known = ctx.channel().attr(CALLER).get();
    if (known != null) {
      return known;
    }
    CertificateIdentity identity;
    try {
      var chain = ssl.engine().getSession().getPeerCertificates();
      identity = chain.length > 0 && chain[0] instanceof X509Certificate leaf ? CertificateIdentity.of(leaf)
          : ANONYMOUS;
    } catch (SSLPeerUnverifiedException e) {
      identity = ANONYMOUS;
    }
    ctx.channel().attr(CALLER).set(identity);
    return identity;
  }

  private static ApiRequest toApi(FullHttpRequest request, CertificateIdentity caller) throws ApiException {
    String uri = request.uri();
    if (!uri.startsWith("/")) {
      throw ApiException.badRequest("bad_request", "the request target must be a path starting with /");
    }
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    var query = Percent.query(q < 0 ? null : uri.substring(q + 1));
    byte[] body = new byte[request.content().readableBytes()];
    request.content().getBytes(request.content().readerIndex(), body);
    return new ApiRequest(request.method().name(), path, query, request.headers().get(HttpHeaderNames.CONTENT_TYPE), body,
        caller);
  }

  private void send(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive, String op, long started) {
    send(ctx, r, keepAlive, op, started, false);
  }

  private void send(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive, String op, long started,
      boolean head) {
    ChannelFuture done;
    if (head && r.file() == null) {
      done = ctx.writeAndFlush(Responses.head(r, keepAlive));
    } else if (r.file() != null) {
      done = sendFile(ctx, r, keepAlive);
    } else {
      done = ctx.writeAndFlush(Responses.full(r, keepAlive));
    }
    observer.answered(op, r.status(), System.nanoTime() - started);
    done.addListener((ChannelFutureListener) f -> {
      if (!keepAlive || !f.isSuccess()) {
        f.channel().close();
      } else {
        deadline.responseSent();
        // Resuming auto-read reads once by itself; an extra read() would hand over one more pipelined
        // request even after the next one has paused reading again.
        f.channel().config().setAutoRead(true);
      }
    });
  }

  private static ChannelFuture sendFile(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive) {
    long length;
    try {
      length = Files.size(r.file());
    } catch (IOException e) {
      return ctx.writeAndFlush(Responses.full(new ApiException(500, "internal", "backup file vanished").toResponse(), false));
    }
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType()).set(HttpHeaderNames.CONTENT_LENGTH, length)
        .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    ctx.write(head);
    if (ctx.pipeline().get(SslHandler.class) == null) {
      ctx.write(new DefaultFileRegion(r.file().toFile(), 0, length));   // zero-copy in plaintext
    } else {
      // TLS must encrypt every byte: the file goes as chunks through the pipeline's ChunkedWriteHandler.
      try {
        ctx.write(new ChunkedFile(r.file().toFile(), 64 * 1024));
      } catch (IOException e) {
        return ctx.writeAndFlush(Responses.full(new ApiException(500, "internal", "backup file vanished").toResponse(),
            false));
      }
    }
    ChannelFuture done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    done.addListener(f -> Files.deleteIfExists(r.file()));
    return done;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
