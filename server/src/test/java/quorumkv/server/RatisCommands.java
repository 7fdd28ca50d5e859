package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.apache.ratis.util.TimeDuration;
import quorumkv.raftlog.command.ClusterIds;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.ResultCodec;
import quorumkv.server.testing.LocalCluster;

/**
 * Well-formed Ratis client requests (the wire a {@code KvClient} speaks) carrying whatever command bytes
 * a test gives, through a bare RaftClient with a bounded retry: the node must refuse bytes its codec
 * refuses (a write is never acknowledged, a read answers a failure) and answer everything else with a
 * response that decodes.
 */
final class RatisCommands implements AutoCloseable {
  private final RaftClient client;
  private final List<RaftPeerId> peers = new ArrayList<>();
  private long calls;

  RatisCommands(LocalCluster cluster) {
    List<RaftPeer> group = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      RaftPeerId id = RaftPeerId.valueOf(cluster.nodeId(i));
      peers.add(id);
      group.add(RaftPeer.newBuilder().setId(id).setAddress(cluster.addresses().get(i)).build());
    }
    client = RaftClient.newBuilder().setProperties(new RaftProperties())
        .setParameters(cluster.raftClientParameters())
        .setRaftGroup(RaftGroup.valueOf(RaftGroupId.valueOf(ClusterIds.groupId(cluster.clusterId())), group))
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(20, TimeDuration.valueOf(50, TimeUnit.MILLISECONDS)))
        .build();
  }

  void sendAndCheck(MalformedRaft.CommandCase c) {
    Message message = Message.valueOf(ByteString.copyFrom(c.bytes()));
    String what = c.kind() + " of " + c.bytes().length + " bytes " + hex(c.bytes()) + (c.decodes() ? " (decodes)" : "");
    RaftClientReply reply;
    try {
      reply = switch (c.kind()) {
        case WRITE -> client.io().send(message);
        case READ -> client.io().sendReadOnly(message);
        case STALE_READ -> client.io().sendStaleRead(message, 0, peers.get((int) (calls++ % peers.size())));
      };
    } catch (IOException e) {
      return;   // refused (the state machine's refusal arrives as an exception): fine, whatever the bytes
    }
    if (!reply.isSuccess()) {
      return;
    }
    Response response;
    try {
      response = ResultCodec.decodeResponse(reply.getMessage().getContent().toByteArray());
    } catch (CommandCodecException e) {
      throw new AssertionError("the node answered bytes that do not decode as a response, for " + what, e);
    }
    if (!c.decodes()) {
      assertFalse(c.kind() == MalformedRaft.Kind.WRITE, "an undecodable write was acknowledged: " + what);
      assertTrue(response instanceof Response.Failed, "an undecodable read was answered " + response + ": " + what);
    }
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, 48); i++) {
      s.append(String.format("%02x", b[i]));
    }
    return s + (b.length > 48 ? "..." : "");
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
