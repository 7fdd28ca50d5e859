package quorumkv.server.metrics;

import io.prometheus.metrics.core.metrics.Histogram;

/**
 * Measures a failover as clients see it, on the node that ends it: from the last sign of life of the
 * leader that was serving (its last commit this node applied, or its last contact with this node) to the
 * first entry of a newer term this node applies, recorded only if this node leads that term (its own first
 * commit as the new leader: when clients are served again).
 *
 * <p>Only the new leader records, once per failover. A follower's measure starts at its own last contact
 * with the old leader, which says nothing of the cluster when the follower was the one cut off: a follower
 * partitioned away while the others went on (and changed leader meanwhile) would record the whole time it
 * was cut off when it rejoins, as one failover slower than any objective. The new leader cannot have been
 * cut off from the majority that elected it; and with pre-vote, a node that was cut off wins an election
 * only when that majority heard from no leader either (the old one is gone for all: a real failover, measured
 * here from this node's last contact, which may be earlier than the old leader's end by how long before it
 * this node was cut off). Whether this node leads the term comes from the metrics sampler ({@link #role}),
 * before or after the apply thread's first entry of the term: a measure waits for it, and is dropped once
 * the sampler sees another node lead that term or a newer one.
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
  /** The newest term the sampler saw this node lead; -1 before. */
  private long ledTerm = -1;
  /** A failover measured for {@link #pendingTerm} (-1: none), recorded once this node is seen leading it. */
  private long pendingTerm = -1;
  private double pendingSeconds;

  /** @param leaderValidNanos the minimum election timeout: Ratis's follower grants pre-votes after that long without contact */
  FailoverClock(Histogram failovers, long leaderValidNanos) {
    this.failovers = failovers;
    this.leaderValidNanos = leaderValidNanos;
  }

  /** This node applied an entry of {@code term} at {@code nanos}. */
  synchronized void applied(long term, long nanos) {
    if (term > servingTerm) {
      if (servingTerm >= 0 && lastLifeNanos != UNKNOWN && nanos - lastLifeNanos >= 0) {
        measured(term, (nanos - lastLifeNanos) / 1e9);
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

  /**
   * The sampler saw this node's role in {@code term}: {@code leading} it, or not ({@code leaderKnown}: with
   * another leader known for it).
   */
  synchronized void role(long term, boolean leading, boolean leaderKnown) {
    if (leading) {
      ledTerm = Math.max(ledTerm, term);
      if (pendingTerm == term) {
        failovers.observe(pendingSeconds);
        pendingTerm = -1;
      }
    } else if (pendingTerm >= 0 && (term > pendingTerm || (term == pendingTerm && leaderKnown))) {
      pendingTerm = -1; // another node led the term: its failover was that node's to record
    }
  }

  private void measured(long term, double seconds) {
    if (ledTerm == term) {
      failovers.observe(seconds);
    } else {
      pendingTerm = term;
      pendingSeconds = seconds;
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
