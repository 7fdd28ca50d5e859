package quorumkv.raftlog.statemachine;

/**
 * What {@link KvStateMachine} reports as it runs, for metrics and status; the server passes an
 * implementation in, so raft-log stays free of metrics libraries. Called on Ratis's threads (the apply
 * thread for {@link #applied}): implementations must be cheap and must not throw.
 */
public interface StateMachineListener {
  /** A listener that ignores everything. */
  StateMachineListener NONE = new StateMachineListener() {};

  /** This replica learnt of a new leader ({@code leaderId}), or lost its leader ({@code null}). */
  default void leaderChanged(String leaderId) {}

  /**
   * One write entry applied.
   *
   * @param applyNanos time spent applying it to RocksDB
   * @param commitNanos on the leader that accepted the request, the time from accepting it (before
   *     append) to applying it: append, replication, fsync on a majority and the apply queue; -1 on
   *     other replicas and for entries replayed from the log
   */
  default void applied(long index, long applyNanos, long commitNanos) {}

  /**
   * An entry of any kind (a write, a configuration, a new leader's first entry) was applied at {@code
   * term}: the first entry of a newer term is the new leader's first commit as this replica learns it,
   * what the failover metrics measure to. Not called for entries replayed after a restart; called on the
   * apply thread (for a write, just before {@link #applied}).
   */
  default void entryApplied(long term, long index) {}

  /** A snapshot (RocksDB checkpoint) at {@code index} was taken in {@code durationNanos}. */
  default void snapshotTaken(long index, long durationNanos) {}

  /** This replica replaced its state with a snapshot installed from the leader. */
  default void snapshotInstalled(long index) {}

  /**
   * Ratis closed this member because a leader answered its vote request with "shut down": the leader's
   * configuration no longer has it as a voter. That is right for a removed node but also happens to a
   * voter demoted to listener while cut off (Ratis 3.3.0 counts only voters as members there). Called
   * on Ratis's election thread after the member is closed; the node decides whether to rejoin.
   */
  default void shutDownByCluster() {}

  /**
   * Ratis failed this member's log ({@code notifyLogFailed}, e.g. on ENOSPC), or applying an entry
   * failed (Ratis then closes the member): it accepts no more entries until it is restarted. Called on
   * Ratis's log worker or apply thread.
   */
  default void logFailed(String cause) {}

  /**
   * Commands refused for lack of permission: counted once per request, by the node that served a read or
   * the leader that accepted a write (every replica refuses a write alike when it applies).
   */
  default void permissionDenied(int commands) {}
}
