package quorumkv.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import quorumkv.server.status.ElectionCounts;

/**
 * Turns Ratis's per-member election counters into {@code quorumkv_raft_elections_started_total{cause}}.
 * Ratis counts election timeouts (this node's timer fired: it heard from no leader in time) and
 * leadership transfers (this node, as leader, told a follower to start an election). A timeout before
 * this node has known any leader since it started is counted as {@code startup}, a later one as
 * {@code timeout}. Ratis's counters restart at 0 when the self-check restarts the member: while the member
 * is gone (no counters) and whenever a count is lower than the last one read, the next counts are taken
 * as counted from 0, so ours never go down and miss nothing the new member counted.
 */
final class ElectionCauses {
  private final Counter started;
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
   * @param counts Ratis's counters now, or null if unknown (the member is being restarted)
   * @param leaderKnown whether this node knows a leader now
   */
  synchronized void observe(ElectionCounts counts, boolean leaderKnown) {
    if (counts == null) {
      lastTimeouts = 0; // the member is gone: the next one's counters start at 0
      lastTransfers = 0;
    } else {
      long timeouts = delta(counts.timeouts(), lastTimeouts);
      long transfers = delta(counts.transfers(), lastTransfers);
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

  private static long delta(long now, long last) {
    return now >= last ? now - last : now;
  }
}
