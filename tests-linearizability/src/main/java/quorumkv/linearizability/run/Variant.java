package quorumkv.linearizability.run;

/**
 * Deliberately broken ways to use the store, to prove the harness can fail: each must be found
 * non-linearizable under faults, and the same run with {@link #CORRECT} must pass.
 */
public enum Variant {
  /** The real client: linearizable reads, outcome-unknown writes recorded as info. */
  CORRECT,
  /**
   * Reads answered from one replica's local state without the read index (a stale read with no
   * minimum index, from a random node): a lagging or partitioned replica returns old values.
   */
  STALE_LOCAL_READS,
  /**
   * Writes acknowledged before they commit: a put or delete is recorded ok as soon as it is sent, as a
   * store that acknowledges on receipt would; a read that follows may not see it yet, or ever.
   */
  ACK_BEFORE_COMMIT,
  /**
   * The run's watch silently leaves out every 10th change it is given, as a watch that resumes from the
   * wrong revision after a reconnect would: the register history stays linearizable, the watch check
   * must refute the recording.
   */
  WATCH_DROPS_EVENTS
}
