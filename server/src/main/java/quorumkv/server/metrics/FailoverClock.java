package quorumkv.server.metrics;

import io.prometheus.metrics.core.metrics.Histogram;

/**
 * Measures a failover as clients see it, on any node: from the last sign of life of the leader that was
 * serving (its last commit this node applied, or its last contact with this node) to the first entry of a
 * newer term this node applies (the new leader's first commit, as this node learns it).
 *
 * <p>Only a leader whose term this node has seen commit counts as serving: a candidate that won but never
 * committed served no client, so contact with it extends nothing. Signs of life come from the apply thread
 * ({@link #applied}) and from the metrics sampler ({@link #leaderAlive}: a follower's last contact with its
 * leader; on the leader, the last time a majority answered it). A failover that began before this process
 * started, or spans a snapshot install, is not measured: its start is unknown here.
 */
final class FailoverClock {
  private final Histogram failovers;
  /** The newest term of an entry this node applied since start; -1 before the first. */
  private long servingTerm = -1;
  /** The last sign of life of the leader of {@link #servingTerm} (System.nanoTime); -1 if unknown. */
  private long lastLifeNanos = -1;

  FailoverClock(Histogram failovers) {
    this.failovers = failovers;
  }

  /** This node applied an entry of {@code term} at {@code nanos}. */
  synchronized void applied(long term, long nanos) {
    if (term > servingTerm) {
      if (servingTerm >= 0 && lastLifeNanos >= 0 && nanos >= lastLifeNanos) {
        failovers.observe((nanos - lastLifeNanos) / 1e9);
      }
      servingTerm = term;
      lastLifeNanos = nanos;
    } else if (term == servingTerm) {
      lastLifeNanos = Math.max(lastLifeNanos, nanos);
    }
  }

  /** The leader of {@code term} was known alive at {@code nanos} (contact seen by the sampler). */
  synchronized void leaderAlive(long term, long nanos) {
    if (term == servingTerm && servingTerm >= 0) {
      lastLifeNanos = Math.max(lastLifeNanos, nanos);
    }
  }

  /** This node's state was replaced (snapshot install): the next new term starts a fresh count. */
  synchronized void forget() {
    lastLifeNanos = -1;
  }
}
