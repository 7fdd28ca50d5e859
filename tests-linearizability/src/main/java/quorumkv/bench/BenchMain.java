package quorumkv.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Drives one running cluster (started by {@code bin/bench}) through the benchmark's phases and prints
 * one row per phase. Usage:
 *
 * <pre>
 * BenchMain --system quorumkv|etcd --endpoints A,B,C [--server-pids P1,P2,P3] [--concurrency 1,16,64]
 *           [--warmup-seconds 40] [--warmup-min-ops 20000] [--put-seconds 20] [--get-seconds 10] [--keys 1000] [--value-bytes 1024]
 *           [--op-timeout-ms 10000] [--max-ops-per-phase 5000000] [--results FILE.tsv] [--run LABEL]
 *           [--write-batching default|off|MAXxINFLIGHT] [--read-batching default|off|MAXxINFLIGHT] [--phases put,get,watch] [--watches 10000]
 *           [--watch-puts 2000] [--watch-results FILE.tsv]
 * </pre>
 *
 * Flags are parsed by picocli ({@code --flag value} or {@code --flag=value}; {@code --help} lists them with
 * their defaults); a usage error exits with status 2.
 * QuorumKV endpoints are Raft addresses (host:port), etcd endpoints client URLs (http://host:port).
 *
 * <p>Workload: closed loop, N workers each with one blocking operation in flight, keys uniform over
 * {@code --keys}, values of {@code --value-bytes} random bytes. Phases: preload (every key written
 * once, so every get finds its key), warm-up (puts for two thirds of the warm-up time, then gets for a
 * third, at the highest concurrency, each going on until it has also done {@code --warmup-min-ops}
 * operations, for at most 90 s more: JIT compilation in the server JVMs needs tens of seconds and tens of
 * thousands of operations, and a system that starts slow would otherwise warm up less), then measured puts
 * at each concurrency, then measured linearizable gets at each concurrency, then the watch phase
 * ({@link WatchPhase}: delivery latency with 1 and with {@code --watches} watches, puts with and without
 * that many idle watches, memory per idle watch); {@code --phases} picks which measured phases run. Each worker stops at the
 * phase's end time or at its share of {@code --max-ops-per-phase}, whichever comes first; a failed
 * operation counts as an error and the worker pauses 5 ms before its next one.
 */
@Command(name = "BenchMain", sortOptions = false, usageHelpAutoWidth = true,
    description = "Drives one running cluster through the benchmark's phases (bin/bench runs it).")
public final class BenchMain implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Option(names = "--system", paramLabel = "quorumkv|etcd", defaultValue = "",
      description = "the system the endpoints belong to (required)")
  String system;

  @Option(names = "--endpoints", paramLabel = "ENDPOINT", split = ",",
      description = "QuorumKV: Raft addresses host:port; etcd: client URLs http://host:port (required)")
  List<String> endpoints;

  @Option(names = "--tls-dir", paramLabel = "DIR",
      description = "the development CA's directory (ca.pem, app.pem, app.key) for mutual TLS with the client"
          + " certificate app; without it the client talks plaintext (QuorumKV started with"
          + " quorumkv.insecure-plaintext=true, etcd without TLS)")
  java.nio.file.Path tlsDir;

  @Option(names = "--server-pids", paramLabel = "PID", split = ",",
      description = "the server processes whose CPU time each phase reports")
  List<Long> serverPids;

  @Option(names = "--concurrency", paramLabel = "N", split = ",", defaultValue = "1,16,64",
      description = "workers of each measured put and get phase, 1 to 1024 (default ${DEFAULT-VALUE})")
  List<Integer> concurrency;

  @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "40",
      description = "warm-up: puts for two thirds, gets for a third; 0 for none (default ${DEFAULT-VALUE})")
  double warmupSeconds;

  @Option(names = "--warmup-min-ops", paramLabel = "N", defaultValue = "20000",
      description = "each warm-up phase goes on until this many operations, for at most 90 s more"
          + " (default ${DEFAULT-VALUE})")
  long warmupMinOps;

  @Option(names = "--put-seconds", paramLabel = "S", defaultValue = "20",
      description = "length of each measured put phase (default ${DEFAULT-VALUE})")
  double putSeconds;

  @Option(names = "--get-seconds", paramLabel = "S", defaultValue = "10",
      description = "length of each measured get phase (default ${DEFAULT-VALUE})")
  double getSeconds;

  @Option(names = "--keys", paramLabel = "N", defaultValue = "1000",
      description = "keys, drawn uniformly (default ${DEFAULT-VALUE})")
  int keys;

  @Option(names = "--value-bytes", paramLabel = "N", defaultValue = "1024",
      description = "size of each value (default ${DEFAULT-VALUE})")
  int valueBytes;

  @Option(names = "--op-timeout-ms", paramLabel = "MS", defaultValue = "10000",
      description = "deadline of one operation (default ${DEFAULT-VALUE})")
  long opTimeoutMs;

  @Option(names = "--max-ops-per-phase", paramLabel = "N", defaultValue = "5000000",
      description = "bound on the operations of one phase (default ${DEFAULT-VALUE})")
  long maxOpsPerPhase;

  @Option(names = "--results", paramLabel = "FILE.tsv", defaultValue = "",
      description = "append one TSV row per phase to this file (BenchTable prints them)")
  String results;

  @Option(names = "--run", paramLabel = "LABEL", defaultValue = "run",
      description = "the run's label in every row (default ${DEFAULT-VALUE})")
  String run;

  @Option(names = "--write-batching", paramLabel = "default|off|MAXxINFLIGHT", defaultValue = "default",
      description = "QuorumKV: the client's write batching, e.g. 64x4 (default ${DEFAULT-VALUE})")
  String writeBatching;

  @Option(names = "--read-batching", paramLabel = "default|off|MAXxINFLIGHT", defaultValue = "default",
      description = "QuorumKV: the client's coalescing of concurrent linearizable gets into shared requests, e.g."
          + " 64x4 (default ${DEFAULT-VALUE})")
  String readBatching;

  @Option(names = "--server-group-commit", paramLabel = "on|off", defaultValue = "on",
      description = "QuorumKV: writes through the nodes' write service, where the leader combines clients' writes"
          + " into shared entries (on), or one Raft request per write call (off) (default ${DEFAULT-VALUE})")
  String serverGroupCommit;

  @Option(names = "--phases", paramLabel = "PHASE", split = ",", defaultValue = "put,get,clients,watch",
      description = "measured phases, of put, get, clients and watch; preload and warm-up always run"
          + " (default ${DEFAULT-VALUE})")
  List<String> phases;

  @Option(names = "--clients", paramLabel = "N", split = ",", defaultValue = "16,64",
      description = "clients phase: separate clients, each with one put in flight, 1 to 1024"
          + " (default ${DEFAULT-VALUE})")
  List<Integer> clients;

  @Option(names = "--watches", paramLabel = "N", defaultValue = "10000",
      description = "watch phase: idle watches opened at once (default ${DEFAULT-VALUE})")
  int watches;

  @Option(names = "--watch-puts", paramLabel = "N", defaultValue = "2000",
      description = "watch phase: puts per delivery-latency measurement (default ${DEFAULT-VALUE})")
  int watchPuts;

  @Option(names = "--watch-results", paramLabel = "FILE.tsv", defaultValue = "",
      description = "append the watch phase's delivery and memory rows to this file (BenchTable --watch prints them)")
  String watchResults;

  private static final List<String> PHASES = List.of("put", "get", "clients", "watch");

  /** False when the watch phase saw a mismatch or a failed watch: said again under the table. */
  private boolean watchesClean = true;
  private List<String> watchRows = List.of();

  boolean runs(String phase) {
    return phases.contains(phase);
  }

  private static PhaseRunner.Op put(int keys) {
    return (t, rnd, v) -> {
      t.put(rnd.nextInt(keys), v);
      return true;
    };
  }

  private static PhaseRunner.Op get(int keys) {
    return (t, rnd, v) -> {
      t.get(rnd.nextInt(keys));
      return true;
    };
  }

  public static void main(String[] argv) {
    System.exit(commandLine().execute(argv));
  }

  /** The command line: a usage error prints "bench: ERROR" and the usage to stderr, and gives status 2. */
  static CommandLine commandLine() {
    return new CommandLine(new BenchMain()).setParameterExceptionHandler((e, args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("bench: " + e.getMessage());
      e.getCommandLine().usage(err);
      return CommandLine.ExitCode.USAGE;
    });
  }

  /** The endpoints given, blanks left out. */
  List<String> endpoints() {
    return endpoints == null ? List.of() : endpoints.stream().map(String::trim).filter(e -> !e.isEmpty()).toList();
  }

  /** The server pids given, or none. */
  List<Long> serverPids() {
    return serverPids == null ? List.of() : List.copyOf(serverPids);
  }

  /** Where to append result rows, or null. */
  Path resultsFile() {
    return results.isEmpty() ? null : Path.of(results);
  }

  /** Checks what picocli cannot: the system, and numbers in range. */
  void validate() {
    if (endpoints().isEmpty() || !(system.equals("quorumkv") || system.equals("etcd"))) {
      throw new ParameterException(spec.commandLine(), "--system quorumkv|etcd and --endpoints are required");
    }
    if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1 || c > 1024) || keys < 1
        || valueBytes < 0 || maxOpsPerPhase < 1 || warmupSeconds < 0 || putSeconds <= 0 || getSeconds <= 0
        || watches < 1 || watchPuts < 1 || clients.isEmpty() || clients.stream().anyMatch(c -> c < 1 || c > 1024)) {
      throw new ParameterException(spec.commandLine(), "bad numbers");
    }
    if (!serverGroupCommit.equals("on") && !serverGroupCommit.equals("off")) {
      throw new ParameterException(spec.commandLine(), "--server-group-commit: on or off, got " + serverGroupCommit);
    }
    if (phases.isEmpty() || !PHASES.containsAll(phases)) {
      throw new ParameterException(spec.commandLine(), "--phases: a list of " + String.join(",", PHASES)
          + ", got " + String.join(",", phases));
    }
  }

  @Override
  public Integer call() throws Exception {
    validate();
    List<String> endpoints = endpoints();
    List<Long> pids = serverPids();
    int[] concurrency = this.concurrency.stream().mapToInt(Integer::intValue).toArray();
    int keys = this.keys;
    Duration opTimeout = Duration.ofMillis(opTimeoutMs);
    long maxOps = maxOpsPerPhase;
    double warmup = warmupSeconds;
    Path results = resultsFile();
    int maxConcurrency = Arrays.stream(concurrency).max().getAsInt();

    List<BenchRow> rows = new ArrayList<>();
    try (BenchTarget target = newTarget()) {
      PhaseRunner runner = new PhaseRunner(run, target, pids, valueBytes, opTimeout, maxOps, results, rows);
      System.out.printf("%s: %s, %d keys, %d-byte values, concurrency %s, warm-up %.0f s, puts %.0f s, gets %.0f s,"
          + " phases %s, %d watches, %d puts per delivery measurement%n", system, endpoints, keys, valueBytes,
          Arrays.toString(concurrency), warmup, putSeconds, getSeconds, String.join(",", phases), watches, watchPuts);

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
      for (int c : runs("put") ? concurrency : new int[0]) {
        runner.phase("put", c, putSeconds, 0, 0, maxOps, put(keys));
      }
      for (int c : runs("get") ? concurrency : new int[0]) {
        runner.phase("get", c, getSeconds, 0, 0, maxOps, get(keys));
      }
      for (int n : runs("clients") ? this.clients.stream().mapToInt(Integer::intValue).toArray() : new int[0]) {
        manyClients(runner, n);
      }
      if (runs("watch")) {
        try (WatchClient watcher = watchClient()) {
          WatchPhase phase = new WatchPhase(run, target, watcher, runner, pids, system.equals("quorumkv"), watches,
              watchPuts, valueBytes, putSeconds, opTimeout, maxOps, watchResults.isEmpty() ? null
              : Path.of(watchResults));
          watchesClean = phase.run(put(keys));
          watchRows = phase.rows();
        }
      }
    }
    System.out.println();
    System.out.print(BenchRow.table(rows));
    if (!watchRows.isEmpty()) {
      System.out.println();
      System.out.print(WatchRows.tables(watchRows));
    }
    if (!watchesClean) {
      System.out.println("bench: the watch phase saw missing, repeated or foreign events, or failed watches: see above");
    }
    return 0;
  }

  /** A new client of the system under test, as every phase's workers use it. */
  private BenchTarget newTarget() throws javax.net.ssl.SSLException {
    return system.equals("etcd") ? new EtcdTarget(endpoints(), keys, Duration.ofMillis(opTimeoutMs), tlsDir)
        : new QuorumKvTarget(endpoints(), keys, Duration.ofMillis(opTimeoutMs),
            QuorumKvTarget.writeBatching(writeBatching), QuorumKvTarget.readBatching(readBatching), qkvTls(),
            serverGroupCommit.equals("on"));
  }

  /**
   * The "many clients" phase: {@code n} separate clients (QuorumKV: {@code KvClient}s, each with its own
   * session; etcd: jetcd {@code Client}s), each with one put in flight, as {@code n} service instances each
   * embedding a client would write. Nothing a client batches can help here: only what the servers share
   * across clients. The clients connect (and find the leader with one put each) before the phase starts.
   */
  private void manyClients(PhaseRunner runner, int n) throws Exception {
    List<BenchTarget> own = new ArrayList<>();
    try {
      byte[] first = new byte[valueBytes];
      for (int i = 0; i < n; i++) {
        BenchTarget t = newTarget();
        own.add(t);
        t.put(i % keys, first);
      }
      runner.phase("clients", n, putSeconds, put(keys), own::get);
    } finally {
      for (BenchTarget t : own) {
        t.close();
      }
    }
  }

  /** The watch phase's own client (apart from the target's, which puts), for the same system and TLS. */
  private WatchClient watchClient() throws javax.net.ssl.SSLException {
    return system.equals("etcd") ? new EtcdWatchClient(endpoints(), tlsDir)
        : new QuorumKvWatchClient(endpoints(), Duration.ofMillis(opTimeoutMs), qkvTls());
  }

  private quorumkv.client.KvClientConfig.Tls qkvTls() {
    return tlsDir == null ? quorumkv.client.KvClientConfig.Tls.PLAINTEXT : quorumkv.client.KvClientConfig.Tls.of(
        tlsDir.resolve("ca.pem"), tlsDir.resolve("app.pem"), tlsDir.resolve("app.key"));
  }
}
