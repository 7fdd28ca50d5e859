package quorumkv.linearizability.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import quorumkv.linearizability.cluster.ClusterControl;
import quorumkv.linearizability.run.Variant;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.ClusterIds;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;
import quorumkv.raftlog.command.ResultCodec;

/**
 * The bug of {@link Variant#STALE_LOCAL_READS}: read one key from a random replica's local state with
 * Ratis's stale read at minimum index 0, i.e. without any read index or session guarantee.
 */
final class StaleReads implements RecordingClient.StaleReader, AutoCloseable {
  private final RaftClient client;
  private final List<RaftPeerId> peers = new ArrayList<>();

  private StaleReads(RaftClient client, List<RaftPeerId> peers) {
    this.client = client;
    this.peers.addAll(peers);
  }

  static StaleReads open(ClusterControl cluster) {
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      peers.add(RaftPeer.newBuilder().setId(cluster.id(i)).setAddress(cluster.clientAddresses().get(i)).build());
    }
    RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(ClusterIds.groupId(cluster.clusterId())), peers);
    RaftClient client = RaftClient.newBuilder().setProperties(new RaftProperties()).setRaftGroup(group)
        .setParameters(cluster.raftClientParameters())
        .setRetryPolicy(RetryPolicies.noRetry()).build();
    return new StaleReads(client, peers.stream().map(RaftPeer::getId).toList());
  }

  @Override
  public String read(String key) {
    RaftPeerId target = peers.get(ThreadLocalRandom.current().nextInt(peers.size()));
    byte[] msg = RequestCodec.encode(new Request.Read(List.of(new Command.Get(Bytes.utf8(key)))));
    try {
      RaftClientReply reply = client.io().sendStaleRead(Message.valueOf(ByteString.copyFrom(msg)), 0, target);
      if (!reply.isSuccess()) {
        throw new IllegalStateException("stale read failed: " + reply.getException());
      }
      Response r = ResultCodec.decodeResponse(reply.getMessage().getContent().toByteArray());
      var kv = ((Result.GetResult) ((Response.Ok) r).results().get(0)).kv();
      return kv == null ? null : kv.value().toStringUtf8();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stale read failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws java.io.IOException {
    client.close();
  }
}
