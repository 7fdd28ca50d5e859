package quorumkv.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.Supplier;
import quorumkv.server.status.ElectionCounts;
import quorumkv.server.status.NodeStatus;

/**
 * The failover, election-cause and replication-lag metrics (issue 15's signals), on every node:
 * {@code quorumkv_raft_failover_seconds} ({@link FailoverClock}), {@code quorumkv_raft_elections_started_total}
 * ({@link ElectionCauses}) and the lag and contact gauges ({@link ReplicationLag}).
 */
final class FailoverMetrics {
  /** Fine around 1 to 5 s, where failovers with the default election timeouts land and the objective lies. */
  static final double[] FAILOVER_BUCKETS = {0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10, 15, 30, 60};

  private final PrometheusRegistry registry;
  private final FailoverClock clock;
  private final ElectionCauses causes;

  /** @param electionTimeoutMin see {@link FailoverClock}: contact after a longer gap may be a pre-vote, not the leader */
  FailoverMetrics(PrometheusRegistry registry, java.time.Duration electionTimeoutMin) {
    this.registry = registry;
    clock = new FailoverClock(Histogram.builder().name("quorumkv_raft_failover_seconds")
        .help("Time without a leader as clients see it, recorded by the new leader: from the old leader's last sign"
            + " of life (its last commit applied here, or its last contact with this node) to its own first commit"
            + " as the new leader")
        .classicOnly().classicUpperBounds(FAILOVER_BUCKETS).withoutExemplars().register(registry),
        electionTimeoutMin.toNanos());
    causes = new ElectionCauses(Counter.builder().name("quorumkv_raft_elections_started_total")
        .help("Elections this node set off, by cause: startup (its election timer fired before it knew any leader"
            + " since start), timeout (its timer fired later: it heard from no leader in time), transfer (as"
            + " leader, it handed leadership to a follower)")
        .labelNames("cause").withoutExemplars().register(registry));
  }

  /** Gauges read at scrape time: lag and contact on every node, per-peer contact on the leader. */
  void registerReplication(Supplier<NodeStatus> status, Supplier<Map<String, Long>> commitIndexes) {
    GaugeWithCallback.builder().name("quorumkv_raft_leader_contact_seconds")
        .help("A follower: seconds since it last heard from its leader; the leader: since a majority of voters"
            + " last answered it. Absent while no leader is known")
        .callback(cb -> {
          NodeStatus s = status.get();
          if (s != null && s.leaderId() != null && s.leaderContactMs() >= 0) {
            cb.call(s.leaderContactMs() / 1e3);
          }
        }).register(registry);
    GaugeWithCallback.builder().name("quorumkv_raft_behind_leader_entries")
        .help("Entries the leader has committed that this node has not applied (the leader's commit index as"
            + " this node knows it, minus its applied index). Absent while no leader is known")
        .callback(cb -> {
          NodeStatus s = status.get();
          Map<String, Long> commits = s == null ? null : commitIndexes.get();
          Long behind = commits == null ? null : ReplicationLag.behindLeader(s, commits);
          if (behind != null) {
            cb.call(behind);
          }
        }).register(registry);
    GaugeWithCallback.builder().name("quorumkv_raft_peer_lag_entries")
        .help("On every node: for each member but the leader, the leader's commit index minus the member's, as"
            + " this node knows them (a follower learns them with each append from the leader)")
        .labelNames("peer").callback(cb -> {
          NodeStatus s = status.get();
          Map<String, Long> commits = s == null ? null : commitIndexes.get();
          if (commits != null) {
            ReplicationLag.peerLag(s, commits).forEach((peer, lag) -> cb.call(lag, peer));
          }
        }).register(registry);
    GaugeWithCallback.builder().name("quorumkv_raft_peer_contact_seconds")
        .help("On the leader only: seconds since each other member last answered it")
        .labelNames("peer").callback(cb -> {
          NodeStatus s = status.get();
          if (s != null && s.isLeader()) {
            s.members().stream().filter(m -> !m.isLeader() && m.lastContactMs() >= 0)
                .forEach(m -> cb.call(m.lastContactMs() / 1e3, m.id()));
          }
        }).register(registry);
  }

  /** One sampler tick: the leader's contact as a sign of life, and Ratis's election counters. */
  void sample(NodeStatus status, ElectionCounts counts, long nanos) {
    clock.role(status.term(), status.isLeader(), status.leaderId() != null);
    if (status.leaderId() != null && status.leaderContactMs() >= 0) {
      clock.leaderContact(status.term(), nanos - status.leaderContactMs() * 1_000_000L);
    }
    causes.observe(counts, status.leaderId() != null);
  }

  void entryApplied(long term, long nanos) {
    clock.applied(term, nanos);
  }

  void stateReplaced() {
    clock.forget();
  }
}
