package quorumkv.server.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule behind {@code /ready}: a node is ready to take traffic when it is a member of its group, knows
 * a leader that it (or, on the leader, a majority of voters) heard from recently, and has applied its
 * log to within {@code maxApplyLag} entries of its commit index. A node cut off from the others stops
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

  /** Why the node is not ready; empty when it is. */
  public List<String> problems(NodeStatus s) {
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
    long lag = s.commitIndex() - s.appliedIndex();
    if (lag > maxApplyLag) {
      problems.add("applied index " + s.appliedIndex() + " is " + lag + " entries behind commit index " + s.commitIndex());
    }
    return problems;
  }
}
