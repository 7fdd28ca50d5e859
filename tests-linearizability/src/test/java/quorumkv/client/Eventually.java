package quorumkv.client;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or time runs out; tests wait with this, never with bare sleeps. */
final class Eventually {
  private Eventually() {}

  static void eventually(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    AssertionError last = null;
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (AssertionError | RuntimeException e) {
        last = e instanceof AssertionError a ? a : new AssertionError(e);
      }
      if (System.nanoTime() > deadline) {
        AssertionError e = new AssertionError("not true within " + timeout + ": " + what);
        if (last != null) {
          e.addSuppressed(last);
        }
        throw e;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
