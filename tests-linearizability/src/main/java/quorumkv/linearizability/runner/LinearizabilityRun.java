package quorumkv.linearizability.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.connect.KvClients;
import quorumkv.linearizability.checker.LinearizabilityChecker;
import quorumkv.linearizability.checker.RegisterModel;
import quorumkv.linearizability.checker.Verdict;
import quorumkv.linearizability.checker.WatchChecker;
import quorumkv.linearizability.cluster.ClusterControl;
import quorumkv.linearizability.fault.FaultWindow;
import quorumkv.linearizability.history.History;
import quorumkv.linearizability.history.HistoryRecorder;
import quorumkv.linearizability.history.Operation;
import quorumkv.linearizability.history.OperationKind;
import quorumkv.linearizability.history.Outcome;
import quorumkv.linearizability.report.RunReport;
import quorumkv.linearizability.run.RunResult;
import quorumkv.linearizability.run.RunSettings;
import quorumkv.linearizability.run.Variant;
import quorumkv.linearizability.workload.Op;
import quorumkv.linearizability.workload.RegisterWorkload;

/**
 * Runs one Jepsen-style test: concurrent recording workers, a nemesis injecting the scheduled faults, a
 * watch on the run's keys through it all, then the checkers (linearizability of the history; the watch's
 * recording against the history) and a report. The cluster is healed at the end of every run.
 */
public final class LinearizabilityRun {
  private static final Logger LOG = LoggerFactory.getLogger(LinearizabilityRun.class);
  /** Bound on operations per worker, whatever the duration. */
  private static final int MAX_OPS_PER_WORKER = 200_000;

  private LinearizabilityRun() {}

