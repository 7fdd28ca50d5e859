package quorumkv.server.status;

import java.util.List;
import java.util.Map;

/**
 * One node's view of its Raft group at one moment: what {@code /v1/cluster} shows and what
 * {@code /ready} and the metrics are computed from.
 *
 * @param role this node's Raft role: LEADER, FOLLOWER, CANDIDATE or LISTENER
 * @param leaderId the leader this node knows, or null
 * @param commitIndex the highest log index this node knows to be committed
 * @param appliedIndex the highest log index this node has applied
 * @param lastLogIndex the last index in this node's log
 * @param leaderContactMs a follower: ms since it last heard from the leader; the leader: ms since a
 *     majority of voters (itself included) last answered it; -1 if unknown
 * @param members every member of the current configuration; lags are known only on the leader
 */
public record NodeStatus(String nodeId, String role, String leaderId, long term, long commitIndex, long appliedIndex,
    long lastLogIndex, long leaderContactMs, List<Member> members) {

  public NodeStatus {
    members = List.copyOf(members);
  }

  /**
   * One member as this node sees it.
   *
   * @param role "voter" or "listener"
   * @param matchIndex on the leader: the highest index known to be in this member's log; -1 elsewhere
   * @param lagEntries on the leader: entries this member has yet to receive (leader's last index minus
   *     match index); -1 elsewhere (only the leader knows followers' progress)
   * @param lastContactMs on the leader: ms since this member last answered; -1 elsewhere
   */
  public record Member(String id, String address, String role, boolean isLeader, long matchIndex, long lagEntries,
      long lastContactMs) {}

  public boolean isLeader() {
    return "LEADER".equals(role);
  }

  /**
   * The leader's commit index as this node knows it: its own on the leader; elsewhere the leader's entry in
   * {@code commitIndexes} (Ratis's commit infos, which the leader sends with every append, so as of its last
   * contact); null when no leader is known or its commit index is not ({@code commitIndexes} may be null).
   */
  public Long leaderCommitIndex(Map<String, Long> commitIndexes) {
    if (leaderId == null) {
      return null;
    }
    if (isLeader()) {
      return commitIndex;
    }
    return commitIndexes == null ? null : commitIndexes.get(leaderId);
  }
}
