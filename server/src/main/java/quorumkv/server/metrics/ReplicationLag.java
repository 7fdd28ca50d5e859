package quorumkv.server.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import quorumkv.server.status.NodeStatus;

/**
 * Replication lag as any node can see it, not only the leader. Ratis's leader sends every member's commit
 * index with each append (its "commit infos"), so a follower knows, as of the leader's last contact, the
 * leader's commit index and each member's. Lag here is the leader's commit index minus a member's: entries
 * the cluster has committed that the member has not yet learnt committed (and so cannot serve). On the
 * leader the members' commit indexes are the ones they last reported.
 */
final class ReplicationLag {
  private ReplicationLag() {}

  /**
   * Entries committed by the leader that this node has not applied: the leader's commit index (as this
   * node knows it) minus this node's applied index; null when no leader is known (or its commit index is
   * unknown here).
   */
  static Long behindLeader(NodeStatus status, Map<String, Long> commitIndexes) {
    Long leaderCommit = status.leaderCommitIndex(commitIndexes);
    return leaderCommit == null ? null : Math.max(0, leaderCommit - status.appliedIndex());
  }

  /** Each member other than the leader, by id: the leader's commit index minus the member's, as this node knows them. */
  static Map<String, Long> peerLag(NodeStatus status, Map<String, Long> commitIndexes) {
    Map<String, Long> lag = new LinkedHashMap<>();
    Long leaderCommit = status.leaderCommitIndex(commitIndexes);
    if (leaderCommit == null) {
      return lag;
    }
    for (NodeStatus.Member m : status.members()) {
      Long commit = m.id().equals(status.nodeId()) ? Long.valueOf(status.commitIndex()) : commitIndexes.get(m.id());
      if (!m.id().equals(status.leaderId()) && commit != null) {
        lag.put(m.id(), Math.max(0, leaderCommit - commit));
      }
    }
    return lag;
  }
}
