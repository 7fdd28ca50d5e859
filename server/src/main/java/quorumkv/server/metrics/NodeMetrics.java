package quorumkv.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import quorumkv.raftlog.statemachine.StateMachineListener;
import quorumkv.server.status.NodeCondition;
import quorumkv.server.status.NodeStatus;
import quorumkv.server.status.StorageSizes;

/**
 * Every metric of one node, in its own registry (several nodes share a JVM in tests, so no global
 * registry). Names follow Prometheus conventions: base units (seconds, bytes), {@code _total} counters.
 * Also the {@link StateMachineListener} that feeds the Raft and snapshot metrics.
 */
public final class NodeMetrics implements StateMachineListener {
  private static final double[] LATENCY_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  private static final double[] FAILOVER_BUCKETS = {0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final LeaderTracker leader;
  private final Counter leaderChanges;
  private final Histogram applyLatency;
  private final Histogram commitLatency;
  private final Counter snapshots;
  private final Histogram snapshotDuration;
  private final Counter snapshotInstalls;
  private final Counter logFailures;
  private final Counter permissionDenied;
  private final Counter requests;
  private final Histogram requestLatency;
  // --- failover, elections by cause, replication lag on every node (issue 15's signals) ---
  private final FailoverMetrics failover;

  /** @param electionTimeoutMin the Raft minimum election timeout (the failover clock needs it; see FailoverClock) */
  public NodeMetrics(java.time.Duration electionTimeoutMin) {
    Histogram leaderless = Histogram.builder().name("quorumkv_raft_leaderless_seconds")
        .help("Leaderless time as this node noticed it: from its own notice of losing its leader (its election"
            + " timeout, or a leader-change notice) until it knew the next one. Understates what clients see:"
            + " see quorumkv_raft_failover_seconds")
        .classicOnly().classicUpperBounds(FAILOVER_BUCKETS).withoutExemplars().register(registry);
    Counter elections = Counter.builder().name("quorumkv_raft_elections_total")
        .help("Elections this node saw: increases of the Raft term").withoutExemplars().register(registry);
    leader = new LeaderTracker(leaderless, elections);
    leaderChanges = Counter.builder().name("quorumkv_raft_leader_changes_total")
        .help("Times this node learnt of a new leader").withoutExemplars().register(registry);
    applyLatency = Histogram.builder().name("quorumkv_raft_apply_seconds")
        .help("Time to apply one log entry to RocksDB").classicOnly().classicUpperBounds(LATENCY_BUCKETS)
        .withoutExemplars().register(registry);
    commitLatency = Histogram.builder().name("quorumkv_raft_commit_seconds")
        .help("On the leader: from accepting a write to applying it (append, replication, fsync on a majority)")
        .classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
    snapshots = Counter.builder().name("quorumkv_snapshots_total").help("Snapshots taken")
        .withoutExemplars().register(registry);
    snapshotDuration = Histogram.builder().name("quorumkv_snapshot_seconds").help("Time to take one snapshot")
        .classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
    snapshotInstalls = Counter.builder().name("quorumkv_snapshot_installs_total")
        .help("Snapshots installed from the leader").withoutExemplars().register(registry);
    logFailures = Counter.builder().name("quorumkv_raft_log_failures_total")
        .help("Times Ratis failed this node's Raft log (e.g. a full disk); the self-check restarts the member")
        .withoutExemplars().register(registry);
    permissionDenied = Counter.builder().name("quorumkv_permission_denied_total")
        .help("Commands refused for lack of permission: reads this node served, writes and auth changes this node"
            + " accepted as leader").withoutExemplars().register(registry);
    requests = Counter.builder().name("quorumkv_http_requests_total")
        .help("HTTP requests by operation and outcome (ok, not_found, conflict, rejected, unavailable, indeterminate, error)")
        .labelNames("op", "outcome").withoutExemplars().register(registry);
    requestLatency = Histogram.builder().name("quorumkv_http_request_seconds").help("HTTP request latency by operation")
        .labelNames("op").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
    failover = new FailoverMetrics(registry, electionTimeoutMin);
  }

  // --- failover, elections by cause, replication lag on every node (issue 15's signals) ---

  /** Lag and contact gauges read at scrape time (see {@link FailoverMetrics#registerReplication}). */
  public void registerReplication(Supplier<NodeStatus> status, Supplier<java.util.Map<String, Long>> commitIndexes) {
    failover.registerReplication(status, commitIndexes);
  }

  /**
   * Called by the sampler with this node's status (the leader's last contact: a sign of life for the
   * failover clock) and Ratis's election counters (null if unknown).
   */
  public void sample(NodeStatus status, quorumkv.server.status.ElectionCounts counts) {
    long now = System.nanoTime();
    leader.observe(status.term(), status.leaderId(), now);
    failover.sample(status, counts, now);
  }

  @Override
  public void entryApplied(long term, long index) {
    failover.entryApplied(term, System.nanoTime());
  }

  // --- end of issue 15's signals ---

  /** Gauges read at scrape time from the node's status and storage. */
  public void registerGauges(Supplier<NodeStatus> status, Supplier<StorageSizes> storage) {
    GaugeWithCallback.builder().name("quorumkv_raft_term").help("Current Raft term")
        .callback(cb -> withStatus(status, s -> cb.call(s.term()))).register(registry);
    GaugeWithCallback.builder().name("quorumkv_raft_is_leader").help("1 if this node is the leader")
        .callback(cb -> withStatus(status, s -> cb.call(s.isLeader() ? 1 : 0))).register(registry);
    GaugeWithCallback.builder().name("quorumkv_raft_commit_index").help("Highest log index this node knows committed")
        .callback(cb -> withStatus(status, s -> cb.call(s.commitIndex()))).register(registry);
    GaugeWithCallback.builder().name("quorumkv_raft_applied_index").help("Highest log index this node applied")
        .callback(cb -> withStatus(status, s -> cb.call(s.appliedIndex()))).register(registry);
    GaugeWithCallback.builder().name("quorumkv_raft_follower_lag_entries")
        .help("On the leader: entries each follower has yet to receive (only the leader knows this)")
        .labelNames("follower").callback(cb -> withStatus(status, s -> s.members().stream()
            .filter(m -> !m.isLeader() && m.lagEntries() >= 0).forEach(m -> cb.call(m.lagEntries(), m.id()))))
        .register(registry);
    GaugeWithCallback.builder().name("quorumkv_storage_bytes").help("Bytes on disk by part (rocksdb sst, raft log and snapshots)")
        .labelNames("part").callback(cb -> {
          StorageSizes sizes = storage.get();
          cb.call(sizes.rocksdbSst(), "rocksdb_sst");
          cb.call(sizes.raftDir(), "raft");
        }).register(registry);
  }

  /** Gauges of the HTTP API's in-flight body budget: what an alert on an overloaded node watches. */
  public void registerHttpBudget(java.util.function.LongSupplier held, long limit, java.util.function.LongSupplier refused) {
    GaugeWithCallback.builder().name("quorumkv_http_inflight_bytes")
        .help("Request body bytes the HTTP API holds now (requests arrived and not yet answered)")
        .callback(cb -> cb.call(held.getAsLong())).register(registry);
    GaugeWithCallback.builder().name("quorumkv_http_inflight_limit_bytes")
        .help("quorumkv.http.max-inflight-bytes: requests beyond it get 429 overloaded")
        .callback(cb -> cb.call(limit)).register(registry);
    CounterWithCallback.builder().name("quorumkv_http_inflight_refused")
        .help("Requests refused with 429 because the in-flight body budget was spent")
        .callback(cb -> cb.call(refused.getAsLong())).register(registry);
  }

  /**
   * Gauges of the node's self-check ({@link NodeCondition}) and of readiness, read at scrape time: what
   * an alert on a degraded or not-ready node watches.
   */
  public void registerCondition(Supplier<NodeCondition> condition, BooleanSupplier ready) {
    GaugeWithCallback.builder().name("quorumkv_node_ready").help("1 if /ready answers 200 (the node can do its job)")
        .callback(cb -> cb.call(ready.getAsBoolean() ? 1 : 0)).register(registry);
    GaugeWithCallback.builder().name("quorumkv_storage_free_bytes").help("Usable bytes left in the data dir's file system")
        .callback(cb -> cb.call(condition.get().freeBytes())).register(registry);
    GaugeWithCallback.builder().name("quorumkv_storage_free_floor_bytes")
        .help("The free-space floor: below it the node is degraded (no writes through it, no leadership)")
        .callback(cb -> cb.call(condition.get().floorBytes())).register(registry);
    GaugeWithCallback.builder().name("quorumkv_storage_below_floor").help("1 while this node's free space is below its floor")
        .callback(cb -> cb.call(condition.get().belowFloor() ? 1 : 0)).register(registry);
    GaugeWithCallback.builder().name("quorumkv_raft_member_state")
        .help("1 for the state of this node's Raft member: running, log_failed, stopped_for_space or down")
        .labelNames("state").callback(cb -> {
          NodeCondition.MemberState now = condition.get().memberState();
          for (NodeCondition.MemberState st : NodeCondition.MemberState.values()) {
            cb.call(st == now ? 1 : 0, st.name().toLowerCase(java.util.Locale.ROOT));
          }
        }).register(registry);
    GaugeWithCallback.builder().name("quorumkv_no_space_alarms")
        .help("Nodes whose no-space alarm is committed in the log; writes are refused once the voters among them are half or more")
        .callback(cb -> cb.call(condition.get().noSpaceAlarms().size())).register(registry);
    CounterWithCallback.builder().name("quorumkv_raft_member_restarts").help("Times the self-check restarted this node's Raft member")
        .callback(cb -> cb.call(condition.get().memberRestarts())).register(registry);
  }

  private static void withStatus(Supplier<NodeStatus> status, java.util.function.Consumer<NodeStatus> use) {
    NodeStatus s = status.get();
    if (s != null) {
      use.accept(s);
    }
  }

  /** Records one HTTP request. */
  public void request(String op, String outcome, long nanos) {
    requests.labelValues(op, outcome).inc();
    requestLatency.labelValues(op).observe(nanos / 1e9);
  }

  /** The registry in Prometheus text format 0.0.4. */
  public byte[] scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(out, registry.scrape());
    return out.toByteArray();
  }

