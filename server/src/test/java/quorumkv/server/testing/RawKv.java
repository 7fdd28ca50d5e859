package quorumkv.server.testing;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.ClusterIds;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;
import quorumkv.raftlog.command.ResultCodec;

/**
 * A bare Ratis client speaking the wire protocol, for server tests that must not depend on the client
 * module. Retries are bounded; writes carry a session so a Ratis-level retry is deduplicated.
 */
public final class RawKv implements AutoCloseable {
  private final RaftClient client;
  private final UUID session = UUID.randomUUID();
  private final AtomicLong calls = new AtomicLong();
  private volatile String lastServer;

  public RawKv(LocalCluster cluster) {
    this(cluster.clusterId(), cluster.addresses(), cluster.raftClientParameters());
  }

  /**
   * @param addresses host:port of nodes n1, n2, ... in order
   * @param parameters Ratis parameters: TLS (see {@link LocalCluster#raftClientParameters(java.nio.file.Path)})
   */
  public RawKv(String clusterId, List<String> addresses, org.apache.ratis.conf.Parameters parameters) {
    List<RaftPeer> peers = new java.util.ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      peers.add(RaftPeer.newBuilder().setId("n" + (i + 1)).setAddress(addresses.get(i)).build());
    }
    RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(ClusterIds.groupId(clusterId)), peers);
    this.client = RaftClient.newBuilder().setProperties(new RaftProperties()).setRaftGroup(group)
        .setParameters(parameters)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(200, TimeDuration.valueOf(100,
            java.util.concurrent.TimeUnit.MILLISECONDS)))
        .build();
  }

  /** Sends one write request (every call its own session call; firstUnacked = this call). */
  public Response.Ok write(Command... commands) throws IOException {
    long call = calls.incrementAndGet();
    Request.Write w = new Request.Write(session, call, call, List.of(commands));
    RaftClientReply reply = client.io().send(message(w));
    lastServer = reply.getServerId().toString();
    return ok(reply);
  }

  /** Sends exactly these request bytes, as a client retrying one call does, and returns the response. */
  public Response send(Request.Write write) throws IOException {
    RaftClientReply reply = client.io().send(message(write));
    if (!reply.isSuccess()) {
      throw new IOException("request failed: " + reply.getException(), reply.getException());
    }
    return ResultCodec.decodeResponse(reply.getMessage().getContent().toByteArray());
  }

  public Response.Ok read(Command... commands) throws IOException {
    return ok(client.io().sendReadOnly(message(new Request.Read(List.of(commands)))));
  }

  /** The id of the node that answered the last write: the leader at that moment. */
  public String lastWriteServer() {
    return lastServer;
  }

  public long put(String key, String value) throws IOException {
    return ((Result.PutResult) write(new Command.Put(Bytes.utf8(key), Bytes.utf8(value))).results().get(0)).revision();
  }

  /** The value of {@code key} by a linearizable read, or null if absent. */
  public String get(String key) throws IOException {
    var kv = ((Result.GetResult) read(new Command.Get(Bytes.utf8(key))).results().get(0)).kv();
    return kv == null ? null : kv.value().toStringUtf8();
  }

  private static Message message(Request r) {
    return Message.valueOf(ByteString.copyFrom(RequestCodec.encode(r)));
  }

  private static Response.Ok ok(RaftClientReply reply) throws IOException {
    if (!reply.isSuccess()) {
      throw new IOException("request failed: " + reply.getException(), reply.getException());
    }
    Response r = ResultCodec.decodeResponse(reply.getMessage().getContent().toByteArray());
    if (r instanceof Response.Failed f) {
      throw new IOException("request failed: " + f);
    }
    return (Response.Ok) r;
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
