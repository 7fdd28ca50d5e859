package quorumkv.server.group;

import org.apache.ratis.thirdparty.io.grpc.Context;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;
import org.apache.ratis.thirdparty.io.grpc.ServerServiceDefinition;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCalls;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.GroupWrite;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.server.watch.WatchService;

/**
 * The write service on the Raft port ({@link GroupWrite#SERVICE}), added to Ratis's gRPC server through its
 * services customizer like the watch service, so it shares the port's mutual TLS and its guard: the guard
 * puts the caller it verified into the call's context ({@link #CALLER}), and this service wraps the caller's
 * write in an envelope naming it, so the state machine authorizes each write as its own caller. A member
 * node's call (no caller in the context) may carry an envelope of its own: nodes vouch for their callers.
 */
public final class WriteService {
  /** The caller of the current call as the Raft port's guard verified it; absent: a member (or plaintext). */
  public static final Context.Key<Caller> CALLER = Context.key("quorumkv-write-caller");

  static final MethodDescriptor<byte[], byte[]> SUBMIT = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(GroupWrite.METHOD)
      .setRequestMarshaller(WatchService.BYTES).setResponseMarshaller(WatchService.BYTES).build();

  private WriteService() {}

  /** The service definition putting each call for {@code group} (this node's Raft group) through {@code commit}. */
  public static ServerServiceDefinition definition(GroupCommit commit, java.util.UUID group) {
    return ServerServiceDefinition.builder(GroupWrite.SERVICE)
        .addMethod(SUBMIT, ServerCalls.asyncUnaryCall((call, response) -> submit(commit, group, call, response)))
        .build();
  }

  private static void submit(GroupCommit commit, java.util.UUID group, byte[] call, StreamObserver<byte[]> response) {
    Caller caller = CALLER.get();
    GroupWrite.Reply refused = null;
    byte[] request = new byte[0];
    try {
      GroupWrite.Call decoded = GroupWrite.decodeCall(call);
      request = decoded.write();
      if (!decoded.group().equals(group)) {
        refused = new GroupWrite.WrongGroup("this node serves group " + group + ", not " + decoded.group()
            + " (a client of another cluster?)");
      }
    } catch (quorumkv.raftlog.command.CommandCodecException e) {
      refused = new GroupWrite.Refused(ErrorCode.MALFORMED_REQUEST, "not a write call: " + e.getMessage());
    }
    RequestCodec.Kind kind = RequestCodec.kindOf(request);
    if (refused != null) {
      // said below
    } else if (caller != null && kind != RequestCodec.Kind.WRITE) {
      refused = new GroupWrite.Refused(ErrorCode.MALFORMED_REQUEST, "the write service takes a write, not " + kind);
    } else if (caller == null && kind != RequestCodec.Kind.WRITE && kind != RequestCodec.Kind.AS_CALLER) {
      refused = new GroupWrite.Refused(ErrorCode.MALFORMED_REQUEST, "the write service takes a write, not " + kind);
    }
    if (refused != null) {
      response.onNext(GroupWrite.encode(refused));
      response.onCompleted();
      return;
    }
    byte[] write = caller == null ? request : RequestCodec.asCaller(caller, request);
    commit.submit(write).whenComplete((reply, error) -> {
      GroupWrite.Reply r = error == null ? reply : new GroupWrite.Unknown("the node failed: " + error);
      try {
        response.onNext(GroupWrite.encode(r));
        response.onCompleted();
      } catch (RuntimeException e) {
        // the caller went away (cancelled, deadline): nothing to tell it
      }
    });
  }
}
