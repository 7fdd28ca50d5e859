package quorumkv.client.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with "equal jitter": the n-th pause (n from 0) is drawn uniformly from
 * {@code [cap/2, cap]} where {@code cap = min(max, base * 2^n)}. The lower half keeps a floor, so a
 * retry never hammers a node that just failed; the random upper half spreads clients that failed at the
 * same moment (a leader crash fails all of them at once).
 */
final class Backoff {
  private final long baseNanos;
  private final long maxNanos;
  private final DoubleSupplier random;

  Backoff(Duration base, Duration max) {
    this(base, max, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** {@code random} yields values in {@code [0, 1)}; injectable for tests. */
  Backoff(Duration base, Duration max, DoubleSupplier random) {
    this.baseNanos = base.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
    if (baseNanos <= 0 || maxNanos < baseNanos) {
      throw new IllegalArgumentException("need 0 < base <= max, got " + base + ", " + max);
    }
  }

  /** The upper bound of the pause before retry number {@code retry} (0 = the first retry). */
  long capNanos(int retry) {
    long cap = baseNanos;
    for (int i = 0; i < retry && cap < maxNanos; i++) {
      cap = cap > maxNanos / 2 ? maxNanos : cap * 2; // no overflow
    }
    return Math.min(cap, maxNanos);
  }

  long delayNanos(int retry) {
    long cap = capNanos(retry);
    long half = cap / 2;
    return half + (long) (random.getAsDouble() * (cap - half));
  }
}
