package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import quorumkv.server.testing.Eventually;

/**
 * Background writers for "nothing lost, nothing applied twice" checks (as in {@link FailoverIT}): each
 * writer CAS-increments its own counter against the revision it last saw and puts keys nobody else
 * writes. A CAS that fails although only its writer writes the key, or a unique put that finds a previous
 * value, is a write applied twice; {@link #stopAndVerify} then checks every acknowledged put is readable
 * and each counter lies between its confirmed and its confirmed plus uncertain increments.
 */
final class Writers {
  /** Every writer stops by itself after this many operations or this long, whichever comes first. */
  private static final int MAX_OPS_PER_WRITER = 100_000;
  private static final long MAX_RUN_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

  private final KvClient client;
  private final String prefix;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger acked = new AtomicInteger();
  private final AtomicLong indeterminate = new AtomicLong();
  private final AtomicLong unavailable = new AtomicLong();
  private final AtomicLong slowestNanos = new AtomicLong();
  private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
  private final Map<String, String> ackedPuts = new ConcurrentHashMap<>();
  /** Why each writer that ended did so: a wait for progress with no writer left fails with these. */
  private final Map<String, String> ended = new ConcurrentHashMap<>();
  private final long[] confirmed;
  private final long[] uncertain;

  Writers(KvClient client, String prefix, int writers) {
    this.client = client;
    this.prefix = prefix;
    this.confirmed = new long[writers];
    this.uncertain = new long[writers];
    for (int w = 0; w < writers; w++) {
      int id = w;
      threads.add(new Thread(() -> run(id), prefix + "writer-" + w));
    }
  }

  Writers start() {
    threads.forEach(Thread::start);
    return this;
  }

  int acked() {
    return acked.get();
  }

  /**
   * Waits until the writers acknowledge {@code more} writes beyond the count now. If every writer has
   * ended, the wait cannot succeed: it fails saying why each ended (a previous version of a failover test
   * read writers that had simply run out of operations as a client that stopped making progress).
   */
  void awaitProgress(int more, Duration timeout, String what) {
    int from = acked.get();
    Eventually.assertTrue(timeout, () -> {
      if (acked.get() >= from + more) {
        return true;
      }
      if (ended.size() == threads.size()) {
        throw new AssertionError("every writer has ended, at " + acked.get() + " acknowledged writes: " + ended
            + "; violations " + violations + "; " + indeterminate.get() + " indeterminate, " + unavailable.get()
            + " unavailable");
      }
      return false;
    }, what + ": " + more + " more acknowledged writes after " + from);
  }

  private String counter(int id) {
    return prefix + "w" + id + "/counter";
  }

  private void run(int id) {
    String why = "stopped";
    try {
      why = writeUntilStopped(id);
    } catch (RuntimeException | Error e) {
      why = "failed: " + e;
      throw e;
    } finally {
      ended.put(counter(id), why);
    }
  }

  /** Runs one writer's operations; returns why it ended. */
  private String writeUntilStopped(int id) {
    long value = 0;
    long revision = 0;
    long startNanos = System.nanoTime();
    for (int op = 0; !stop.get(); op++) {
      if (op >= MAX_OPS_PER_WRITER || System.nanoTime() - startNanos > MAX_RUN_NANOS) {
        return "reached its bound after " + op + " operations";
      }
      long t0 = System.nanoTime();
      try {
        if (op % 2 == 0) {
          KvResult.Cas r = client.compareAndSet(counter(id), revision, Long.toString(value + 1));
          if (!r.succeeded()) {
            violations.add(counter(id) + ": CAS at revision " + revision + " failed although only this writer writes"
                + " it; current " + r.current());
            return "a CAS failed at operation " + op;
          }
          value++;
          revision = r.revision();
          confirmed[id]++;
        } else {
          String key = prefix + "w" + id + "/k" + op;
          KvResult.Put r = client.put(key, "v" + op);
          if (r.previous() != null) {
            violations.add(key + " was applied twice: previous " + r.previous());
          }
          ackedPuts.put(key, "v" + op);
        }
        acked.incrementAndGet();
      } catch (KvIndeterminateException e) {
        indeterminate.incrementAndGet();
        if (op % 2 == 0) {
          uncertain[id]++;
          KvResult.Get now = readUntilAvailable(counter(id));
          if (now == null) {
            return stop.get() ? "stopped" : "could not re-read its counter after an indeterminate CAS";
          }
          value = now.isPresent() ? Long.parseLong(now.valueUtf8()) : 0;
          revision = now.modRevision();
        }
      } catch (KvUnavailableException e) {
        unavailable.incrementAndGet();
      } finally {
        slowestNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
      }
    }
    return "stopped";
  }

  private KvResult.Get readUntilAvailable(String key) {
    for (int i = 0; i < 10 && !stop.get(); i++) {
      try {
        return client.get(key);
      } catch (KvUnavailableException e) {
        // the cluster is electing; try again
      }
    }
    return null;
  }

  /** Stops the writers and checks that nothing acknowledged was lost or applied twice; returns a summary. */
  String stopAndVerify(Duration joinTimeout) throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(joinTimeout.toMillis());
      assertFalse(t.isAlive(), t.getName() + " did not finish");
    }
    assertEquals(List.of(), List.copyOf(violations));
    for (Map.Entry<String, String> e : ackedPuts.entrySet()) {
      assertEquals(e.getValue(), client.get(e.getKey()).valueUtf8(), "acknowledged put of " + e.getKey());
    }
    for (int w = 0; w < confirmed.length; w++) {
      KvResult.Get c = client.get(counter(w));
      long value = c.isPresent() ? Long.parseLong(c.valueUtf8()) : 0;
      assertTrue(value >= confirmed[w] && value <= confirmed[w] + uncertain[w],
          counter(w) + " = " + value + ", confirmed " + confirmed[w] + ", uncertain " + uncertain[w]);
    }
    return acked.get() + " acknowledged writes (" + ackedPuts.size() + " unique puts checked), " + indeterminate.get()
        + " indeterminate, " + unavailable.get() + " unavailable, slowest call " + slowestNanos.get() / 1_000_000 + " ms";
  }

  long slowestMillis() {
    return slowestNanos.get() / 1_000_000;
  }
}
