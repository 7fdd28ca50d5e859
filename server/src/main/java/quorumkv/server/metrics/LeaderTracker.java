package quorumkv.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;

/**
 * Turns observations of (term, leader) into election counts and leaderless intervals. Fed both by Ratis's
 * leader-change notification and by a periodic sampler (Ratis does not always notify when a leader is
 * lost), so an interval starts at the first observation without a leader and ends at the first with one.
 */
final class LeaderTracker {
  private final Histogram leaderless;
  private final Counter elections;
  private long lastTerm = -1;
  private long leaderlessSince = -1;

  LeaderTracker(Histogram leaderless, Counter elections) {
    this.leaderless = leaderless;
    this.elections = elections;
  }

  /** @param term the current term, or -1 if unknown at this call */
  synchronized void observe(long term, String leaderId, long nanos) {
    if (term >= 0) {
      if (lastTerm >= 0 && term > lastTerm) {
        elections.inc(term - lastTerm);
      }
      lastTerm = Math.max(lastTerm, term);
    }
    if (leaderId == null) {
      if (leaderlessSince < 0) {
        leaderlessSince = nanos;
      }
    } else if (leaderlessSince >= 0) {
      leaderless.observe((nanos - leaderlessSince) / 1e9);
      leaderlessSince = -1;
    }
  }
}
