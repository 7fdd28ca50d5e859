package quorumkv.client;

import java.util.List;
import java.util.Optional;

/**
 * The group as its leader saw it at one moment ({@link KvAdmin#clusterStatus()}): the configuration,
 * and how far each member trails the leader. Only the leader tracks followers' progress, so the client
 * always asks the leader.
 *
 * @param leaderId the node that answered, the leader
 * @param term the leader's term
 * @param commitIndex the leader's commit index
 * @param reconfiguring true while a membership change is in flight (Raft joint configuration): the
 *     members listed are the new configuration
 * @param members voters first, then listeners, each in id order
 */
public record ClusterStatus(String leaderId, long term, long commitIndex, boolean reconfiguring,
    List<Member> members) {

  public ClusterStatus {
    members = List.copyOf(members);
  }

  /** A voter counts toward the write quorum and elections; a listener receives the log asynchronously. */
  public enum Role { VOTER, LISTENER }

  /**
   * One member as the leader sees it.
   *
   * @param address host:port (its Raft address)
   * @param commitIndex the highest index this member reported as committed to the leader (the leader's
   *     own for the leader); -1 if it has not answered this leader yet
   * @param lagEntries entries the leader has committed that this member has not yet reported as
   *     committed ({@code commitIndex - member's commitIndex}); 0 for the leader, -1 if unknown. A
   *     healthy member under load trails by the entries of about one heartbeat interval.
   * @param lastContactMs the lag in time: ms since this member last answered the leader (0 for the
   *     leader). A live member answers at least every heartbeat (about 75 ms here); a member that is
   *     down or cut off grows without bound.
   */
  public record Member(String id, String address, Role role, boolean leader, long commitIndex, long lagEntries,
      long lastContactMs) {
    public boolean isVoter() {
      return role == Role.VOTER;
    }
  }

  public Optional<Member> member(String id) {
    return members.stream().filter(m -> m.id().equals(id)).findFirst();
  }

  public List<Member> voters() {
    return members.stream().filter(Member::isVoter).toList();
  }

  public List<Member> listeners() {
    return members.stream().filter(m -> !m.isVoter()).toList();
  }
}
