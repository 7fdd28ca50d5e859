package quorumkv.server.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition instead of sleeping a fixed time (the one copy for every module's tests). A
 * condition that throws counts as "not yet"; the last such failure is attached to the timeout error.
 */
public final class Eventually {
  private static final long POLL_MILLIS = 20;

  private Eventually() {}

  public static void assertTrue(Duration timeout, BooleanSupplier condition, String what) {
    assertTrue(timeout, condition, () -> what);
  }

  /** As above; the message is made only on a timeout, so it can describe the state at that moment. */
  public static void assertTrue(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (AssertionError | RuntimeException e) {
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        AssertionError timedOut = new AssertionError("timed out after " + timeout + " waiting for: " + what.get());
        if (last != null) {
          timedOut.addSuppressed(last);
        }
        throw timedOut;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what.get(), e);
      }
    }
  }
}
