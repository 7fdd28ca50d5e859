package quorumkv.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import quorumkv.client.KvClientConfig;

/**
 * bin/bench's failover phase against one running cluster that bin/bench started and can fault (see
 * {@link NodeControl} for the control directory, {@link FailoverPhase} for a round). The writer goes
 * through each system's normal client with every endpoint: QuorumKV's KvClient, jetcd.
 */
@Command(name = "FailoverMain", sortOptions = false, usageHelpAutoWidth = true,
    description = "Measures failover of one running cluster (bin/bench --failover runs it).")
public final class FailoverMain implements Callable<Integer> {
  static final List<String> FAULTS = List.of("kill", "stop", "isolate");

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Option(names = "--system", paramLabel = "quorumkv|etcd", defaultValue = "",
      description = "the system the endpoints belong to (required)")
  String system;

  @Option(names = "--endpoints", paramLabel = "ENDPOINT", split = ",",
      description = "QuorumKV: Raft addresses host:port; etcd: client URLs http://host:port, in member order (required)")
  List<String> endpoints;

  @Option(names = "--status", paramLabel = "HOST:HTTP/OPS", split = ",",
      description = "QuorumKV: each member's HTTP and operations ports, e.g. 127.0.0.1:8081/9081, in member order")
  List<String> status;

  @Option(names = "--control", paramLabel = "DIR", description = "bin/bench's control directory (required)")
  Path control;

  @Option(names = "--layout", paramLabel = "loopback|netns", defaultValue = "loopback",
      description = "where the members run, for the table (default ${DEFAULT-VALUE})")
  String layout;

  @Option(names = "--faults", paramLabel = "FAULT", split = ",", defaultValue = "kill,stop,isolate",
      description = "faults of the leader, of kill, stop and isolate (default ${DEFAULT-VALUE})")
  List<String> faults;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "10",
      description = "rounds of each fault; 0 for only the quiet run (default ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--quiet-minutes", paramLabel = "M", defaultValue = "0",
      description = "then M minutes of the writer with no fault, counting elections; 0: none (default ${DEFAULT-VALUE})")
  double quietMinutes;

  @Option(names = "--write-interval-ms", paramLabel = "MS", defaultValue = "10",
      description = "one write every MS milliseconds (default ${DEFAULT-VALUE})")
  long intervalMs;

  @Option(names = "--max-outstanding", paramLabel = "N", defaultValue = "500",
      description = "writes in flight at most; a tick beyond is counted as unsent (default ${DEFAULT-VALUE})")
  int maxOutstanding;

  @Option(names = "--op-timeout-ms", paramLabel = "MS", defaultValue = "10000",
      description = "deadline of one write (default ${DEFAULT-VALUE})")
  long opTimeoutMs;

  @Option(names = "--results", paramLabel = "FILE.tsv", defaultValue = "",
      description = "append one TSV row per round to this file (BenchTable --failover prints them)")
  String results;

  @Option(names = "--run", paramLabel = "LABEL", defaultValue = "run",
      description = "the run's label in every row (default ${DEFAULT-VALUE})")
  String run;

  public static void main(String[] argv) {
    System.exit(commandLine().execute(argv));
  }

  static CommandLine commandLine() {
    return new CommandLine(new FailoverMain()).setParameterExceptionHandler((e, args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("bench: " + e.getMessage());
      e.getCommandLine().usage(err);
      return CommandLine.ExitCode.USAGE;
    });
  }

  /** Checks what picocli cannot. */
  void validate() {
    if (endpoints == null || endpoints.size() < 3 || control == null
        || !(system.equals("quorumkv") || system.equals("etcd"))) {
      throw new ParameterException(spec.commandLine(), "--system quorumkv|etcd, three or more --endpoints and"
          + " --control are required");
    }
    if (system.equals("quorumkv") && (status == null || status.size() != endpoints.size())) {
      throw new ParameterException(spec.commandLine(), "quorumkv: --status HOST:HTTP/OPS for every member");
    }
    if (faults.isEmpty() || !FAULTS.containsAll(faults)) {
      throw new ParameterException(spec.commandLine(), "--faults: a list of " + String.join(",", FAULTS)
          + ", got " + String.join(",", faults));
    }
    if (rounds == 0 && quietMinutes == 0) {
      throw new ParameterException(spec.commandLine(), "nothing to measure: --rounds 0 and no --quiet-minutes");
    }
    if (rounds < 0 || quietMinutes < 0 || intervalMs < 1 || maxOutstanding < 1 || opTimeoutMs < 1) {
      throw new ParameterException(spec.commandLine(), "bad numbers");
    }
  }

  @Override
  public Integer call() throws Exception {
    validate();
    Duration timeout = Duration.ofMillis(opTimeoutMs);
    List<FailoverRound> rows;
    try (NodeControl nodes = new NodeControl(control);
        BenchTarget target = system.equals("etcd") ? new EtcdTarget(endpoints, 1, timeout, null)
        : new QuorumKvTarget(endpoints, 1, timeout, KvClientConfig.WriteBatching.DEFAULT,
            KvClientConfig.ReadBatching.DEFAULT,
            KvClientConfig.Tls.PLAINTEXT, KvClientConfig.DEFAULT_SERVER_GROUP_COMMIT);
        ClusterProbe probe = system.equals("etcd") ? new EtcdProbe(endpoints) : new QuorumKvProbe(status)) {
      List<String> run = new ArrayList<>(faults);
      if (run.contains("isolate") && !nodes.canIsolate()) {
        System.out.println(system + ": isolate skipped: the members do not run in network namespaces (needs root)");
        run.remove("isolate");
      }
      System.out.printf("%s (%s): faults %s, %d rounds each, one write every %d ms (at most %d in flight, deadline"
          + " %d ms), quiet run %.1f minutes%n", system, layout, String.join(",", run), rounds, intervalMs,
          maxOutstanding, opTimeoutMs, quietMinutes);
      PacedWriter writer = new PacedWriter(target, timeout, maxOutstanding);
      writer.start(Duration.ofMillis(intervalMs));
      rows = new FailoverPhase(this.run, system, layout, probe, nodes, writer, System.out)
          .run(run, rounds, quietMinutes);
    }
    if (!results.isEmpty()) {
      append(Path.of(results), rows);
    }
    System.out.println();
    System.out.print(FailoverTable.tables(rows));
    System.out.print(FailoverTable.unmeasured(rows));
    return 0;
  }

  private static void append(Path file, List<FailoverRound> rows) throws IOException {
    StringBuilder sb = new StringBuilder();
    if (!Files.exists(file)) {
      sb.append(FailoverRound.HEADER).append('\n');
    }
    rows.forEach(r -> sb.append(r.tsv()).append('\n'));
    Files.writeString(file, sb, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