  public String contentType() {
    return writer.getContentType();
  }

  @Override
  public void leaderChanged(String leaderId) {
    if (leaderId != null) {
      leaderChanges.inc();
    }
    leader.observe(-1, leaderId, System.nanoTime());
  }

  @Override
  public void applied(long index, long applyNanos, long commitNanos) {
    applyLatency.observe(applyNanos / 1e9);
    if (commitNanos >= 0) {
      commitLatency.observe(commitNanos / 1e9);
    }
  }

  @Override
  public void snapshotTaken(long index, long durationNanos) {
    snapshots.inc();
    snapshotDuration.observe(durationNanos / 1e9);
  }

  @Override
  public void logFailed(String cause) {
    logFailures.inc();
  }

  @Override
  public void permissionDenied(int commands) {
    permissionDenied.inc(commands);
  }

  /** Calls the Raft port's guard refused (a non-member on the peer service, a non-admin changing membership, ...). */
  public void registerRaftPortDenials(java.util.function.LongSupplier denied) {
    CounterWithCallback.builder().name("quorumkv_raft_port_denied_total")
        .help("Calls the Raft port refused before Ratis saw them: not a member, not an admin, a request type for members only")
        .callback(cb -> cb.call(denied.getAsLong())).register(registry);
  }

  /**
   * The write service's group commit: entries it sent to the log and the writes they carried, so that
   * calls per entry is {@code rate(calls) / rate(entries)} (1 when writes arrive one at a time).
   */
  public void registerGroupCommit(java.util.function.Supplier<long[]> entriesAndCalls) {
    CounterWithCallback.builder().name("quorumkv_group_commit_entries_total")
        .help("Log entries this node's write service appended while it led (one per lone write or per group)")
        .callback(cb -> cb.call(entriesAndCalls.get()[0])).register(registry);
    CounterWithCallback.builder().name("quorumkv_group_commit_writes_total")
        .help("Writes those entries carried; writes per entry = rate of this / rate of the entries")
        .callback(cb -> cb.call(entriesAndCalls.get()[1])).register(registry);
  }

