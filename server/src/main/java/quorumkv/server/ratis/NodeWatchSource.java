package quorumkv.server.ratis;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import java.util.function.Supplier;
import org.apache.ratis.server.RaftServer;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;
import quorumkv.raftlog.command.ResultCodec;
import quorumkv.raftlog.statemachine.KvStateMachine;
import quorumkv.raftlog.command.HistoryPage;
import quorumkv.server.watch.WatchHub;

/** What the watch hub reads from this node: its live store (through the state machine) and its Raft log. */
final class NodeWatchSource implements WatchHub.Source {
  private static final ClientId CLIENT_ID = ClientId.randomId();
  private static final AtomicLong CALL_IDS = new AtomicLong();

  private final Supplier<KvStateMachine> stateMachine;
  private final Supplier<RaftServer.Division> division;
  private final KvNode node;

  NodeWatchSource(KvNode node) {
    this.node = node;
    this.stateMachine = node::stateMachine;
    this.division = node::divisionOrNull;
  }

  private KvStateMachine sm() throws IOException {
    KvStateMachine sm = stateMachine.get();
    if (sm == null) {
      throw new IOException("the node's state machine is not running");
    }
    return sm;
  }

  @Override
  public HistoryPage history(long from, Bytes key, boolean prefix, int maxEvents) throws IOException {
    return sm().withStore(s -> s.history(from, key, prefix, maxEvents));
  }

  @Override
  public long historyStart() throws IOException {
    return sm().withStore(s -> s.historyStart());
  }

  @Override
  public long appliedRevision() {
    try {
      return sm().withStore(s -> s.revisionOf(s.applied().index()));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  @Override
  public long committedRevision() {
    RaftServer.Division d = division.get();
    if (d == null) {
      return 0;
    }
    long committed = d.getRaftLog().getLastCommittedIndex();
    try {
      return sm().withStore(s -> s.revisionOf(committed));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * A linearizable read of the watched key (or one key of the prefix) as {@code caller}, submitted to this
   * node's own Raft server: it waits for the read index as any read served here does, and the state
   * machine checks the caller's grants exactly as for a range read. A member (null) has every right.
   */
  @Override
  public CompletableFuture<String> authorize(Caller caller, Bytes key, boolean prefix) {
    if (caller == null) {
      return CompletableFuture.completedFuture(null);
    }
    Command read = prefix ? new Command.Range(key, key.prefixEnd(), 1) : new Command.Get(key);
    byte[] bytes = RequestCodec.encode(new Request.AsCaller(caller, new Request.Read(List.of(read))));
    RaftPeerId self = RaftPeerId.valueOf(node.config().nodeId());
    RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(CLIENT_ID).setServerId(self)
        .setGroupId(node.groupId()).setCallId(CALL_IDS.incrementAndGet())
        .setMessage(Message.valueOf(ByteString.copyFrom(bytes))).setType(RaftClientRequest.readRequestType()).build();
    try {
      return node.server().submitClientRequestAsync(request).thenApply(reply -> {
        if (!reply.isSuccess()) {
          throw new CompletionException(new IOException(String.valueOf(reply.getException())));
        }
        Response response = ResultCodec.decodeResponse(reply.getMessage().getContent().toByteArray());
        if (response instanceof Response.Failed failed) {
          if (failed.code() == ErrorCode.PERMISSION_DENIED) {
            return failed.message();
          }
          throw new CompletionException(new IOException(failed.code() + ": " + failed.message()));
        }
        // A read's refusal is its command's result, as a denied command in a batch is.
        for (Result r : ((Response.Ok) response).results()) {
          if (r instanceof Result.Error error && error.code() == ErrorCode.PERMISSION_DENIED) {
            return error.message();
          }
          if (r instanceof Result.Error error) {
            throw new CompletionException(new IOException(error.code() + ": " + error.message()));
          }
        }
        return null;
      });
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public String denial(Caller caller, Bytes key, boolean prefix) throws IOException {
    return sm().withStore(s -> s.watchDenial(caller, key, prefix));
  }
}
