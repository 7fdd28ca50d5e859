package quorumkv.linearizability.cluster;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import quorumkv.raftlog.command.ClusterIds;

/**
 * The harness's own Ratis calls to the nodes of a namespace cluster (which run in other processes):
 * status probes to one named node, and admin calls such as a leader transfer.
 */
final class RaftProbe implements AutoCloseable {
  private final RaftGroup group;
  private final RaftClient admin;
  private final RaftClient probe;

  RaftProbe(String clusterId, List<RaftPeer> peers, org.apache.ratis.conf.Parameters tls) {
    this.group = RaftGroup.valueOf(RaftGroupId.valueOf(ClusterIds.groupId(clusterId)), peers);
    // Admin calls (leader transfer) may first reach a follower: retry a few times, bounded.
    this.admin = RaftClient.newBuilder().setProperties(new RaftProperties()).setRaftGroup(group).setParameters(tls)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(10,
            TimeDuration.valueOf(200, TimeUnit.MILLISECONDS))).build();
    // Status probes go to one named node and must not wait: no retries.
    this.probe = RaftClient.newBuilder().setProperties(new RaftProperties()).setRaftGroup(group).setParameters(tls)
        .setRetryPolicy(RetryPolicies.noRetry()).build();
  }

  /** Node {@code id}'s view of the group, or null if it does not answer. */
  GroupInfoReply info(String id) {
    try {
      return probe.getGroupManagementApi(RaftPeerId.valueOf(id)).info(group.getGroupId());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  void transferLeadership(String id) throws IOException {
    var reply = admin.admin().transferLeadership(RaftPeerId.valueOf(id), 10_000);
    if (!reply.isSuccess()) {
      throw new IOException("leader transfer to " + id + " failed: " + reply.getException());
    }
  }

  @Override
  public void close() throws IOException {
    admin.close();
    probe.close();
  }
}
