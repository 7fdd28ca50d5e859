package quorumkv.server.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rule behind {@code /ready}: a node is ready to take traffic when it is a member of its group, knows
 * a leader that it (or, on the leader, a majority of voters) heard from recently, and has applied its
 * log to within {@code maxApplyLag} entries of what the cluster committed: the leader's commit index as the
 * node last heard it (Ratis sends it with every append), or its own if higher. Its own alone is not
 * enough: a follower never counts an entry committed before it has the entry, so a follower back from an
 * outage and missing thousands of entries would call itself caught up. A node cut off from the others stops
 * being ready within about {@code contactTimeout}; load balancers and docker-compose health checks then
 * route around it.
 */
public final class Readiness {
  private final long maxApplyLag;
  private final Duration contactTimeout;

  public Readiness(long maxApplyLag, Duration contactTimeout) {
    this.maxApplyLag = maxApplyLag;
    this.contactTimeout = contactTimeout;
  }

  /**
   * What the cluster has committed as far as this node knows: the leader's commit index as it last heard
   * it (from {@code commitIndexes}, Ratis's commit infos), or its own commit index if that is higher or the
   * leader's is unknown.
   */
  public static long clusterCommitIndex(NodeStatus s, Map<String, Long> commitIndexes) {
    Long heard = s.leaderCommitIndex(commitIndexes);
    return heard == null ? s.commitIndex() : Math.max(heard, s.commitIndex());
  }

  /**
   * Why the node is not ready; empty when it is. {@code commitIndexes}: each member's commit index as this
   * node knows it (Ratis's commit infos), for the leader's; null or empty if unknown.
   */
  public List<String> problems(NodeStatus s, Map<String, Long> commitIndexes) {
    List<String> problems = new ArrayList<>();
    if (s.members().stream().noneMatch(m -> m.id().equals(s.nodeId()))) {
      problems.add("not a member of the current configuration");
    }
    if (s.leaderId() == null) {
      problems.add("no leader known");
    } else if (s.leaderContactMs() < 0 || s.leaderContactMs() > contactTimeout.toMillis()) {
      problems.add(s.isLeader()
          ? "leader has not heard from a majority for " + s.leaderContactMs() + " ms"
          : "no contact with leader " + s.leaderId() + " for " + s.leaderContactMs() + " ms");
    }
    long committed = clusterCommitIndex(s, commitIndexes);
    long lag = committed - s.appliedIndex();
    if (lag > maxApplyLag) {
      problems.add("applied index " + s.appliedIndex() + " is " + lag + " entries behind "
          + (committed == s.commitIndex() ? "commit index " : "leader " + s.leaderId() + "'s commit index ") + committed);
    }
    return problems;
  }
}
