package quorumkv.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives one running cluster (started by {@code bin/bench}) through the benchmark's phases and prints
 * one row per phase. Usage:
 *
 * <pre>
 * BenchMain --system quorumkv|etcd --endpoints A,B,C [--server-pids P1,P2,P3] [--concurrency 1,16,64]
 *           [--warmup-seconds 40] [--warmup-min-ops 20000] [--put-seconds 20] [--get-seconds 10] [--keys 1000] [--value-bytes 1024]
 *           [--op-timeout-ms 10000] [--max-ops-per-phase 5000000] [--results FILE.tsv] [--run LABEL]
 *           [--write-batching default|off|MAXxINFLIGHT]
 * </pre>
 *
 * QuorumKV endpoints are Raft addresses (host:port), etcd endpoints client URLs (http://host:port).
 *
 * <p>Workload: closed loop, N workers each with one blocking operation in flight, keys uniform over
 * {@code --keys}, values of {@code --value-bytes} random bytes. Phases: preload (every key written
 * once, so every get finds its key), warm-up (puts for two thirds of the warm-up time, then gets for a
 * third, at the highest concurrency, each going on until it has also done {@code --warmup-min-ops}
 * operations, for at most 90 s more: JIT compilation in the server JVMs needs tens of seconds and tens of
 * thousands of operations, and a system that starts slow would otherwise warm up less), then measured puts
 * at each concurrency, then measured linearizable gets at each concurrency. Each worker stops at the
 * phase's end time or at its share of {@code --max-ops-per-phase}, whichever comes first; a failed
 * operation counts as an error and the worker pauses 5 ms before its next one.
 */
public final class BenchMain {
  private BenchMain() {}

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("system", "");
    DEFAULTS.put("endpoints", "");
    DEFAULTS.put("server-pids", "");
    DEFAULTS.put("concurrency", "1,16,64");
    DEFAULTS.put("warmup-seconds", "40");
    DEFAULTS.put("warmup-min-ops", "20000");
    DEFAULTS.put("put-seconds", "20");
    DEFAULTS.put("get-seconds", "10");
    DEFAULTS.put("keys", "1000");
    DEFAULTS.put("value-bytes", "1024");
    DEFAULTS.put("op-timeout-ms", "10000");
    DEFAULTS.put("max-ops-per-phase", "5000000");
    DEFAULTS.put("results", "");
    DEFAULTS.put("run", "run");
    DEFAULTS.put("write-batching", "default");
  }

  /**
   * One operation of a worker; {@code rnd} is the worker's own random source. Returns false when there
   * was nothing left to do (the worker stops, nothing is recorded).
   */
  private interface Op {
    boolean run(BenchTarget target, Random rnd, byte[] value) throws Exception;
  }

  private static Op put(int keys) {
    return (t, rnd, v) -> {
      t.put(rnd.nextInt(keys), v);
      return true;
    };
  }

  private static Op get(int keys) {
    return (t, rnd, v) -> {
      t.get(rnd.nextInt(keys));
      return true;
    };
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = parse(argv);
    String system = a.get("system");
    List<String> endpoints = csv(a.get("endpoints"));
    if (endpoints.isEmpty() || !(system.equals("quorumkv") || system.equals("etcd"))) {
      usage("--system quorumkv|etcd and --endpoints are required");
    }
    List<Long> pids = new ArrayList<>();
    for (String p : csv(a.get("server-pids"))) {
      pids.add(Long.parseLong(p));
    }
    int[] concurrency = csv(a.get("concurrency")).stream().mapToInt(Integer::parseInt).toArray();
    int keys = Integer.parseInt(a.get("keys"));
    int valueBytes = Integer.parseInt(a.get("value-bytes"));
    Duration opTimeout = Duration.ofMillis(Long.parseLong(a.get("op-timeout-ms")));
    long maxOps = Long.parseLong(a.get("max-ops-per-phase"));
    double warmup = Double.parseDouble(a.get("warmup-seconds"));
    long warmupMinOps = Long.parseLong(a.get("warmup-min-ops"));
    double putSeconds = Double.parseDouble(a.get("put-seconds"));
    double getSeconds = Double.parseDouble(a.get("get-seconds"));
    if (concurrency.length == 0 || Arrays.stream(concurrency).anyMatch(c -> c < 1 || c > 1024) || keys < 1
        || valueBytes < 0 || maxOps < 1 || warmup < 0 || putSeconds <= 0 || getSeconds <= 0) {
      usage("bad numbers");
    }
    Path results = a.get("results").isEmpty() ? null : Path.of(a.get("results"));
    String run = a.get("run");
    int maxConcurrency = Arrays.stream(concurrency).max().getAsInt();

    List<BenchRow> rows = new ArrayList<>();
    try (BenchTarget target = system.equals("etcd")
        ? new EtcdTarget(endpoints, keys, opTimeout)
        : new QuorumKvTarget(endpoints, keys, opTimeout, QuorumKvTarget.writeBatching(a.get("write-batching")))) {
      Runner runner = new Runner(run, target, pids, valueBytes, opTimeout, maxOps, results, rows);
      System.out.printf("%s: %s, %d keys, %d-byte values, concurrency %s, warm-up %.0f s, puts %.0f s, gets %.0f s%n",
          system, endpoints, keys, valueBytes, Arrays.toString(concurrency), warmup, putSeconds, getSeconds);

      // Preload: every key once (retried up to 3 times), so that every later get finds its key.
      AtomicInteger nextKey = new AtomicInteger();
      runner.phase("preload", Math.min(maxConcurrency, 16), 120, 0, 0, keys, (t, rnd, v) -> {
        int k = nextKey.getAndIncrement();
        if (k >= keys) {
          return false;
        }
        for (int attempt = 1; ; attempt++) {
          try {
            t.put(k, v);
            return true;
          } catch (Exception e) {
            if (attempt == 3) {
              throw e;
            }
          }
        }
      });
      if (warmup > 0) {
        runner.phase("warmup-put", maxConcurrency, warmup * 2 / 3, warmupMinOps, 90, maxOps,
            put(keys));
        runner.phase("warmup-get", maxConcurrency, warmup / 3, warmupMinOps, 90, maxOps,
            get(keys));
      }
      for (int c : concurrency) {
        runner.phase("put", c, putSeconds, 0, 0, maxOps, put(keys));
      }
      for (int c : concurrency) {
        runner.phase("get", c, getSeconds, 0, 0, maxOps, get(keys));
      }
    }
    System.out.println();
    System.out.print(BenchRow.table(rows));
  }

  /** Runs phases against one target and records their rows. */
  private static final class Runner {
    private final String run;
    private final BenchTarget target;
    private final List<Long> pids;
    private final int valueBytes;
    private final Duration opTimeout;
    private final long maxOps;
    private final Path results;
    private final List<BenchRow> rows;
    private final long clockTicksPerSecond = clockTicks();

    Runner(String run, BenchTarget target, List<Long> pids, int valueBytes, Duration opTimeout, long maxOps,
        Path results, List<BenchRow> rows) {
      this.run = run;
      this.target = target;
      this.pids = pids;
      this.valueBytes = valueBytes;
      this.opTimeout = opTimeout;
      this.maxOps = maxOps;
      this.results = results;
      this.rows = rows;
    }

    /**
     * Runs {@code op} in {@code concurrency} workers for {@code seconds}; if fewer than {@code minOps}
     * succeeded by then, goes on until they have, for at most {@code extraSeconds} more. {@code opCap}
     * bounds the operations of the phase.
     */
    void phase(String name, int concurrency, double seconds, long minOps, double extraSeconds, long opCap, Op op)
        throws Exception {
      long perWorker = Math.max(1, Math.min(opCap, maxOps) / concurrency + (Math.min(opCap, maxOps) % concurrency == 0 ? 0 : 1));
      List<LatencySamples> samples = new ArrayList<>();
      AtomicLong errors = new AtomicLong();
      AtomicLong succeeded = new AtomicLong();
      AtomicLong firstErrorLogged = new AtomicLong();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      long durationNanos = (long) (seconds * 1e9);
      long extraNanos = (long) (extraSeconds * 1e9);
      long[] endAt = new long[1];
      for (int w = 0; w < concurrency; w++) {
        LatencySamples s = new LatencySamples();
        samples.add(s);
        long seed = ThreadLocalRandom.current().nextLong();
        Thread t = new Thread(() -> {
          Random rnd = new Random(seed);
          byte[] value = new byte[valueBytes];
          rnd.nextBytes(value);
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          long end = endAt[0];
          long hardEnd = end + extraNanos;
          for (long n = 0; n < perWorker && !Thread.currentThread().isInterrupted(); n++) {
            long t0 = System.nanoTime();
            if (t0 >= hardEnd || (t0 >= end && succeeded.get() >= minOps)) {
              break;
            }
            try {
              if (!op.run(target, rnd, value)) {
                break;
              }
              s.add(System.nanoTime() - t0);
              succeeded.incrementAndGet();
            } catch (Exception e) {
              errors.incrementAndGet();
              if (firstErrorLogged.getAndIncrement() < 3) {
                System.out.printf("  %s c=%d: error: %s%n", name, concurrency, e);
              }
              try {
                Thread.sleep(5);
              } catch (InterruptedException ie) {
                return;
              }
            }
          }
        }, "bench-" + name + "-" + w);
        t.setDaemon(true);
        workers.add(t);
        t.start();
      }
      ProcCpu.Reading before = ProcCpu.read(pids);
      endAt[0] = before.nanos() + durationNanos;
      start.countDown();
      // Every worker ends by the phase end plus one operation timeout; a generous bound beyond that.
      long joinDeadline = System.nanoTime() + durationNanos + extraNanos + opTimeout.toNanos()
          + TimeUnit.SECONDS.toNanos(10);
      for (Thread t : workers) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
      }
      ProcCpu.Reading after = ProcCpu.read(pids);
      for (Thread t : workers) {
        if (t.isAlive()) {
          System.out.printf("  %s c=%d: worker %s still running past its bound; interrupted%n", name, concurrency, t.getName());
          t.interrupt();
        }
      }
      double elapsed = (after.nanos() - before.nanos()) / 1e9;
      long[] sorted = LatencySamples.mergeSorted(samples);
      double tick = clockTicksPerSecond;
      double serverCpu = before.serverTicks() < 0 || after.serverTicks() < 0 ? -1
          : (after.serverTicks() - before.serverTicks()) / tick;
      double driverCpu = before.driverTicks() < 0 || after.driverTicks() < 0 ? -1
          : (after.driverTicks() - before.driverTicks()) / tick;
      double otherCores = -1;
      if (serverCpu >= 0 && driverCpu >= 0 && before.machineTotalTicks() >= 0 && after.machineTotalTicks() >= 0) {
        long busy = (after.machineTotalTicks() - after.machineIdleTicks())
            - (before.machineTotalTicks() - before.machineIdleTicks());
        otherCores = Math.max(0, busy / tick - serverCpu - driverCpu) / elapsed;
      }
      BenchRow row = new BenchRow(run, target.name(), name, concurrency, sorted.length, errors.get(), elapsed,
          LatencySamples.percentileMs(sorted, 0.50), LatencySamples.percentileMs(sorted, 0.99),
          sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6, serverCpu, driverCpu, otherCores);
      rows.add(row);
      System.out.printf("  %-10s c=%-3d %8.0f ops/s  p50 %7.2f ms  p99 %7.2f ms  max %8.1f ms  errors %d  srv CPU %.3f ms/op%n",
          name, concurrency, row.opsPerSecond(), row.p50Ms(), row.p99Ms(), row.maxMs(), row.errors(),
          row.serverCpuMsPerOp());
      if (results != null) {
        Files.writeString(results, row.toTsv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
      Thread.sleep(1000);   // let late replies and background work settle before the next phase
    }
  }

  /** USER_HZ: 100 on every Linux we run on; {@code -Dbench.clk-tck} (bin/bench passes getconf CLK_TCK) overrides. */
  private static long clockTicks() {
    return Long.getLong("bench.clk-tck", 100L);
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> m = new LinkedHashMap<>(DEFAULTS);
    for (int i = 0; i < argv.length; i++) {
      String arg = argv[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        usage(null);
      }
      if (!arg.startsWith("--")) {
        usage("unexpected argument " + arg);
      }
      String key = arg.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < argv.length) {
        value = argv[++i];
      } else {
        usage("missing value for " + arg);
        return m;
      }
      if (!m.containsKey(key)) {
        usage("unknown option --" + key);
      }
      m.put(key, value);
    }
    return m;
  }

  private static List<String> csv(String s) {
    List<String> out = new ArrayList<>();
    for (String p : s.split(",")) {
      if (!p.isBlank()) {
        out.add(p.trim());
      }
    }
    return out;
  }

  private static void usage(String error) {
    if (error != null) {
      System.err.println("bench: " + error);
    }
    System.err.println("usage: BenchMain --system quorumkv|etcd --endpoints A,B,C [--server-pids P,P,P]");
    DEFAULTS.forEach((k, v) -> System.err.printf("  --%s %s%n", k, v.isEmpty() ? "" : "(default " + v + ")"));
    System.exit(2);
  }
}
