package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.ratis.proto.grpc.RaftClientProtocolServiceGrpc;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http2.Http2Error;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http2.Http2Exception;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What gRPC logs about bad input on the Raft port goes to {@link RaftPortLog}'s rate-limited line and
 * never on to the JVM's console handler with its stack trace: the failed connections, the broken streams
 * and connections its NettyServerHandler reports (an invalid header from a fuzzer or a scanner), and the
 * messages it cannot deframe or parse; but any other failure of a gRPC callback still does.
 */
class RaftPortLogTest {
  private final List<LogRecord> reachedRoot = new CopyOnWriteArrayList<>();
  private final Handler rootCapture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      reachedRoot.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void install() {
    RaftPortLog.install();
    Logger.getLogger("").addHandler(rootCapture);
  }

  @AfterEach
  void remove() {
    Logger.getLogger("").removeHandler(rootCapture);
  }

  @Test
  void grpcStreamAndConnectionErrorsAreTakenInAndGoNoFurther() {
    Logger handler = Logger.getLogger(RaftPortLog.GRPC_SERVER_HANDLER);
    long before = RaftPortLog.recordsTaken();
    Http2Exception invalidHeader = Http2Exception.streamError(1, Http2Error.PROTOCOL_ERROR, "invalid header name [X-Bad]");
    handler.log(Level.WARNING, "Stream Error", invalidHeader);
    handler.log(Level.WARNING, "Connection Error", Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR, "bad frame"));
    handler.log(Level.WARNING, "Exception in onHeadersRead()", new IllegalStateException("broken", invalidHeader));
    assertEquals(3, RaftPortLog.recordsTaken() - before);
    assertEquals(List.of(), reachedRoot.stream().map(LogRecord::getMessage).toList());
  }

  @Test
  void failedConnectionsAreTakenInAndGoNoFurther() {
    long before = RaftPortLog.recordsTaken();
    Logger.getLogger(RaftPortLog.GRPC_CONNECTIONS).log(Level.INFO, "Transport failed",
        Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR, "Unexpected HTTP/1.x request: GET /"));
    assertEquals(1, RaftPortLog.recordsTaken() - before);
    assertEquals(List.of(), reachedRoot.stream().map(LogRecord::getMessage).toList());
  }

  @Test
  void undecodableAndUnparsableMessagesAreTakenInAndGoNoFurther() {
    long before = RaftPortLog.recordsTaken();
    Logger.getLogger(RaftPortLog.GRPC_SERVER_STREAM).log(Level.WARNING, "Exception processing message",
        Status.INTERNAL.withDescription("Can't decode compressed gRPC message as compression not configured")
            .asRuntimeException());
    Logger.getLogger(RaftPortLog.GRPC_EXECUTOR).log(Level.SEVERE, "Exception while executing runnable", unparsable());
    assertEquals(2, RaftPortLog.recordsTaken() - before);
    assertEquals(List.of(), reachedRoot.stream().map(LogRecord::getMessage).toList());
  }

  @Test
  void otherExecutorFailuresStillReachTheLog() {
    long before = RaftPortLog.recordsTaken();
    Logger.getLogger(RaftPortLog.GRPC_EXECUTOR).log(Level.SEVERE, "Exception while executing runnable",
        new NullPointerException("a bug of ours"));
    assertEquals(0, RaftPortLog.recordsTaken() - before);
    assertEquals(List.of("Exception while executing runnable"), reachedRoot.stream().map(LogRecord::getMessage).toList());
  }

  /** What gRPC throws for request bytes that are no protobuf, thrown by gRPC itself. */
  private static RuntimeException unparsable() {
    try {
      RaftClientProtocolServiceGrpc.getUnorderedMethod().parseRequest(new ByteArrayInputStream(new byte[] {10, 1, 120, 7}));
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("garbage parsed as a request");
  }

  @Test
  void debugRecordsStayOff() {
    long before = RaftPortLog.recordsTaken();
    Logger.getLogger(RaftPortLog.GRPC_SERVER_HANDLER).log(Level.FINE, "Connection Error", new RuntimeException("x"));
    assertEquals(0, RaftPortLog.recordsTaken() - before);
  }
}
