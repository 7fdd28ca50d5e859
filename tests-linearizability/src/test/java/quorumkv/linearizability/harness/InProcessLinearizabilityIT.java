package quorumkv.linearizability.harness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import org.apache.ratis.util.FileUtils;
import quorumkv.client.KvClientConfig;
import quorumkv.linearizability.cluster.InProcessClusterControl;
import quorumkv.linearizability.fault.FaultKind;
import quorumkv.linearizability.fault.FaultStep;
import quorumkv.linearizability.run.RunResult;
import quorumkv.linearizability.run.RunSettings;
import quorumkv.linearizability.run.Variant;
import quorumkv.linearizability.runner.LinearizabilityRun;
import quorumkv.linearizability.workload.RegisterWorkload;

/**
 * Harness (a): three in-process nodes behind fault-injecting proxies. jqwik generates the workload and
 * the fault schedule; a failing schedule shrinks (bounded) and jqwik prints the seed to replay it
 * ({@code -Djqwik.seeds.whenfixed=...} or {@code @Property(seed = "...")}). Reports go to
 * {@code target/linearizability/<run>/}. Tries are few so the module stays inside its time budget;
 * {@code -Plong} runs many more (see README).
 */
class InProcessLinearizabilityIT {
  static final long RUN_MILLIS = Long.getLong("quorumkv.lin.run-millis", 20_000);
  static final List<FaultKind> KINDS_ON_THREE = List.of(FaultKind.PARTITION_LEADER, FaultKind.PARTITION_HALVES,
      FaultKind.PARTITION_RANDOM, FaultKind.KILL, FaultKind.PAUSE, FaultKind.TRANSFER_LEADER,
      FaultKind.MEMBERSHIP_CHANGE);

  @Provide
  Arbitrary<RegisterWorkload> workloads() {
    return Schedules.workloads();
  }

  @Provide
  Arbitrary<List<FaultStep>> schedules() {
    return Schedules.schedules(KINDS_ON_THREE, 4, RUN_MILLIS);
  }

  @Provide
  Arbitrary<Long> seeds() {
    return Arbitraries.longs().between(1, 1_000_000);
  }

  // Tries come from jqwik.tries.default (3 in the test command, more with -Plong; see the module pom).
  @Property(shrinking = ShrinkingMode.BOUNDED)
  void realClusterIsLinearizableUnderGeneratedFaults(@ForAll("workloads") RegisterWorkload workload,
      @ForAll("schedules") List<FaultStep> schedule, @ForAll @IntRange(min = 3, max = 8) int workers,
      @ForAll("seeds") long seed, @ForAll boolean clientDefaultBatching) throws Exception {
    // The client's default batching (several calls in flight before writes share entries), or the most.
    RunSettings s = new RunSettings("inprocess-" + seed, seed, workers, Duration.ofMillis(RUN_MILLIS), workload,
        schedule, Variant.CORRECT, Duration.ofSeconds(2), 50, Duration.ofSeconds(60))
        .withWriteBatching(clientDefaultBatching ? KvClientConfig.WriteBatching.DEFAULT : RunSettings.MOST_BATCHING);
    RunResult r = runOnFreshCluster(s);
    assertTrue(r.counts(), "the run must count: " + r.summary());
    assertTrue(r.passed(), r.summary() + "\n" + r.verdict().describe());
  }

  /** Builds a fresh three-node cluster, runs, tears it down. */
  static RunResult runOnFreshCluster(RunSettings s) throws Exception {
    Path dir = Files.createTempDirectory("qkv-lin-");
    try (InProcessClusterControl cluster = InProcessClusterControl.start(3, dir, Map.of())) {
      return LinearizabilityRun.run(cluster, s, Path.of("target", "linearizability", s.name()));
    } finally {
      FileUtils.deleteFully(dir);
    }
  }
}
