package quorumkv.server.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition instead of sleeping a fixed time (the one copy for every module's tests). A
 * condition that throws counts as "not yet"; the last such failure is attached to the timeout error.
 */
public final class Eventually {
  private static final long POLL_MILLIS = 20;

  private Eventually() {}

  public static void assertTrue(Duration timeout, BooleanSupplier condition, String what) {
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
        AssertionError timedOut = new AssertionError("timed out after " + timeout + " waiting for: " + what);
        if (last != null) {
          timedOut.addSuppressed(last);
        }
        throw timedOut;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what, e);
      }
    }
  }
}
