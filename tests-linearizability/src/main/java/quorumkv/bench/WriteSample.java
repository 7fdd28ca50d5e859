package quorumkv.bench;

import java.util.List;
import java.util.OptionalLong;

/**
 * One paced write's outcome: when it was invoked and when it ended (System.nanoTime), and how.
 *
 * @param invokeNanos when the writer handed it to the client
 * @param doneNanos when the client acknowledged it, failed it, or its deadline passed
 */
record WriteSample(long invokeNanos, long doneNanos, Outcome outcome) {

  enum Outcome { ACKED, FAILED, TIMED_OUT }

  /**
   * The failover figure: nanoseconds from {@code faultNanos} (just before the fault's signal or link call)
   * to the first acknowledgement of a write invoked at or after {@code appliedNanos} (when that call had
   * returned, so the fault was in effect); empty while there is none. Earlier writes do not count: one
   * sent to the old leader while the kill command was still starting may be acknowledged just after the
   * clock started, and says nothing about whether the cluster accepts new writes.
   */
  static OptionalLong firstAckAfter(long faultNanos, long appliedNanos, List<WriteSample> samples) {
    long first = Long.MAX_VALUE;
    for (WriteSample s : samples) {
      if (s.outcome == Outcome.ACKED && s.invokeNanos - appliedNanos >= 0 && s.doneNanos < first) {
        first = s.doneNanos;
      }
    }
    return first == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(first - faultNanos);
  }

  /** The first acknowledgement of a write invoked at or after {@code sinceNanos}, counted from then. */
  static OptionalLong firstAckAfter(long sinceNanos, List<WriteSample> samples) {
    return firstAckAfter(sinceNanos, sinceNanos, samples);
  }

  /** How many of {@code samples} ended as {@code outcome}. */
  static long count(List<WriteSample> samples, Outcome outcome) {
    return samples.stream().filter(s -> s.outcome == outcome).count();
  }
}