  public static RunResult run(ClusterControl cluster, RunSettings s, Path reportDir) throws Exception {
    HistoryRecorder recorder = new HistoryRecorder();
    KvClientConfig config = KvClientConfig.builder().addresses(cluster.clientAddresses())
        .clusterId(cluster.clusterId()).deadline(s.opDeadline())
        .rpcTimeout(Duration.ofMillis(Math.min(1000, s.opDeadline().toMillis() / 2)))
        .writeBatching(s.writeBatching())
        .readBatching(s.writeBatching().equals(RunSettings.MOST_BATCHING) ? RunSettings.MOST_READ_BATCHING
            : KvClientConfig.ReadBatching.DEFAULT)
        .tls(cluster.workloadTls()).build();
    List<FaultWindow> windows = Collections.synchronizedList(new ArrayList<>());
    List<String> skipped = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    String keyPrefix = s.name() + "-" + start + "/";
    // The watch has a client of its own, with a deadline that outlasts any fault of a schedule (an election
    // included): a watch ending because no node took it for the workload's short deadline would be noise.
    KvClientConfig watchConfig = KvClientConfig.builder().addresses(cluster.clientAddresses())
        .clusterId(cluster.clusterId()).deadline(Duration.ofSeconds(60)).tls(cluster.workloadTls()).build();
    WatchChecker.WatchVerdict watchVerdict;
    WatchRecording watch = null;
    try (KvClient client = KvClients.connect(config);
        KvClient watchClient = KvClients.connect(watchConfig);
        StaleReads stale = s.variant() == Variant.STALE_LOCAL_READS ? StaleReads.open(cluster) : null) {
      watch = new WatchRecording(watchClient, keyPrefix, s.variant() == Variant.WATCH_DROPS_EVENTS);
      RecordingClient recording = new RecordingClient(client, recorder, s.variant(),
          stale == null ? RecordingClient.none() : stale, keyPrefix);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> workers = new ArrayList<>();
      for (int w = 0; w < s.workers(); w++) {
        int worker = w;
        RegisterWorkload.Generator gen = s.workload().generator(s.seed(), worker);
        Thread t = new Thread(() -> work(worker, s.workers(), gen, recording, stop), "lin-worker-" + w);
        t.start();
        workers.add(t);
      }
      Thread nemesis = new Thread(() -> Nemesis.run(cluster, s.schedule(), s.seed(), s.duration(), start, windows,
          skipped), "lin-nemesis");
      nemesis.start();
      nemesis.join(s.duration().plusSeconds(60).toMillis());
      long remaining = s.duration().toMillis() - (System.nanoTime() - start) / 1_000_000;
      if (remaining > 0) {
        Thread.sleep(remaining);
      }
      stop.set(true);
      for (Thread t : workers) {
        t.join(s.drain().toMillis());
        if (t.isAlive()) {
          t.interrupt();
          t.join(5_000);
        }
      }
      if (nemesis.isAlive()) {
        nemesis.interrupt();
        nemesis.join(10_000);
      }
      healed(cluster);
      watch.catchUp(client, Duration.ofSeconds(60));
    } finally {
      healed(cluster);
      if (watch != null) {
        watch.close();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    History history = recorder.history();
    watchVerdict = watch.verdict(history);
    Verdict verdict = new LinearizabilityChecker(s.checkTimeout()).check(history, RegisterModel.KV);
    List<FaultWindow> evidenced = new ArrayList<>();
    for (FaultWindow w : windows) {
      evidenced.add(withClientEvidence(w, history));
    }
    long ok = count(history, Outcome.OK);
    long fail = count(history, Outcome.FAIL);
    long info = count(history, Outcome.INFO) + count(history, Outcome.PENDING);
    RunResult result = new RunResult(s, history, verdict, watchVerdict, evidenced, List.copyOf(skipped), ok, fail, info, seconds, reportDir);
    RunReport.write(result, start);
    LOG.info("{}", result.summary());
    return result;
  }

  /** Heals every fault and restarts stopped nodes (idempotent). */
  private static void healed(ClusterControl cluster) throws Exception {
    cluster.healAll();
    for (int i = 0; i < cluster.size(); i++) {
      if (!cluster.isRunning(i)) {
        cluster.restart(i);
      }
    }
  }

  private static void work(int worker, int workers, RegisterWorkload.Generator gen, RecordingClient client,
      AtomicBoolean stop) {
    int process = worker;
    for (int i = 0; i < MAX_OPS_PER_WORKER && !stop.get() && !Thread.currentThread().isInterrupted(); i++) {
      Op op = gen.next();
      RecordingClient.Completion c = client.execute(process, op);
      if (c.indeterminate()) {
        process += workers; // as Jepsen: a process whose operation is unknown never issues another
      } else if (c.ok() || c.observed() != null) {
        gen.observe(op.key(), c.observed());
      }
    }
  }

  /** Adds what clients saw inside the window: ok and failed operations, the longest ok gap. */
  private static FaultWindow withClientEvidence(FaultWindow w, History history) {
    int ok = 0;
    int errors = 0;
    List<Long> okTimes = new ArrayList<>();
    for (Operation op : history.operations()) {
      if (op.completeNanos().isEmpty()) {
        continue;
      }
      long t = op.completeNanos().getAsLong();
      if (t < w.startNanos() || t > w.endNanos()) {
        continue;
      }
      if (op.outcome() == Outcome.OK) {
        ok++;
        okTimes.add(t);
      } else if (op.outcome() != Outcome.FAIL || op.kind() != OperationKind.CAS) {
        errors++;   // a failed CAS is a normal outcome (the value differed), not evidence of a fault
      }
    }
    Collections.sort(okTimes);
    long gap = 0;
    long prev = w.startNanos();
    for (long t : okTimes) {
      gap = Math.max(gap, t - prev);
      prev = t;
    }
    gap = Math.max(gap, w.endNanos() - prev);
    return new FaultWindow(w.kind(), w.description(), w.startNanos(), w.endNanos(), w.termBefore(), w.termAfter(),
        w.evidence(), ok, errors, gap / 1_000_000);
  }

  private static long count(History h, Outcome o) {
    return h.operations().stream().filter(op -> op.outcome() == o).count();
  }

}