  /** Open watches (gRPC streams' watches and HTTP long polls) on this node. */
  public void registerWatches(java.util.function.IntSupplier watches) {
    GaugeWithCallback.builder().name("quorumkv_watches").help("Open watches on this node (client streams and HTTP long polls)")
        .callback(cb -> cb.call(watches.getAsInt())).register(registry);
  }

  /** Leases in this node's applied state, and leases this node expired while it led. */
  public void registerLeases(java.util.function.IntSupplier leases, java.util.function.LongSupplier expired) {
    GaugeWithCallback.builder().name("quorumkv_leases").help("Leases in this node's applied state")
        .callback(cb -> cb.call(leases.getAsInt())).register(registry);
    CounterWithCallback.builder().name("quorumkv_leases_expired_total")
        .help("Leases this node expired while it was the leader (their keys deleted), since it started")
        .callback(cb -> cb.call(expired.getAsLong())).register(registry);
  }

  // ---- Scheduled backups (issue 15). Kept together: the alerting rules watch exactly these names. ----

  /**
   * The scheduled backups, read at scrape time: every node exports them (a follower reports the cluster's
   * newest good backup from the replicated record as far as it applied it; only the leader writes).
   */
  public void registerBackups(Supplier<quorumkv.server.backup.BackupStatus> backups) {
    GaugeWithCallback.builder().name("quorumkv_backup_last_success_timestamp_seconds")
        .help("Unix time (creation) of the newest scheduled backup that was written and verified; 0 if none yet")
        .callback(cb -> cb.call(backups.get().lastSuccessEpochSeconds())).register(registry);
    GaugeWithCallback.builder().name("quorumkv_backup_last_size_bytes")
        .help("File size of the newest scheduled backup that was written and verified")
        .callback(cb -> cb.call(backups.get().lastSizeBytes())).register(registry);
    GaugeWithCallback.builder().name("quorumkv_backup_last_revision")
        .help("Revision of the newest scheduled backup that was written and verified")
        .callback(cb -> cb.call(backups.get().lastRevision())).register(registry);
    GaugeWithCallback.builder().name("quorumkv_backup_interval_seconds")
        .help("quorumkv.backup.interval in seconds; 0 when scheduled backups are off")
        .callback(cb -> cb.call(backups.get().intervalSeconds())).register(registry);
    GaugeWithCallback.builder().name("quorumkv_backup_last_verify_ok")
        .help("0 when the newest scheduled backup's verification failed or could not run, else 1 (also 1 before the first backup)")
        .callback(cb -> cb.call(backups.get().lastVerifyOk() ? 1 : 0)).register(registry);
    CounterWithCallback.builder().name("quorumkv_backup_failures")
        .help("Scheduled backup attempts of this node (as leader) that failed to write or to verify")
        .callback(cb -> cb.call(backups.get().failures())).register(registry);
    CounterWithCallback.builder().name("quorumkv_backup_verify_skipped")
        .help("Verifications of scheduled backups this node did not run for want of room in the scratch directory"
            + " (quorumkv.backup.verify-scratch-dir); each also counts as a failure and as a failed verification")
        .callback(cb -> cb.call(backups.get().verifySkipped())).register(registry);
  }

