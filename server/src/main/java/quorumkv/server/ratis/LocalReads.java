package quorumkv.server.ratis;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.CallId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvResult;
import quorumkv.client.KvUnavailableException;
import quorumkv.client.ReadConsistency;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;
import quorumkv.raftlog.command.ResultCodec;

/**
 * Reads served by this node itself, for its HTTP API: {@link ReadConsistency#LINEARIZABLE} through Ratis's
 * ReadIndex on this node (a follower asks the leader for the read index, then answers from its own state
 * once it has applied that far), {@link ReadConsistency#FOLLOWER} from this node's applied state at or
 * above a minimum index the caller gives. Each read is handed straight to this node's Ratis server, in
 * process; a failed attempt (no leader, a ReadIndex that failed, a snapshot install, this node not yet
 * at the minimum index) is retried after a short pause until the call timeout runs out. Failures are the
 * client library's types: {@link KvRejectedException} for a request the state machine refused,
 * {@link KvUnavailableException} otherwise (a read has no effect, so it is never indeterminate).
 *
 * <p>Why not the node's {@code KvClient}, which serves the writes: the client decides where a read runs
 * (the leader for LINEARIZABLE, a replica of its choice for FOLLOWER) and which minimum index it needs
 * (the highest it has seen itself). The HTTP API promises the node that got the request, which spreads
 * linearizable reads over the followers, and honours the caller's {@code min_index}, carried from one
 * HTTP call to the next. A service embedding the client needs neither, so the client does not offer
 * them, and it has no business knowing the node it runs in.
 */
public final class LocalReads {
  private static final long PAUSE_MS = 100;
  /**
   * One attempt's bound, the client's RPC timeout: a ReadIndex sent to a leader that was just killed
   * may never be answered (README, open questions), and the next attempt goes to the new leader.
   */
  private static final long ATTEMPT_MS = KvClientConfig.DEFAULT_RPC_TIMEOUT.toMillis();

  private final KvNode node;
  private final Duration timeout;
  private final ClientId clientId = ClientId.randomId();

  public LocalReads(KvNode node, Duration timeout) {
    this.node = node;
    this.timeout = timeout;
  }

  public KvResult.Get get(Command.Get get, ReadConsistency consistency, long minIndex) {
    Response.Ok ok = read(get, consistency, minIndex);
    return new KvResult.Get(ok.index(), single(ok, Result.GetResult.class).kv());
  }

  public KvResult.Range range(Command.Range range, ReadConsistency consistency, long minIndex) {
    Response.Ok ok = read(range, consistency, minIndex);
    Result.RangeResult r = single(ok, Result.RangeResult.class);
    return new KvResult.Range(ok.index(), r.kvs(), r.more());
  }

  private Response.Ok read(Command command, ReadConsistency consistency, long minIndex) {
    Message message = Message.valueOf(ByteString.copyFrom(RequestCodec.encode(new Request.Read(List.of(command)))));
    String what = consistency.name().toLowerCase(java.util.Locale.ROOT) + " read on " + node.config().nodeId();
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (true) {
      long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (remainingMs > 0) {
        try {
          RaftClientReply reply = node.server().submitClientRequestAsync(request(message, consistency, minIndex))
              .get(Math.min(ATTEMPT_MS, remainingMs), TimeUnit.MILLISECONDS);
          if (reply.isSuccess()) {
            return decode(reply, what);
          }
          last = reply.getException();
        } catch (ExecutionException e) {
          last = e.getCause();
        } catch (TimeoutException | IOException | RuntimeException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new KvUnavailableException(what + ": interrupted", e);
        }
      }
      if (deadline - System.nanoTime() <= TimeUnit.MILLISECONDS.toNanos(PAUSE_MS)) {
        throw new KvUnavailableException(what + ": not served within " + timeout.toMillis() + " ms"
            + (last == null ? "" : "; last failure: " + last), last);
      }
      try {
        Thread.sleep(PAUSE_MS);   // an election, a snapshot install, or this node catching up to min_index
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KvUnavailableException(what + ": interrupted", e);
      }
    }
  }

  private RaftClientRequest request(Message message, ReadConsistency consistency, long minIndex) {
    return RaftClientRequest.newBuilder().setClientId(clientId).setServerId(RaftPeerId.valueOf(node.config().nodeId()))
        .setGroupId(node.groupId()).setCallId(CallId.getAndIncrement()).setMessage(message)
        .setType(consistency == ReadConsistency.LINEARIZABLE ? RaftClientRequest.readRequestType()
            : RaftClientRequest.staleReadRequestType(minIndex))
        .build();
  }

  private static Response.Ok decode(RaftClientReply reply, String what) {
    Response response;
    try {
      response = ResultCodec.decodeResponse(reply.getMessage().getContent().toByteArray());
    } catch (CommandCodecException e) {
      throw new KvRejectedException(ErrorCode.MALFORMED_REQUEST, what + ": the reply does not decode: " + e.getMessage(), e);
    }
    if (response instanceof Response.Failed f) {
      if (f.code().isDefinite()) {
        throw new KvRejectedException(f.code(), what + " rejected: " + f.message(), null);
      }
      throw new KvUnavailableException(what + " failed: " + f.code() + ": " + f.message(), null);
    }
    return (Response.Ok) response;
  }

  private static <R extends Result> R single(Response.Ok ok, Class<R> type) {
    Result r = ok.results().size() == 1 ? ok.results().get(0) : null;
    if (type.isInstance(r)) {
      return type.cast(r);
    }
    if (r instanceof Result.Error e && e.code().isDefinite()) {
      throw new KvRejectedException(e.code(), e.code() + ": " + e.message(), null);
    }
    throw new KvUnavailableException("expected one " + type.getSimpleName() + ", got " + ok.results(), null);
  }
}
