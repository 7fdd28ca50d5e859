package quorumkv.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Runs {@link BenchMain}'s phases against one target and records their rows: a phase is N closed-loop
 * workers running one operation for a time (and for a minimum of operations, if asked), measured for
 * throughput, latency percentiles, errors and the CPU time of the server processes, of this driver and of
 * everything else on the machine.
 */
final class PhaseRunner {
  /**
   * One operation of a worker; {@code rnd} is the worker's own random source. Returns false when there
   * was nothing left to do (the worker stops, nothing is recorded).
   */
  interface Op {
    boolean run(BenchTarget target, Random rnd, byte[] value) throws Exception;
  }

  private final String run;
  private final BenchTarget target;
  private final List<Long> pids;
  private final int valueBytes;
  private final Duration opTimeout;
  private final long maxOps;
  private final Path results;
  private final List<BenchRow> rows;
  private final long clockTicksPerSecond = clockTicks();

  PhaseRunner(String run, BenchTarget target, List<Long> pids, int valueBytes, Duration opTimeout, long maxOps,
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
    BenchRow row = measure(name, concurrency, seconds, minOps, extraSeconds, opCap, op);
    rows.add(row);
    if (results != null) {
      Files.writeString(results, row.toTsv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }

  /**
   * Runs a phase like {@link #phase} and prints its line, but records no row: for puts that serve another
   * measurement (the watch phase's delivery latency), whose own numbers are not the point.
   */
  BenchRow measure(String name, int concurrency, double seconds, long minOps, double extraSeconds, long opCap, Op op)
      throws Exception {
    return measure(name, concurrency, seconds, minOps, extraSeconds, opCap, op, worker -> target);
  }

  /**
   * Runs a phase like {@link #phase}, worker {@code w} calling {@code targetOfWorker.apply(w)}: separate
   * clients, one per worker (the "many clients" phase), instead of the runner's one shared target.
   */
  void phase(String name, int concurrency, double seconds, Op op, IntFunction<BenchTarget> targetOfWorker)
      throws Exception {
    BenchRow row = measure(name, concurrency, seconds, 0, 0, maxOps, op, targetOfWorker);
    rows.add(row);
    if (results != null) {
      Files.writeString(results, row.toTsv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }

  private BenchRow measure(String name, int concurrency, double seconds, long minOps, double extraSeconds, long opCap,
      Op op, IntFunction<BenchTarget> targetOfWorker) throws Exception {
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
      BenchTarget workerTarget = targetOfWorker.apply(w);
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
            if (!op.run(workerTarget, rnd, value)) {
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
    RssSampler rss = new RssSampler(pids);
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
    double maxRssMiB = rss.stop();
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
    double stealCores = -1;
    if (before.machineStealTicks() >= 0 && after.machineStealTicks() >= 0) {
      stealCores = (after.machineStealTicks() - before.machineStealTicks()) / tick / elapsed;
    }
    if (serverCpu >= 0 && driverCpu >= 0 && stealCores >= 0) {
      // Busy time counts steal (the total does, idle does not): it is reported apart, not as others' work.
      long busy = (after.machineTotalTicks() - after.machineIdleTicks())
          - (before.machineTotalTicks() - before.machineIdleTicks());
      otherCores = Math.max(0, busy / tick - serverCpu - driverCpu - stealCores * elapsed) / elapsed;
    }
    BenchRow row = new BenchRow(run, target.name(), name, concurrency, sorted.length, errors.get(), elapsed,
        LatencySamples.percentileMs(sorted, 0.50), LatencySamples.percentileMs(sorted, 0.99),
        sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6, serverCpu, driverCpu, otherCores,
        stealCores, maxRssMiB);
    System.out.printf("  %-10s c=%-3d %8.0f ops/s  p50 %7.2f ms  p99 %7.2f ms  max %8.1f ms  errors %d  srv CPU %.3f ms/op"
        + "  steal %.2f  RSS %.0f MiB%n", name, concurrency, row.opsPerSecond(), row.p50Ms(), row.p99Ms(), row.maxMs(),
        row.errors(), row.serverCpuMsPerOp(), stealCores, maxRssMiB);
    Thread.sleep(1000);   // let late replies and background work settle before the next phase
    return row;
  }

  /**
   * The largest resident set of any one of the server processes, read from {@code /proc/PID/status} every
   * second on a daemon thread until {@link #stop}: the memory bound is per node.
   */
  private static final class RssSampler {
    private final List<Long> pids;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long maxBytes = -1;

    RssSampler(List<Long> pids) {
      this.pids = pids;
      this.thread = new Thread(this::loop, "bench-rss");
      thread.setDaemon(true);
      if (!pids.isEmpty()) {
        thread.start();
      }
    }

    private void loop() {
      while (!stopped) {
        sample();
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void sample() {
      for (long pid : pids) {
        long b = ServerMemory.rss(pid);
        if (b > maxBytes) {
          maxBytes = b;
        }
      }
    }

    /** Stops sampling (after one last sample); the largest RSS seen in MiB, or -1 if none was read. */
    double stop() throws InterruptedException {
      stopped = true;
      thread.interrupt();
      thread.join(5000);
      sample();
      return maxBytes < 0 ? -1 : maxBytes / (1024.0 * 1024.0);
    }
  }

  /** USER_HZ: 100 on every Linux we run on; {@code -Dbench.clk-tck} (bin/bench passes getconf CLK_TCK) overrides. */
  private static long clockTicks() {
    return Long.getLong("bench.clk-tck", 100L);
  }
}