  // ---- Self-healing membership (issue 15). Kept together: the alerting rules watch exactly these names. ----

  /**
   * Self-healing membership, read at scrape time. {@code enabled}: 1 if quorumkv.heal.enabled. Lost voters
   * are counted whether healing is on or off, by the leader only (a follower cannot see who answers it).
   */
  public void registerMembershipHealing(java.util.function.BooleanSupplier enabled,
      java.util.function.IntSupplier votersUnreachable, java.util.function.LongSupplier promotions,
      java.util.function.LongSupplier demotions, java.util.function.LongSupplier failures) {
    GaugeWithCallback.builder().name("quorumkv_membership_heal_enabled")
        .help("1 if self-healing membership is on (quorumkv.heal.enabled) on this node")
        .callback(cb -> cb.call(enabled.getAsBoolean() ? 1 : 0)).register(registry);
    GaugeWithCallback.builder().name("quorumkv_membership_voters_unreachable")
        .help("On the leader: voters it has not heard from for quorumkv.heal.grace or longer; 0 on other nodes"
            + " (only the leader knows)")
        .callback(cb -> cb.call(votersUnreachable.getAsInt())).register(registry);
    CounterWithCallback.builder().name("quorumkv_membership_heal_actions")
        .help("Membership changes self-healing made on this node as leader: promote (a caught-up listener to voter),"
            + " demote (a lost voter to listener)")
        .labelNames("action").callback(cb -> {
          cb.call(promotions.getAsLong(), "promote");
          cb.call(demotions.getAsLong(), "demote");
        }).register(registry);
    CounterWithCallback.builder().name("quorumkv_membership_heal_failures")
        .help("Promotions or demotions self-healing decided on as leader and could not carry out (it looks again)")
        .callback(cb -> cb.call(failures.getAsLong())).register(registry);
  }

  @Override
  public void snapshotInstalled(long index) {
    snapshotInstalls.inc();
    failover.stateReplaced();
  }
}
