package quorumkv.server.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import quorumkv.client.KvClient;
import quorumkv.client.KvException;
import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvNoSpaceException;
import quorumkv.client.KvResult;

/**
 * A write load for fault tests: one put in flight at a time, unique keys, remembering every acknowledged
 * key and value so that the test can read each back afterwards. A failure that says the write did not
 * happen, or may have, is counted and not remembered. Bounded by {@link #close} and by its own deadline.
 */
public final class AckedWriter implements AutoCloseable {
  public final Map<String, String> acked = new ConcurrentHashMap<>();
  public final AtomicInteger noSpace = new AtomicInteger();
  /** Failures of a kind a fault must not cause (neither definite nor indeterminate). */
  public final List<String> unexpected = new CopyOnWriteArrayList<>();
  private final KvClient client;
  private final String prefix;
  private final String pad;
  private final AtomicBoolean running = new AtomicBoolean(true);
  /** The latest failed put, for a test's message when writes stop flowing. */
  private volatile String lastFailure = "none";
  private final Thread thread;

  /** Writes keys {@code prefix-<n>} with values of about {@code valueBytes} through {@code client} (closed with this). */
  public AckedWriter(KvClient client, String prefix, int valueBytes) {
    this.client = client;
    this.prefix = prefix;
    this.pad = "x".repeat(valueBytes);
    this.thread = new Thread(this::run, "acked-writer-" + prefix);
  }

  public AckedWriter start() {
    thread.start();
    return this;
  }

  public int ackedCount() {
    return acked.size();
  }

  /** What the writer saw last when a put failed (time and error), or "none". */
  public String lastFailure() {
    return lastFailure;
  }

  private void run() {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    for (int n = 0; running.get() && n < 200_000 && System.nanoTime() < deadline; n++) {
      String key = prefix + "-" + n;
      String value = n + pad;
      try {
        client.put(key, value);
        acked.put(key, value);
      } catch (KvNoSpaceException e) {
        lastFailure = java.time.Instant.now() + " " + e;
        noSpace.incrementAndGet();
        sleep(50);
      } catch (KvException e) {
        lastFailure = java.time.Instant.now() + " " + e;
        if (!e.isDefinite() && !(e instanceof KvIndeterminateException)) {
          unexpected.add(e.toString());
        }
        sleep(20);
      }
    }
  }

  /** Reads every acknowledged key back through {@code reader} (linearizable) and returns what is missing or wrong. */
  public List<String> lostOrWrong(KvClient reader) {
    List<String> bad = new java.util.ArrayList<>();
    for (Map.Entry<String, String> e : acked.entrySet()) {
      KvResult.Get got = reader.get(e.getKey());
      if (!got.isPresent() || !e.getValue().equals(got.value().toStringUtf8())) {
        bad.add(e.getKey());
      }
    }
    return bad;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(30_000);
    client.close();
  }
}
