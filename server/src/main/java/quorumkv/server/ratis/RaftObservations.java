package quorumkv.server.ratis;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.ratis.metrics.LongCounter;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.RatisMetrics;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.metrics.LeaderElectionMetrics;
import quorumkv.server.status.ElectionCounts;

/**
 * What the failover and lag metrics need from Ratis beyond {@link StatusReader}: every member's commit
 * index as this node knows it (the leader sends them with each append), and Ratis's own election
 * counters of this member (timeouts counted by its follower timer, transfers by its leader).
 */
final class RaftObservations {
  private RaftObservations() {}

  /** Member id to commit index, this node included: on a follower as of the leader's last append. */
  static Map<String, Long> commitIndexes(RaftServer.Division division) {
    Map<String, Long> out = new HashMap<>();
    for (CommitInfoProto c : division.getCommitInfos()) {
      out.put(c.getServer().getId().toStringUtf8(), c.getCommitIndex());
    }
    return out;
  }

  /** Ratis's counters for this member, or null while its registry is absent (the member is restarting). */
  static ElectionCounts electionCounts(RaftServer.Division division) {
    // Ratis registers its leader-election metrics under this key per member (LeaderElectionMetrics.createRegistry,
    // which would create the registry if absent: here it is only looked up).
    MetricRegistryInfo key = new MetricRegistryInfo(division.getMemberId().toString(),
        RatisMetrics.RATIS_APPLICATION_NAME_METRICS, LeaderElectionMetrics.RATIS_LEADER_ELECTION_METRICS,
        LeaderElectionMetrics.RATIS_LEADER_ELECTION_METRICS_DESC);
    Optional<RatisMetricRegistry> registry = MetricRegistries.global().get(key);
    if (registry.isEmpty()) {
      return null;
    }
    LongCounter timeouts = registry.get().counter(LeaderElectionMetrics.LEADER_ELECTION_TIMEOUT_COUNT_METRIC);
    LongCounter transfers = registry.get().counter(LeaderElectionMetrics.TRANSFER_LEADERSHIP_COUNT_METRIC);
    // The registry is the member instance: Ratis removes it when the member closes, its successor makes a new one.
    return new ElectionCounts(registry.get(), timeouts.getCount(), transfers.getCount());
  }
}
