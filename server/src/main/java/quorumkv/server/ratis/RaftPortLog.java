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
  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(RaftPortLog.class);
  /** Held so the configured JUL loggers are never garbage-collected (JUL keeps loggers weakly). */
  private static final List<Logger> GRPC_LOGGERS = List.of(Logger.getLogger(GRPC_CONNECTIONS),
      Logger.getLogger(GRPC_SERVER_HANDLER), Logger.getLogger(GRPC_SERVER_STREAM));
  private static final Logger EXECUTOR = Logger.getLogger(GRPC_EXECUTOR);
  private static final RateLimitedHandler HANDLER = new RateLimitedHandler();
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

  private static final class RateLimitedHandler extends Handler {
    private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong logged = new AtomicLong();
    private final AtomicLong taken = new AtomicLong();

    @Override
    public void publish(LogRecord record) {
      if (record == null || record.getLevel().intValue() < Level.INFO.intValue()) {
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
      LOG.warn("bad input on the Raft port; its connection or stream was closed: {}{}", cause(record),
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
