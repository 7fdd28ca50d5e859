package quorumkv.server.ratis;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ratis closed this node's member because a leader said it is not a voter. A removed node should stay
 * down; a voter demoted to listener while it was cut off (it never received the new configuration, timed
 * out and asked for votes) should come back as the listener it now is. So ask the leader: if its
 * configuration still has this node, restart the member from its own log and snapshot.
 */
final class Rejoiner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Rejoiner.class);

  private final KvNode node;
  private final ScheduledExecutorService executor;
  private final AtomicInteger attempts = new AtomicInteger();
  /** Set when the cluster shut the member down; cleared once it rejoined. */
  private volatile boolean pending;
  private volatile boolean closed;

  Rejoiner(KvNode node) {
    this.node = node;
    this.executor = Executors.newSingleThreadScheduledExecutor(
        new DefaultThreadFactory(node.config().nodeId() + "-rejoin", true));
  }

  /** The cluster shut the member down: start asking the leader. */
  void shutDownByCluster() {
    pending = true;
    schedule(KvNode.REJOIN_FIRST_MILLIS);
  }

  /** True from a shutdown by the cluster until the member rejoined (or for good, if it was removed). */
  boolean pending() {
    return pending;
  }

  int attempts() {
    return attempts.get();
  }

  private void schedule(long delayMillis) {
    if (!closed) {
      executor.schedule(this::rejoin, delayMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void rejoin() {
    if (closed) {
      return;
    }
    String id = node.config().nodeId();
    int attempt = attempts.incrementAndGet();
    long next = Math.min(KvNode.REJOIN_MAX_MILLIS, KvNode.REJOIN_FIRST_MILLIS << Math.min(attempt, 4));
    try {
      Boolean member = memberAtLeader();
      if (member == null) {
        LOG.warn("node={}: shut down by the cluster; no leader reachable to ask whether it is still a member;"
            + " asking again in {} ms", id, next);
        schedule(next);
        return;
      }
      if (!member) {
        LOG.error("node={}: shut down by the cluster and not in the leader's configuration: it was removed and"
            + " stays stopped. To bring it back, give it a fresh data dir and add it (`quorumkv member add`).", id);
        return;
      }
      node.restartMember();
      pending = false;
      LOG.warn("node={}: shut down by the cluster while still a member (e.g. demoted while cut off);"
          + " rejoined from its own log and snapshot", id);
    } catch (IOException | RuntimeException e) {
      LOG.warn("node={}: rejoin failed ({}); trying again in {} ms", id, e.toString(), next);
      schedule(next);
    }
  }

  /** Whether the leader's configuration has this node (voter or listener); null if no leader answered. */
  private Boolean memberAtLeader() {
    String id = node.config().nodeId();
    ByteString self = ByteString.copyFromUtf8(id);
    try (RaftClient client = RaftClient.newBuilder().setRaftGroup(node.group()).setProperties(new RaftProperties())
        .setRetryPolicy(RetryPolicies.noRetry()).build()) {
      for (RaftPeer peer : node.group().getPeers()) {
        if (peer.getId().toString().equals(id)) {
          continue;
        }
        try {
          GroupInfoReply info = client.getGroupManagementApi(peer.getId()).info(node.groupId());
          if (info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER && info.getConf().isPresent()) {
            var conf = info.getConf().get();
            return conf.getPeersList().stream().anyMatch(p -> p.getId().equals(self))
                || conf.getListenersList().stream().anyMatch(p -> p.getId().equals(self));
          }
        } catch (IOException | RuntimeException e) {
          // unreachable or not a member: ask the next
        }
      }
    } catch (IOException e) {
      // closing the client
    }
    return null;
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
  }
}
