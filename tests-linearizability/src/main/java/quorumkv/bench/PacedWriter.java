package quorumkv.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes at a steady pace (one write every period), asynchronously, so that the pace holds through an
 * outage: a write waits for nothing but its own deadline, and at most {@code maxOutstanding} are in flight
 * (a tick that finds them all in flight sends nothing and is counted as unsent). Each write's outcome is
 * recorded under the tag current when it was invoked (the failover phase tags writes with the round).
 */
final class PacedWriter implements AutoCloseable {
  private final BenchTarget target;
  private final Duration deadline;
  private final Semaphore outstanding;
  private final int maxOutstanding;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "paced-writer");
    t.setDaemon(true);
    return t;
  });
  private final Map<Integer, List<WriteSample>> byTag = new HashMap<>();
  private final Map<Integer, AtomicLong> unsentByTag = new HashMap<>();
  private final byte[] value = new byte[128];
  private volatile int tag;
  private long sequence;

  PacedWriter(BenchTarget target, Duration deadline, int maxOutstanding) {
    this.target = target;
    this.deadline = deadline;
    this.maxOutstanding = maxOutstanding;
    this.outstanding = new Semaphore(maxOutstanding);
  }

  /** Starts writing, one write every {@code period}, until {@link #close()}. */
  void start(Duration period) {
    ticker.scheduleAtFixedRate(this::tick, 0, period.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Writes invoked from now on are recorded under {@code newTag}. */
  void tag(int newTag) {
    tag = newTag;
  }

  private void tick() {
    int t = tag;
    if (!outstanding.tryAcquire()) {
      synchronized (this) {
        unsentByTag.computeIfAbsent(t, k -> new AtomicLong()).incrementAndGet();
      }
      return;
    }
    String key = "bench/failover-" + (sequence++ % 1000);
    long invoked = System.nanoTime();
    CompletableFuture<?> put;
    try {
      put = target.putAsync(key, value);
    } catch (RuntimeException e) {
      put = CompletableFuture.failedFuture(e);
    }
    put.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
      long done = System.nanoTime();
      outstanding.release();
      WriteSample.Outcome o = e == null ? WriteSample.Outcome.ACKED
          : rootCause(e) instanceof TimeoutException ? WriteSample.Outcome.TIMED_OUT : WriteSample.Outcome.FAILED;
      record(t, new WriteSample(invoked, done, o));
    });
  }

  private static Throwable rootCause(Throwable e) {
    while (e.getCause() != null && e.getCause() != e) {
      e = e.getCause();
    }
    return e;
  }

  private synchronized void record(int t, WriteSample s) {
    byTag.computeIfAbsent(t, k -> new ArrayList<>()).add(s);
  }

  /** The writes under {@code t} that have ended so far (a copy). */
  synchronized List<WriteSample> ended(int t) {
    return new ArrayList<>(byTag.getOrDefault(t, List.of()));
  }

  /** Ticks under {@code t} that sent nothing because {@code maxOutstanding} writes were in flight. */
  synchronized long unsent(int t) {
    AtomicLong n = unsentByTag.get(t);
    return n == null ? 0 : n.get();
  }

  /** Waits (at most the write deadline and a second) until no write is in flight, so every outcome is in. */
  boolean awaitQuiet() throws InterruptedException {
    if (outstanding.tryAcquire(maxOutstanding, deadline.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
      outstanding.release(maxOutstanding);
      return true;
    }
    return false;
  }

  /** Stops the pace; writes in flight keep their own deadlines. */
  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
