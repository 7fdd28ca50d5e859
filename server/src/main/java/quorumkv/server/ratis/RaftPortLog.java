package quorumkv.server.ratis;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quiet logs for garbage on the Raft port. Ratis's shaded gRPC logs every failed connection (an HTTP/1
 * request, random bytes, a TLS hello on a plaintext port) through java.util.logging with a full
 * Http2Exception stack trace, and every broken HTTP/2 stream (an invalid header, a frame on a stream
 * it does not know) the same way from its NettyServerHandler ("Stream Error", "Exception in
 * onHeadersRead()"; its "Connection Error" is FINE today), and every gRPC message it cannot take (one
 * flagged compressed, one over the size limit: NettyServerStream; request bytes that are no protobuf:
 * SerializingExecutor, at SEVERE), so a port scanner or a fuzzer floods the log. Here such records become
 * one WARN line naming the cause, at most one per {@link #INTERVAL_NANOS} with a count of the ones left
 * out. SerializingExecutor runs every gRPC callback, so only its records of unparsable requests are taken.
 *
 * <p>A refused TLS handshake (no client certificate, one from another CA, an expired one, TLS 1.2 while it is
 * off, plaintext on a TLS port) is logged by gRPC's ProtocolNegotiators at FINE only, so it would go unseen:
 * those records become their own WARN line, rate-limited the same way, naming the cause.
 */
final class RaftPortLog {
  /** Where shaded gRPC reports failed server connections ({@code NettyServerTransport.connections}). */
  static final String GRPC_CONNECTIONS = "org.apache.ratis.thirdparty.io.grpc.netty.NettyServerTransport.connections";
  /** Where shaded gRPC reports broken HTTP/2 streams and connections of its server. */
  static final String GRPC_SERVER_HANDLER = "org.apache.ratis.thirdparty.io.grpc.netty.NettyServerHandler";
  /** Where shaded gRPC reports a server stream's message it could not deframe. */
  static final String GRPC_SERVER_STREAM = "org.apache.ratis.thirdparty.io.grpc.netty.NettyServerStream";
  /** Where shaded gRPC reports whatever a callback threw, an unparsable request among them. */
  static final String GRPC_EXECUTOR = "org.apache.ratis.thirdparty.io.grpc.internal.SerializingExecutor";
  /** Where shaded gRPC reports a server-side TLS handshake that failed ("TLS negotiation failed for new client."). */
  static final String GRPC_NEGOTIATORS = "org.apache.ratis.thirdparty.io.grpc.netty.ProtocolNegotiators";
  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(RaftPortLog.class);
  /** Held so the configured JUL loggers are never garbage-collected (JUL keeps loggers weakly). */
  private static final List<Logger> GRPC_LOGGERS = List.of(Logger.getLogger(GRPC_CONNECTIONS),
      Logger.getLogger(GRPC_SERVER_HANDLER), Logger.getLogger(GRPC_SERVER_STREAM));
  private static final Logger EXECUTOR = Logger.getLogger(GRPC_EXECUTOR);
  private static final RateLimitedHandler HANDLER =
      new RateLimitedHandler("bad input on the Raft port; its connection or stream was closed", Level.INFO);
  private static final Logger NEGOTIATORS = Logger.getLogger(GRPC_NEGOTIATORS);
  private static final RateLimitedHandler HANDSHAKES =
      new RateLimitedHandler("a TLS handshake on the Raft port failed; the connection was closed", Level.FINE) {
        @Override
        boolean takes(LogRecord record) {
          return String.valueOf(record.getMessage()).startsWith("TLS negotiation failed");
        }
      };
  /** Takes the executor's records of unparsable requests; passes the rest on as before. */
  private static final Filter UNPARSABLE_REQUESTS = record -> {
    if (isUnparsableRequest(record)) {
      HANDLER.publish(record);
      return false;
    }
    return true;
  };

  private RaftPortLog() {}

  /** Idempotent; the JVM-wide JUL logger is shared by every node in the process. */
  static synchronized void install() {
    for (Logger logger : GRPC_LOGGERS) {
      if (!List.of(logger.getHandlers()).contains(HANDLER)) {
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.INFO);
        logger.addHandler(HANDLER);
      }
    }
    if (EXECUTOR.getFilter() != UNPARSABLE_REQUESTS) {
      EXECUTOR.setFilter(UNPARSABLE_REQUESTS);
    }
    if (!List.of(NEGOTIATORS.getHandlers()).contains(HANDSHAKES)) {
      NEGOTIATORS.setUseParentHandlers(false);
      NEGOTIATORS.setLevel(Level.FINE);
      NEGOTIATORS.addHandler(HANDSHAKES);
    }
  }

  /** Failed TLS handshakes seen on Raft ports in this JVM, logged or left out, for tests. */
  static long handshakeFailures() {
    return HANDSHAKES.taken.get();
  }

  /** gRPC's status exception thrown while parsing the request bytes: what a client sent, not our fault. */
  static boolean isUnparsableRequest(LogRecord record) {
    Throwable t = record.getThrown();
    if (t == null || !t.getClass().getSimpleName().equals("StatusRuntimeException")) {
      return false;
    }
    for (StackTraceElement frame : t.getStackTrace()) {
      if (frame.getMethodName().equals("parseRequest")) {
        return true;
      }
    }
    return false;
  }

  /** Lines written, for tests. */
  static long linesLogged() {
    return HANDLER.logged.get();
  }

  /** Records taken in, logged or left out, for tests. */
  static long recordsTaken() {
    return HANDLER.taken.get();
  }

  private static class RateLimitedHandler extends Handler {
    private final String what;
    private final Level lowest;
    private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong logged = new AtomicLong();
    private final AtomicLong taken = new AtomicLong();

    RateLimitedHandler(String what, Level lowest) {
      this.what = what;
      this.lowest = lowest;
    }

    /** True if this handler logs {@code record} (at or above its lowest level). */
    boolean takes(LogRecord record) {
      return true;
    }

    @Override
    public void publish(LogRecord record) {
      if (record == null || record.getLevel().intValue() < lowest.intValue() || !takes(record)) {
        return;
      }
      taken.incrementAndGet();
      long now = System.nanoTime();
      long allowed = nextAllowed.get();
      if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + INTERVAL_NANOS)) {
        suppressed.incrementAndGet();
        return;
      }
      long more = suppressed.getAndSet(0);
      logged.incrementAndGet();
      LOG.warn("{}: {}{}", what, cause(record),
          more == 0 ? "" : " (" + more + " more in the last " + TimeUnit.NANOSECONDS.toSeconds(INTERVAL_NANOS) + " s not logged)");
    }

    private static String cause(LogRecord record) {
      Throwable t = record.getThrown();
      if (t == null) {
        return String.valueOf(record.getMessage());
      }
      while (t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
      String message = String.valueOf(t.getMessage()).replaceAll("\\s+", " ");
      return t.getClass().getSimpleName() + ": " + (message.length() > 200 ? message.substring(0, 200) + "..." : message);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
