package quorumkv.server.ratis;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs backup verifications one at a time on a daemon thread of its own; a newer backup waiting replaces
 * an older one (the newest matters). {@link #stop} interrupts the running one and waits for it, bounded:
 * a verification runs a whole scratch node, which must not outlive the server that started it.
 */
final class VerificationQueue {
  private final ThreadPoolExecutor executor;
  private final long stopWaitMillis;

  VerificationQueue(String threadName, long stopWaitMillis) {
    this.stopWaitMillis = stopWaitMillis;
    // DiscardOldestPolicy drops the waiting task for the new one, and drops the new one once stopped.
    this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(1), r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.DiscardOldestPolicy());
  }

  /** Queues {@code verification}, replacing one still waiting; once stopped it is never run. */
  void submit(Runnable verification) {
    executor.execute(verification);
  }

  /**
   * Drops the waiting verification, interrupts the running one and waits until it has returned, at most
   * the stop wait. False if it was still running at the end of the wait.
   */
  boolean stop() throws InterruptedException {
    executor.shutdownNow();
    return executor.awaitTermination(stopWaitMillis, TimeUnit.MILLISECONDS);
  }
}
