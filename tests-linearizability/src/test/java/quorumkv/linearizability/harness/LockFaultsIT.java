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
import quorumkv.linearizability.runner.LockRun;

/**
 * Locks under faults: contenders write fencing-guarded records through a leader partition and a kill, holders
 * die and wake up; the fencing checker must find every accepted write under the then-current holder's token,
 * tokens never decreasing, and a new holder within its bound; with fencing off it must find the violations.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LockFaultsIT {
  private InProcessClusterControl cluster;
  private Path dir;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("qkv-locks-");
    cluster = InProcessClusterControl.start(3, dir, Map.of());
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
    FileUtils.deleteFully(dir);
  }

  @Test
  void fencedWritesFollowTheHolderUnderPartitionsAndKills() throws Exception {
    LockRun.Result r = LockRun.run(cluster, 3, Duration.ofSeconds(2), Duration.ofSeconds(25), List.of(
        new FaultStep(FaultKind.PARTITION_LEADER, 3000, 3000), new FaultStep(FaultKind.KILL, 13000, 3000)), 11, true);
    System.out.println(r.summary());
    assertTrue(r.counts(), "the run must count: " + r.summary());
    assertTrue(r.faults().stream().allMatch(f -> f.bit()), "faults bit: " + r.faults());
    assertTrue(r.passed(), r.summary());
  }

  @Test
  void withoutFencingAWokenHolderWritesOverTheNewOne() throws Exception {
    LockRun.Result r = LockRun.run(cluster, 3, Duration.ofSeconds(2), Duration.ofSeconds(15), List.of(), 12, false);
    System.out.println(r.summary());
    assertTrue(r.deaths() >= 1 && r.caughtUp(), "holders died and the history was read: " + r.summary());
    assertFalse(r.verdict().ok(), "unfenced writes of a woken holder must be caught: " + r.summary());
  }
}
