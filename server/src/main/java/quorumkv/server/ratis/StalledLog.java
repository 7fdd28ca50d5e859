package quorumkv.server.ratis;

import java.time.Duration;

/**
 * Notices a follower whose log stopped growing although its leader keeps talking to it and has committed
 * entries it lacks. Ratis's leader never sends a follower entries below the match index the follower once
 * acknowledged (its log appender resets nextIndex to matchIndex + 1 on every INCONSISTENCY reply to a
 * heartbeat), so a follower whose log lost acknowledged entries (its tail cut off on disk) answers
 * INCONSISTENCY for good while it reports ready: DamagedTailIT saw 60 s of "INCONSISTENCY reply with
 * nextIndex 32" from such a follower; a new leader, with no match index for it, caught it up in 2 s. Such a
 * follower lost entries it had acknowledged, so it must also stop voting: {@link LostEntries}.
 *
 * <p>{@link ListenerRejoin} uses the same window on its listener's applied index, to notice a rejoin that
 * stopped making progress. Plain state, fed by one thread; no Ratis calls, so it is tested without a cluster.
 */
final class StalledLog {
  private final long windowNanos;
  private final long confirmNanos;
  private long lastIndex = Long.MIN_VALUE;
  private long sinceNanos;
  /** The log end (next index) beyond which the leader was last seen to hold committed entries; -1 for none. */
  private long suspectedNext = -1;
  private long suspectedSinceNanos;

  /**
   * @param window how long the log must stand still before the leader is asked
   * @param confirm how long a withholding leader must still withhold, the log unchanged, before it counts
   */
  StalledLog(Duration window, Duration confirm) {
    this.windowNanos = window.toNanos();
    this.confirmNanos = confirm.toNanos();
  }

  /**
   * Records the index watched (a follower's log end, its next index) as seen now; true once it has not moved
   * for the whole window. Each true starts a new window, so the caller asks the leader at most once per window.
   */
  boolean stalled(long index, long nowNanos) {
    if (index != lastIndex) {
      lastIndex = index;
      sinceNanos = nowNanos;
      suspectedNext = -1;
      return false;
    }
    if (nowNanos - sinceNanos < windowNanos) {
      return false;
    }
    sinceNanos = nowNanos;
    return true;
  }

  /** Nothing to watch right now (not a follower in contact with its leader, a step done): start a new window. */
  void forget() {
    lastIndex = Long.MIN_VALUE;
    suspectedNext = -1;
  }

  /** Whether a withholding leader was seen at this log end and awaits confirmation (ask the leader again). */
  boolean suspects(long followerNextIndex) {
    return suspectedNext == followerNextIndex;
  }

  /**
   * Whether the leader withholds entries, confirmed: seen twice at least the confirm time apart with the
   * follower's log end unchanged. One sighting is not enough: in a cluster idle for the whole window, the
   * first new entry can be committed by the leader and the other follower a moment before it reaches this
   * one, and a healthy follower then appends it within milliseconds.
   */
  boolean withheldConfirmed(long followerNextIndex, long leaderCommitIndex, long nowNanos) {
    if (!leaderWithholds(followerNextIndex, leaderCommitIndex)) {
      suspectedNext = -1;
      return false;
    }
    if (suspectedNext != followerNextIndex) {
      suspectedNext = followerNextIndex;
      suspectedSinceNanos = nowNanos;
      return false;
    }
    return nowNanos - suspectedSinceNanos >= confirmNanos;
  }

  /**
   * Whether the leader withholds entries this node needs: it committed entries at or beyond this node's log
   * end. An idle cluster's leader has committed exactly up to it, a follower catching up sees its log grow.
   */
  static boolean leaderWithholds(long followerNextIndex, long leaderCommitIndex) {
    return leaderCommitIndex >= followerNextIndex;
  }
}
