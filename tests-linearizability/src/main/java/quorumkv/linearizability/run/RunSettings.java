package quorumkv.linearizability.run;

import java.time.Duration;
import java.util.List;
import quorumkv.client.KvClientConfig;
import quorumkv.linearizability.fault.FaultStep;
import quorumkv.linearizability.workload.RegisterWorkload;

/**
 * One linearizability run: workers running a seeded workload for {@code duration} while the schedule's
 * faults are injected; then the checker. Every loop is bounded in count and time.
 *
 * @param opDeadline each client call's deadline: short enough that partitions produce outcome-unknown
 *     operations (the hard case for a checker), long enough to ride out an election
 * @param minOkOperations a run with fewer ok operations does not count (the faults starved it)
 * @param checkTimeout the checker's budget; running out fails the run
 * @param writeBatching the shared client's write batching; by default {@link #MOST_BATCHING}, so that
 *     concurrent workers' writes share log entries in every run and the batching path is always checked;
 *     with it the client's gets are coalesced the most too ({@link #MOST_READ_BATCHING}), else by default
 */
public record RunSettings(String name, long seed, int workers, Duration duration, RegisterWorkload workload,
    List<FaultStep> schedule, Variant variant, Duration opDeadline, int minOkOperations, Duration checkTimeout,
    KvClientConfig.WriteBatching writeBatching) {
  /** One write call in flight, everything else queued into the next batch: the most sharing there is. */
  public static final KvClientConfig.WriteBatching MOST_BATCHING = new KvClientConfig.WriteBatching(64, 1);
  /** Likewise for linearizable gets (used with {@link #MOST_BATCHING}): concurrent workers' gets share requests. */
  public static final KvClientConfig.ReadBatching MOST_READ_BATCHING = new KvClientConfig.ReadBatching(64, 1);

  public RunSettings {
    schedule = List.copyOf(schedule);
  }

  public RunSettings(String name, long seed, int workers, Duration duration, RegisterWorkload workload,
      List<FaultStep> schedule, Variant variant, Duration opDeadline, int minOkOperations, Duration checkTimeout) {
    this(name, seed, workers, duration, workload, schedule, variant, opDeadline, minOkOperations, checkTimeout,
        MOST_BATCHING);
  }

  public RunSettings withVariant(Variant v) {
    return new RunSettings(name + "-" + v.name().toLowerCase(java.util.Locale.ROOT), seed, workers, duration,
        workload, schedule, v, opDeadline, minOkOperations, checkTimeout, writeBatching);
  }

  public RunSettings withWriteBatching(KvClientConfig.WriteBatching batching) {
    return new RunSettings(name, seed, workers, duration, workload, schedule, variant, opDeadline, minOkOperations,
        checkTimeout, batching);
  }

  /** The longest a worker may keep going after the run's duration (one call's deadline plus slack). */
  public Duration drain() {
    return opDeadline.plusSeconds(5);
  }
}
