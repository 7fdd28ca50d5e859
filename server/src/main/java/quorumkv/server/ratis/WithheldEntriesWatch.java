package quorumkv.server.ratis;

import java.io.IOException;
import java.time.Duration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.ClusterStatus;
import quorumkv.client.KvClient;
import quorumkv.client.connect.KvClients;
import quorumkv.server.config.ServerConfig;

/**
 * The node doctor's watch for a follower whose leader withholds entries it needs (see {@link StalledLog}):
 * run on the doctor's thread at each check; acts by rejoining the node as a listener.
 */
final class WithheldEntriesWatch {
  private static final Logger LOG = LoggerFactory.getLogger(WithheldEntriesWatch.class);
  /**
   * How long a follower's log may stand still while its leader is ahead before the node asks the leader:
   * entries reach a healthy follower within milliseconds, a snapshot install is excluded separately.
   */
  private static final Duration STALL_WINDOW = Duration.ofSeconds(10);
  /** ... and how long the leader must go on withholding entries, seen twice, before the node acts on it. */
  private static final Duration STALL_CONFIRM = Duration.ofSeconds(2);

  private final KvNode node;
  private final ServerConfig config;
  private final StalledLog stalledLog = new StalledLog(STALL_WINDOW, STALL_CONFIRM);
  /** The member watched: a restarted member (a new division) starts a new watch. */
  private RaftServer.Division watched;

  WithheldEntriesWatch(KvNode node, ServerConfig config) {
    this.node = node;
    this.config = config;
  }

  /**
   * A follower its leader keeps contacting, whose log has not grown for {@link #STALL_WINDOW} although the
   * leader committed entries it lacks, lost entries it had acknowledged ({@link StalledLog}): it moves its
   * state aside and rejoins as a listener, as a node that finds lost entries at start does.
   */
  void check() {
    RaftServer.Division d = node.divisionOrNull();
    // A member the cluster shut down and the rejoin restarted stands still for reasons of its own (in
    // LongMatrixIT, a restart every ~2 s for 20 s once looked like a withheld log and its state was moved
    // aside): only a member running without a break is watched.
    boolean restarted = d != watched;
    watched = d;
    if (d == null || restarted || node.shutDownByCluster() || !d.getInfo().isFollower()
        || node.listenerRejoinStatus() != null || !leaderInContact(d)
        || SnapshotInstall.underWay(node.groupDir(), STALL_WINDOW)) {
      stalledLog.forget();
      return;
    }
    long next = d.getRaftLog().getNextIndex();
    long now = System.nanoTime();
    if (!stalledLog.stalled(next, now) && !stalledLog.suspects(next)) {
      return;
    }
    long leaderCommit;
    try (KvClient client = KvClients.connect(NodeClientConfig.of(config))) {
      ClusterStatus cluster = client.admin().clusterStatus();
      if (config.nodeId().equals(cluster.leaderId())) {
        return;
      }
      leaderCommit = cluster.commitIndex();
    } catch (RuntimeException e) {
      LOG.info("node={}: its log has not grown for {} s; asking the leader failed: {}", config.nodeId(),
          STALL_WINDOW.toSeconds(), e.toString());
      return;
    }
    if (d.getRaftLog().getNextIndex() != next || !stalledLog.withheldConfirmed(next, leaderCommit, now)) {
      return;
    }
    String why = "its log ends at entry " + (next - 1) + " and has not grown for " + STALL_WINDOW.toSeconds()
        + " s while its leader, which keeps contacting it, committed up to " + leaderCommit + ": Ratis's leader"
        + " sends nothing below what a follower once acknowledged, so this log lost entries it had acknowledged";
    try {
      node.rejoinAsListener(why);
    } catch (IOException | RuntimeException e) {
      LOG.error("node={}: {}; moving its state aside to rejoin as a listener failed: {}", config.nodeId(), why,
          e.toString());
    }
  }

  /** The leader's last RPC (append, heartbeat or snapshot chunk) reached this follower within the window. */
  private static boolean leaderInContact(RaftServer.Division d) {
    var follower = d.getInfo().getRoleInfoProto().getFollowerInfo();
    return follower.hasLeaderInfo() && follower.getLeaderInfo().getLastRpcElapsedTimeMs() < STALL_WINDOW.toMillis();
  }
}
