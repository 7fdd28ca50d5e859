package quorumkv.bench;

import java.util.Arrays;
import java.util.List;

/** One worker's latencies in nanoseconds (a growing array, bounded by the worker's operation cap). */
final class LatencySamples {
  private long[] nanos = new long[1024];
  private int size;

  void add(long latencyNanos) {
    if (size == nanos.length) {
      nanos = Arrays.copyOf(nanos, nanos.length * 2);
    }
    nanos[size++] = latencyNanos;
  }

  int size() {
    return size;
  }

  /** Every worker's samples, sorted. */
  static long[] mergeSorted(List<LatencySamples> all) {
    int n = 0;
    for (LatencySamples s : all) {
      n += s.size;
    }
    long[] merged = new long[n];
    int at = 0;
    for (LatencySamples s : all) {
      System.arraycopy(s.nanos, 0, merged, at, s.size);
      at += s.size;
    }
    Arrays.sort(merged);
    return merged;
  }

  /** The nearest-rank percentile (0 < p <= 1) of sorted samples, in milliseconds; NaN if none. */
  static double percentileMs(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }
}
