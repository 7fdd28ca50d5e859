package quorumkv.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The watch phase ("many watches are cheap"), on one system, in this order:
 *
 * <ol>
 *   <li>put throughput at {@value #IDLE_PUT_CONCURRENCY} in flight with no watch (main table, {@code put+0w});
 *   <li>delivery latency with 1 watch: {@code puts} puts to the watched key;
 *   <li>memory of {@code watches} idle watches: server and driver memory before and after opening them;
 *   <li>delivery latency with those watches open: the same number of puts, put {@code i} to watched key
 *       {@code i mod watches}, so every event goes to one watch among many, as a user of many watches sees it
 *       (a server that checked every change against every watch would show here);
 *   <li>put throughput at {@value #IDLE_PUT_CONCURRENCY} in flight with them open and idle: the puts write
 *       the ordinary benchmark keys, which no watch covers (main table, {@code put+10000w}).
 * </ol>
 *
 * Delivery latency runs from a put's acknowledgement (its future completing) to its event reaching the
 * listener, 0 when the event came first; every acknowledged put's event must arrive exactly once, and a
 * mismatch is printed loudly. All watches are on one client of their own, the puts on the target's client,
 * as a service would hold them. Bounded: each step has a count and a time limit.
 */
final class WatchPhase {
  /** Put throughput with and without idle watches is compared at this many puts in flight. */
  static final int IDLE_PUT_CONCURRENCY = 16;
  /**
   * Puts in flight while delivery is measured: modest, so that latency is delivery's and not queueing
   * behind a saturated log; more than 1 so that a few thousand puts take seconds, not tens of seconds.
   */
  static final int DELIVERY_CONCURRENCY = 4;
  /** Bound on one delivery measurement's puts (they normally end by count long before). */
  static final double DELIVERY_MAX_SECONDS = 120;
  /** How long events of acknowledged puts may still arrive after the last put returned. */
  static final long STRAGGLER_MILLIS = 10_000;

  private final String run;
  private final BenchTarget target;
  private final WatchClient watcher;
  private final PhaseRunner runner;
  private final List<Long> pids;
  private final boolean jvmServers;
  private final int watches;
  private final int puts;
  private final int valueBytes;
  private final double putSeconds;
  private final Duration opTimeout;
  private final long maxOps;
  private final Path results;
  private final AtomicReference<DeliveryLatencies> current = new AtomicReference<>();
  private final List<String> rows = new java.util.ArrayList<>();
  /** False once any step found a mismatch or a failed watch: BenchMain says so at the end. */
  private boolean clean = true;

  WatchPhase(String run, BenchTarget target, WatchClient watcher, PhaseRunner runner, List<Long> pids,
      boolean jvmServers, int watches, int puts, int valueBytes, double putSeconds, Duration opTimeout, long maxOps,
      Path results) {
    this.run = run;
    this.target = target;
    this.watcher = watcher;
    this.runner = runner;
    this.pids = pids;
    this.jvmServers = jvmServers;
    this.watches = watches;
    this.puts = puts;
    this.valueBytes = valueBytes;
    this.putSeconds = putSeconds;
    this.opTimeout = opTimeout;
    this.maxOps = maxOps;
    this.results = results;
  }

  /** Runs the steps above; {@code idlePut} is the put phase's operation (ordinary keys, none watched). */
  boolean run(PhaseRunner.Op idlePut) throws Exception {
    long started = System.nanoTime();
    runner.phase("put+0w", IDLE_PUT_CONCURRENCY, putSeconds, 0, 0, maxOps, idlePut);

    String[] one = {"bench/watch1-000000"};
    open(one);
    delivery(1, one);
    watcher.closeWatches();

    long serverBefore = ServerMemory.read(pids, jvmServers);
    long driverBefore = ServerMemory.driverHeapAfterGc();
    String[] many = new String[watches];
    for (int i = 0; i < watches; i++) {
      many[i] = String.format("bench/watchn-%06d", i);
    }
    double openSeconds = open(many);
    long serverAfter = ServerMemory.read(pids, jvmServers);
    long driverAfter = ServerMemory.driverHeapAfterGc();
    WatchRows.Memory memory = new WatchRows.Memory(run, target.name(), watches, openSeconds,
        ServerMemory.measure(jvmServers), serverBefore, serverAfter, driverBefore, driverAfter);
    System.out.printf("  %d idle watches: server %s %s bytes/watch, driver heap %s bytes/watch%n", watches,
        memory.serverMeasure(), fmt(memory.serverBytesPerWatch()), fmt(memory.driverBytesPerWatch()));
    append(memory.toTsv());

    delivery(watches, many);
    runner.phase("put+" + watches + "w", IDLE_PUT_CONCURRENCY, putSeconds, 0, 0, maxOps, idlePut);
    if (watcher.failed() > 0) {
      System.out.printf("  WATCH FAILURES: %d watches of %s ended with an error (see above)%n", watcher.failed(),
          target.name());
      clean = false;
    }
    watcher.closeWatches();
    System.out.printf("  watch phase took %.0f s%n", (System.nanoTime() - started) / 1e9);
    return clean;
  }

  /** Opens a watch on each key and waits (bounded) until the node confirmed them; returns the seconds taken. */
  private double open(String[] keys) throws InterruptedException {
    long t0 = System.nanoTime();
    for (String key : keys) {
      watcher.watch(key, value -> {
        long now = System.nanoTime();
        DeliveryLatencies d = current.get();
        if (d != null) {
          d.arrived(value, now);
        }
      });
    }
    // Generous: the servers may need a while for thousands of watches on a 2-core machine.
    long deadline = t0 + TimeUnit.SECONDS.toNanos(60) + TimeUnit.MILLISECONDS.toNanos(10L * keys.length);
    // Counting confirmations walks every watch: every 20 ms is enough for a time reported to 0.1 s.
    while (watcher.established() + watcher.failed() < keys.length && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    int established = watcher.established();
    System.out.printf("  %d watch%s opened, %d confirmed in %.2f s%n", keys.length, keys.length == 1 ? "" : "es",
        established, seconds);
    if (established < keys.length) {
      System.out.printf("  WATCHES NOT CONFIRMED: %d of %d after %.0f s; measuring anyway%n",
          keys.length - established, keys.length, seconds);
      clean = false;
    }
    return seconds;
  }

  /** {@link #puts} puts to {@code keys} (put i to key i mod length), each event timed against its ack. */
  private void delivery(int watchCount, String[] keys) throws Exception {
    DeliveryLatencies lat = new DeliveryLatencies(puts);
    String servedBy = watcher.servedBy();   // before the puts: the leader may change, it is rare on loopback
    current.set(lat);
    long timeoutMs = opTimeout.toMillis();
    BenchRow putRow = runner.measure("put->" + watchCount + "w", DELIVERY_CONCURRENCY, DELIVERY_MAX_SECONDS, 0, 0,
        puts, (t, rnd, v) -> {
          int n = lat.nextPut();
          if (n < 0) {
            return false;
          }
          CompletableFuture<?> f = t.putAsync(keys[n % keys.length], lat.value(n, valueBytes));
          f.whenComplete((r, e) -> {
            if (e == null) {
              lat.acked(n, System.nanoTime());
            }
          });
          f.get(timeoutMs, TimeUnit.MILLISECONDS);
          return true;
        });
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STRAGGLER_MILLIS);
    while (!lat.caughtUp() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    current.set(null);
    DeliveryLatencies.Summary s = lat.summary();
    long[] l = s.latenciesNanos();
    WatchRows.Delivery row = new WatchRows.Delivery(run, target.name(), watchCount, servedBy, s.acked(), s.seen(),
        s.early(), s.unacked(), s.repeats(), s.foreign(), LatencySamples.percentileMs(l, 0.50),
        LatencySamples.percentileMs(l, 0.99), l.length == 0 ? Double.NaN : l[l.length - 1] / 1e6, putRow.errors());
    System.out.printf("  delivery with %d watch%s (served by %s): %d of %d events, p50 %.2f ms, p99 %.2f ms,"
        + " max %.1f ms, %d early: %s%n", watchCount, watchCount == 1 ? "" : "es", servedBy, s.seen(), s.acked(),
        row.p50Ms(), row.p99Ms(), row.maxMs(), s.early(), WatchRows.check(row));
    if (!row.exact()) {
      String loud = String.format("WATCH MISMATCH (%s, %d watches): %d acknowledged puts, %d events seen, %d repeated,"
          + " %d foreign", target.name(), watchCount, s.acked(), s.seen(), s.repeats(), s.foreign());
      System.out.println("  " + loud);
      System.err.println("bench: " + loud);
      clean = false;
    }
    append(row.toTsv());
  }

  /** The delivery and memory rows so far, as TSV lines ({@link WatchRows#tables} prints them). */
  List<String> rows() {
    return List.copyOf(rows);
  }

  private void append(String tsv) throws java.io.IOException {
    rows.add(tsv);
    if (results != null) {
      WatchRows.append(results, tsv);
    }
  }

  private static String fmt(double d) {
    return Double.isNaN(d) ? "?" : String.format(java.util.Locale.ROOT, "%.0f", d);
  }
}
