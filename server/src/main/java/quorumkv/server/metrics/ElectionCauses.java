package quorumkv.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import quorumkv.server.status.ElectionCounts;

/**
 * Turns Ratis's per-member election counters into {@code quorumkv_raft_elections_started_total{cause}}.
 * Ratis counts election timeouts (this node's timer fired: it heard from no leader in time) and
 * leadership transfers (this node, as leader, told a follower to start an election). A timeout before
 * this node has known any leader since it started is counted as {@code startup}, a later one as
 * {@code timeout}.
 *
 * <p>Ratis's counters restart at 0 when the self-check restarts the member. A new member is told by the
 * identity of its counters ({@link ElectionCounts#member}), not by a sample that found none: a restart can
 * fall between two samples, or while samples fail, and a sample can find none while the same member goes
 * on (so a gap is no reset, which would count the old member's counts twice). A new member's counts are
 * taken as counted from 0, the same member's as counted from its last read, so ours never go down and
 * miss nothing either member counted.
 */
final class ElectionCauses {
  private final Counter started;
  /** The member instance whose counts were read last; null before the first read. */
  private Object lastMember;
  private long lastTimeouts;
  private long lastTransfers;
  private boolean leaderKnownBefore;

  ElectionCauses(Counter started) {
    this.started = started;
    for (String cause : new String[] {"startup", "timeout", "transfer"}) {
      started.labelValues(cause); // every cause shows from the start, at 0 (alerts and rate() need the series)
    }
  }

  /**
   * @param counts Ratis's counters now, or null if unknown (the member is being restarted): then nothing
   *     is counted and the last read stays the baseline
   * @param leaderKnown whether this node knows a leader now
   */
  synchronized void observe(ElectionCounts counts, boolean leaderKnown) {
    if (counts != null) {
      boolean sameMember = counts.member() == lastMember;
      long timeouts = sameMember ? delta(counts.timeouts(), lastTimeouts) : counts.timeouts();
      long transfers = sameMember ? delta(counts.transfers(), lastTransfers) : counts.transfers();
      lastMember = counts.member();
      lastTimeouts = counts.timeouts();
      lastTransfers = counts.transfers();
      if (timeouts > 0) {
        // Judged by what this node knew at the previous sample: a timeout and the leader it led to
        // can both happen between two samples.
        started.labelValues(leaderKnownBefore ? "timeout" : "startup").inc(timeouts);
      }
      if (transfers > 0) {
        started.labelValues("transfer").inc(transfers);
      }
    }
    leaderKnownBefore |= leaderKnown;
  }

  /** A counter of one member never goes down; should it, it is taken as restarted from 0. */
  private static long delta(long now, long last) {
    return now >= last ? now - last : now;
  }
}
