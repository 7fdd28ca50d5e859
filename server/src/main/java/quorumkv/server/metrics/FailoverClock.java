package quorumkv.server.metrics;

import io.prometheus.metrics.core.metrics.Histogram;

/**
 * Measures a failover as clients see it, on any node: from the last sign of life of the leader that was
 * serving (its last commit this node applied, or its last contact with this node) to the first entry of a
 * newer term this node applies (the new leader's first commit, as this node learns it).
 *
 * <p>Only a leader whose term this node has seen commit counts as serving: a candidate that won but never
 * committed served no client, so contact with it extends nothing. Signs of life come from the apply thread
 * ({@link #applied}) and from the metrics sampler ({@link #leaderContact}: a follower's last contact with
 * its leader; on the leader, the last time a majority answered it). A failover that began before this
 * process started, or spans a snapshot install, is not measured: its start is unknown here.
 *
 * <p>Ratis's follower keeps one "last RPC" clock, and refreshes it not only on the leader's appends but
 * also when it grants a pre-vote to a candidate, which it does only once it has not heard from its leader
 * for a minimum election timeout. So a contact that comes that long or longer after the previous one seen
 * is not taken as a sign of life: a live leader's heartbeats come far more often (a late heartbeat after
 * such a gap, followed by a failover, makes the measure longer by at most that gap, never shorter).
 */
final class FailoverClock {
  /** No time known. Times are System.nanoTime values, which may be negative: compared by difference only. */
  private static final long UNKNOWN = Long.MIN_VALUE;

  private final Histogram failovers;
  private final long leaderValidNanos;
  /** The newest term of an entry this node applied since start; -1 before the first. */
  private long servingTerm = -1;
  /** The last sign of life of the leader of {@link #servingTerm}. */
  private long lastLifeNanos = UNKNOWN;
  /** The term of {@link #lastContactNanos}, the newest contact the sampler reported. */
  private long contactTerm = -1;
  private long lastContactNanos = UNKNOWN;

  /** @param leaderValidNanos the minimum election timeout: Ratis's follower grants pre-votes after that long without contact */
  FailoverClock(Histogram failovers, long leaderValidNanos) {
    this.failovers = failovers;
    this.leaderValidNanos = leaderValidNanos;
  }

  /** This node applied an entry of {@code term} at {@code nanos}. */
  synchronized void applied(long term, long nanos) {
    if (term > servingTerm) {
      if (servingTerm >= 0 && lastLifeNanos != UNKNOWN && nanos - lastLifeNanos >= 0) {
        failovers.observe((nanos - lastLifeNanos) / 1e9);
      }
      servingTerm = term;
      lastLifeNanos = nanos;
    } else if (term == servingTerm) {
      extendLife(nanos);
    }
  }

  /** The sampler saw this node's last contact with the leader of {@code term} at {@code nanos}. */
  synchronized void leaderContact(long term, long nanos) {
    if (term != contactTerm) {
      contactTerm = term;
      lastContactNanos = UNKNOWN;
    }
    if (lastContactNanos != UNKNOWN && nanos - lastContactNanos <= 0) {
      return; // the same contact again (or an older one, read before a newer one)
    }
    boolean fromLeader = lastContactNanos == UNKNOWN || nanos - lastContactNanos < leaderValidNanos;
    lastContactNanos = nanos;
    if (fromLeader && term == servingTerm && servingTerm >= 0) {
      extendLife(nanos);
    }
  }

  private void extendLife(long nanos) {
    if (lastLifeNanos == UNKNOWN || nanos - lastLifeNanos > 0) {
      lastLifeNanos = nanos;
    }
  }

  /** This node's state was replaced (snapshot install): the next new term starts a fresh count. */
  synchronized void forget() {
    lastLifeNanos = UNKNOWN;
  }
}
