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
   * The failover figure: nanoseconds from {@code faultNanos} to the first acknowledgement of a write
   * invoked at or after it; empty while none is acknowledged. Writes invoked before the fault do not count:
   * one already on its way to the old leader may be acknowledged just after the fault and says nothing
   * about whether the cluster accepts new writes.
   */
  static OptionalLong firstAckAfter(long faultNanos, List<WriteSample> samples) {
    long first = Long.MAX_VALUE;
    for (WriteSample s : samples) {
      if (s.outcome == Outcome.ACKED && s.invokeNanos - faultNanos >= 0 && s.doneNanos < first) {
        first = s.doneNanos;
      }
    }
    return first == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(first - faultNanos);
  }

  /** How many of {@code samples} ended as {@code outcome}. */
  static long count(List<WriteSample> samples, Outcome outcome) {
    return samples.stream().filter(s -> s.outcome == outcome).count();
  }
}
