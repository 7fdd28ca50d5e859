package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Review of issue 15 (B1): closing the scheduler did not wait for a running verification, so its scratch node
 * outlived the server. {@link VerificationQueue#stop} interrupts it and returns only once it has returned.
 */
class VerificationQueueTest {
  /** Sleeps (interruptibly) until told, then needs {@code cleanupMillis} more that no interrupt shortens. */
  private static Runnable drill(CountDownLatch started, long cleanupMillis, List<String> events) {
    return () -> {
      started.countDown();
      try {
        Thread.sleep(60_000);
        events.add("finished");
      } catch (InterruptedException e) {
        events.add("interrupted");
      }
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cleanupMillis);
      while (System.nanoTime() < until) {
        Thread.onSpinWait(); // closing a scratch node: ignores interrupts
      }
      events.add("cleaned up");
    };
  }

  @Test
  void stopInterruptsTheRunningVerificationAndWaitsUntilItHasCleanedUp() throws Exception {
    VerificationQueue queue = new VerificationQueue("test-verifier", 30_000);
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch started = new CountDownLatch(1);
    queue.submit(drill(started, 500, events));
    assertTrue(started.await(30, TimeUnit.SECONDS));
    assertTrue(queue.stop(), "stopped within the wait");
    assertEquals(List.of("interrupted", "cleaned up"), events, "stop returned only after the drill did");
    queue.submit(() -> events.add("after stop"));
    Thread.sleep(200);
    assertEquals(List.of("interrupted", "cleaned up"), events, "nothing runs once stopped");
  }

  @Test
  void stopWaitsAtMostItsBound() throws Exception {
    VerificationQueue queue = new VerificationQueue("test-verifier", 200);
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch started = new CountDownLatch(1);
    queue.submit(drill(started, 5_000, events));
    assertTrue(started.await(30, TimeUnit.SECONDS));
    assertFalse(queue.stop(), "a verification that does not stop in time is reported, not waited for forever");
  }

  @Test
  void aNewerVerificationReplacesTheOneWaiting() throws Exception {
    VerificationQueue queue = new VerificationQueue("test-verifier", 30_000);
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    queue.submit(() -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      events.add("first");
    });
    queue.submit(() -> events.add("older"));
    queue.submit(() -> events.add("newer"));
    release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (events.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(queue.stop());
    assertEquals(List.of("first", "newer"), events);
  }
}
