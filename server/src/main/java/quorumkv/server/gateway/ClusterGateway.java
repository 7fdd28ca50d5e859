package quorumkv.server.gateway;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.CommandCodec;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Response;
import quorumkv.server.ratis.KvNode;

/**
 * How a node serves HTTP requests: through a Ratis client to its own group, so that any node answers
 * any request. Writes go to the leader (Ratis follows NotLeaderException hints), carrying this node's
 * {@link WriteSession}, so a write retried inside the call applies once. Linearizable reads are served
 * by this node through Ratis's ReadIndex (a follower asks the leader for the read index and waits until
 * it has applied it); follower reads are stale reads of this node's applied state, at or above a
 * caller-given minimum index.
 *
 * <p>Every call ends by its deadline (plus at most one RPC timeout) with a response or a
 * {@link GatewayException} that says whether it could have applied.
 *
 * <p>Why not the client library ({@code KvClient}): the client module's tests depend on this module,
 * so a dependency from here on the client would be a Maven reactor cycle.
 */
public final class ClusterGateway implements AutoCloseable {
  /** How fresh a read must be. */
  public enum Consistency { LINEARIZABLE, FOLLOWER }

  private static final TimeDuration RPC_TIMEOUT = TimeDuration.valueOf(3, TimeUnit.SECONDS);

  private final KvNode node;
  private final Duration callTimeout;
  private final WriteSession session = new WriteSession();
  private RaftGroup group;
  private RaftClient client;

  public ClusterGateway(KvNode node, Duration callTimeout) {
    this.node = node;
    this.callTimeout = callTimeout;
  }

  /** Applies {@code commands} in one log entry, exactly once. */
  public Response.Ok write(List<Command> commands) throws GatewayException {
    Request.Write write = session.begin(commands);
    boolean recorded = false;
    try {
      Response.Ok ok = call(true, write, c -> c.io().send(message(write)));
      recorded = true;
      return ok;
    } finally {
      session.end(write.callId(), recorded);
    }
  }

  /** Serves read-only commands on this node; {@code minIndex} applies to FOLLOWER reads. */
  public Response.Ok read(List<Command> commands, Consistency consistency, long minIndex) throws GatewayException {
    Request.Read read = new Request.Read(commands);
    RaftPeerId self = RaftPeerId.valueOf(node.config().nodeId());
    return call(false, read, c -> consistency == Consistency.LINEARIZABLE
        ? c.io().sendReadOnly(message(read), self)
        : c.io().sendStaleRead(message(read), minIndex, self));
  }

  /** Runs an admin or other Ratis call with this gateway's client and deadline. */
  public <T> T withClient(RaftCall<T> call) throws IOException {
    DeadlineRetryPolicy.setDeadline(System.nanoTime() + callTimeout.toNanos());
    try {
      return call.run(client());
    } finally {
      DeadlineRetryPolicy.clear();
    }
  }

  /** One Ratis call. */
  @FunctionalInterface
  public interface RaftCall<T> {
    T run(RaftClient client) throws IOException;
  }

  private Response.Ok call(boolean isWrite, Request request, RaftCall<RaftClientReply> send) throws GatewayException {
    RaftClientReply reply;
    try {
      reply = withClient(send);
    } catch (IOException | RuntimeException e) {
      throw failure(isWrite, e);
    }
    if (!reply.isSuccess()) {
      throw failure(isWrite, reply.getException() != null ? reply.getException() : new IOException("unsuccessful reply"));
    }
    Response response;
    try {
      response = CommandCodec.decodeResponse(reply.getMessage().getContent().toByteArray());
    } catch (CommandCodecException e) {
      throw new GatewayException(isWrite ? GatewayException.Kind.INDETERMINATE : GatewayException.Kind.UNAVAILABLE,
          ErrorCode.MALFORMED_REQUEST, "undecodable response: " + e.getMessage(), e);
    }
    if (response instanceof Response.Failed f) {
      GatewayException.Kind kind = f.code().isDefinite() ? GatewayException.Kind.REJECTED : GatewayException.Kind.INDETERMINATE;
      throw new GatewayException(kind, f.code(), f.message(), null);
    }
    return (Response.Ok) response;
  }

  /** A refusal carries a [QKV-n] code somewhere in its cause chain; anything else is a transport failure. */
  private static GatewayException failure(boolean isWrite, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      ErrorCode code = ErrorCode.fromMessage(t.getMessage());
      if (code != null) {
        return new GatewayException(code.isDefinite() ? GatewayException.Kind.REJECTED : GatewayException.Kind.INDETERMINATE,
            code, t.getMessage(), e);
      }
    }
    return new GatewayException(isWrite ? GatewayException.Kind.INDETERMINATE : GatewayException.Kind.UNAVAILABLE,
        null, "cluster did not answer in time: " + e, e);
  }

  /** The Ratis client for the group's current configuration, rebuilt when membership changed. */
  private synchronized RaftClient client() throws IOException {
    RaftGroup current = node.division().getGroup();
    if (client == null || !Set.copyOf(current.getPeers()).equals(Set.copyOf(group.getPeers()))) {
      if (client != null) {
        retire(client);
      }
      RaftProperties p = new RaftProperties();
      RaftClientConfigKeys.Rpc.setRequestTimeout(p, RPC_TIMEOUT);
      RaftPeerId leader = node.division().getInfo().getLeaderId();
      client = RaftClient.newBuilder().setProperties(p).setRaftGroup(current).setRetryPolicy(new DeadlineRetryPolicy())
          .setLeaderId(leader != null ? leader : RaftPeerId.valueOf(node.config().nodeId())).build();
      group = current;
    }
    return client;
  }

  /** Closes a replaced client once the calls still running on it have ended (their deadline plus an RPC timeout). */
  private void retire(RaftClient old) {
    long delayMs = callTimeout.toMillis() + RPC_TIMEOUT.toLong(TimeUnit.MILLISECONDS) + 1000;
    CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS).execute(() -> {
      try {
        old.close();
      } catch (IOException e) {
        // already broken; nothing to release
      }
    });
  }

  private static Message message(Request request) {
    return Message.valueOf(ByteString.copyFrom(CommandCodec.encode(request)));
  }

  @Override
  public synchronized void close() throws IOException {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
