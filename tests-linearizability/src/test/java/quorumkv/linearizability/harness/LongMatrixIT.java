package quorumkv.linearizability.harness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.ratis.util.FileUtils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import quorumkv.linearizability.cluster.ClusterControl;
import quorumkv.linearizability.cluster.InProcessClusterControl;
import quorumkv.linearizability.cluster.NamespaceClusterControl;
import quorumkv.linearizability.fault.FaultKind;
import quorumkv.linearizability.fault.FaultStep;
import quorumkv.linearizability.run.RunResult;
import quorumkv.linearizability.run.RunSettings;
import quorumkv.linearizability.run.Variant;
import quorumkv.linearizability.runner.LinearizabilityRun;
import quorumkv.linearizability.workload.RegisterWorkload;

/**
 * The whole fault matrix for as long as asked: {@code mvn -Plong verify -pl tests-linearizability
 * -Dquorumkv.lin.long-minutes=30}. Alternates the namespace harness (when available) and the in-process
 * one, each run a random mix of every fault kind, until the time is up; every run must count and pass.
 * The namespace runs also fill disks and damage log tails ({@link #KINDS_NETNS}). Prints one line per run
 * and a summary; reports in target/linearizability/long-*.
 */
class LongMatrixIT {
  @Test
  void wholeMatrixForAsLongAsAsked() throws Exception {
    double minutes = Double.parseDouble(System.getProperty("quorumkv.lin.long-minutes", "0"));
    Assumptions.assumeTrue(minutes > 0, "long matrix off (run with -Plong)");
    long seed = Long.getLong("quorumkv.lin.seed", System.nanoTime() % 1_000_000);
    Random random = new Random(seed);
    long until = System.nanoTime() + (long) (minutes * 60e9);
    boolean netns = NamespaceClusterControl.whyUnavailable() == null;
    List<String> lines = new ArrayList<>();
    int failures = 0;
    for (int run = 0; System.nanoTime() < until; run++) {
      boolean useNetns = netns && run % 2 == 0;
      Path dir = Files.createTempDirectory("qkv-long-");
      List<FaultStep> schedule = randomSchedule(random, 60_000,
          useNetns ? KINDS_NETNS : InProcessLinearizabilityIT.KINDS_ON_THREE);
      RunSettings s = new RunSettings("long-" + seed + "-" + run + (useNetns ? "-netns" : "-inprocess"),
          random.nextInt(1_000_000), 4 + random.nextInt(5), Duration.ofSeconds(60),
          new RegisterWorkload(1 + random.nextInt(5), 30 + random.nextInt(40), random.nextInt(25), random.nextInt(6)),
          schedule, Variant.CORRECT, Duration.ofSeconds(2 + random.nextInt(3)), 100, Duration.ofSeconds(120));
      boolean keep = false;
      try (ClusterControl c = useNetns ? NamespaceClusterControl.start(3, dir)
          : InProcessClusterControl.start(3, dir, Map.of())) {
        RunResult r = LinearizabilityRun.run(c, s, Path.of("target", "linearizability", s.name()));
        keep = !r.passed();
        if (!r.passed()) {
          failures++;
        }
        lines.add((r.passed() ? "PASS " : "FAIL ") + r.summary() + (keep ? " (node data and logs kept: " + dir + ")" : ""));
        System.out.println(lines.get(lines.size() - 1));
      } finally {
        if (!keep) {
          FileUtils.deleteFully(dir);
        }
      }
    }
    System.out.println("long matrix seed " + seed + ": " + lines.size() + " runs, " + failures + " failed");
    lines.forEach(System.out::println);
    assertTrue(failures == 0, failures + " of " + lines.size() + " runs failed:\n" + String.join("\n", lines));
  }

  /** Every kind that fits three nodes, with the disk faults that need the namespace harness's own tmpfs per node. */
  static final List<FaultKind> KINDS_NETNS = java.util.stream.Stream.concat(
      InProcessLinearizabilityIT.KINDS_ON_THREE.stream(), java.util.stream.Stream.of(FaultKind.DISK_FULL,
          FaultKind.DAMAGED_TAIL)).toList();

  /** Faults of the given kinds, back to back over the run. */
  static List<FaultStep> randomSchedule(Random random, long runMillis, List<FaultKind> kinds) {
    List<FaultStep> steps = new ArrayList<>();
    for (long at = 2000; at < runMillis - 6000; ) {
      long duration = 1500 + random.nextInt(4000);
      steps.add(new FaultStep(kinds.get(random.nextInt(kinds.size())), at, duration));
      at += duration + 2500 + random.nextInt(2000);
    }
    return steps;
  }
}
