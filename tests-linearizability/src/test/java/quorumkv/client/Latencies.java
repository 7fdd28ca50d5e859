package quorumkv.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Call latencies of one test phase, in microseconds, with percentiles for logs and README numbers. */
final class Latencies {
  private final List<Long> micros = new ArrayList<>();

  synchronized void add(long nanos) {
    micros.add(TimeUnit.NANOSECONDS.toMicros(nanos));
  }

  /** Times {@code n} sequential calls of {@code call}. */
  static Latencies of(int n, Runnable call) {
    Latencies l = new Latencies();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      call.run();
      l.add(System.nanoTime() - t0);
    }
    return l;
  }

  synchronized double percentileMs(double p) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.size() - 1, Math.ceil(p / 100.0 * sorted.size()) - 1);
    return sorted.get(Math.max(0, i)) / 1000.0;
  }

  synchronized int count() {
    return micros.size();
  }

  @Override
  public String toString() {
    return String.format("n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms", count(), percentileMs(50),
        percentileMs(90), percentileMs(99), percentileMs(100));
  }
}
