package quorumkv.linearizability.harness;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.ratis.util.FileUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import quorumkv.linearizability.cluster.InProcessClusterControl;
import quorumkv.linearizability.fault.FaultKind;
import quorumkv.linearizability.fault.FaultStep;
import quorumkv.linearizability.runner.BankRun;
import quorumkv.linearizability.workload.BankWorkload;

/** Multi-key transactions under faults: Jepsen's bank test, and its broken non-atomic variant. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BankIT {
  private InProcessClusterControl cluster;
  private Path dir;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("qkv-bank-");
    cluster = InProcessClusterControl.start(3, dir, Map.of());
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
    FileUtils.deleteFully(dir);
  }

  @Test
  void transfersInTransactionsKeepTheTotalUnderFaults() throws Exception {
    BankWorkload bank = new BankWorkload("bank-atomic/", 5, true);
    BankRun.Result r = BankRun.run(cluster, bank, 6, Duration.ofSeconds(15), List.of(
        new FaultStep(FaultKind.PARTITION_LEADER, 1500, 3000), new FaultStep(FaultKind.KILL, 7000, 2500)), 7);
    System.out.println(r.summary());
    assertTrue(r.counts(), "the run must count: " + r.summary());
    assertTrue(r.faults().stream().allMatch(f -> f.bit()), "faults bit: " + r.faults());
    assertTrue(r.violations().isEmpty(), r.summary());
  }

  @Test
  void nonAtomicTransfersAreCaught() throws Exception {
    BankWorkload broken = new BankWorkload("bank-broken/", 5, false);
    BankRun.Result r = BankRun.run(cluster, broken, 6, Duration.ofSeconds(8), List.of(), 8);
    System.out.println(r.summary());
    assertFalse(r.violations().isEmpty(), "two separate puts must be seen half-done: " + r.summary());
  }
}
