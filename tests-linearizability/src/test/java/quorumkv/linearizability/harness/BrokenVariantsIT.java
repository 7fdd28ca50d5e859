package quorumkv.linearizability.harness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import quorumkv.linearizability.fault.FaultKind;
import quorumkv.linearizability.fault.FaultStep;
import quorumkv.linearizability.run.RunResult;
import quorumkv.linearizability.run.RunSettings;
import quorumkv.linearizability.run.Variant;
import quorumkv.linearizability.workload.RegisterWorkload;

/**
 * The harness can fail: each deliberately broken variant is found non-linearizable under partitions,
 * and the very same run (seed, workload, schedule) with the bug switched off passes — so what catches
 * it is the bug.
 */
class BrokenVariantsIT {
  static final List<FaultStep> PARTITIONS = List.of(
      new FaultStep(FaultKind.PARTITION_LEADER, 1500, 3500),
      new FaultStep(FaultKind.PARTITION_HALVES, 8000, 3500),
      new FaultStep(FaultKind.PARTITION_LEADER, 14500, 3500));

  @ParameterizedTest
  @EnumSource(value = Variant.class, names = {"STALE_LOCAL_READS", "ACK_BEFORE_COMMIT", "WATCH_DROPS_EVENTS"})
  void brokenVariantIsCaughtAndTheSameRunWithoutTheBugPasses(Variant bug) throws Exception {
    RunSettings base = new RunSettings("broken", 4242, 6, Duration.ofSeconds(20), RegisterWorkload.standard(),
        PARTITIONS, Variant.CORRECT, Duration.ofSeconds(2), 50, Duration.ofSeconds(60));
    RunResult broken = InProcessLinearizabilityIT.runOnFreshCluster(base.withVariant(bug));
    assertTrue(broken.foundViolation(), "the checker must catch " + bug + ": " + broken.summary());
    RunResult fixed = InProcessLinearizabilityIT.runOnFreshCluster(base.withVariant(Variant.CORRECT));
    assertTrue(fixed.passed(), "without the bug the same run passes: " + fixed.summary());
  }
}
