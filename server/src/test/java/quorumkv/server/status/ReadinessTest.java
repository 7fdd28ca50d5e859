package quorumkv.server.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The /ready rule. */
class ReadinessTest {
  private final Readiness readiness = new Readiness(100, Duration.ofSeconds(2));
  private final List<NodeStatus.Member> members = List.of(
      new NodeStatus.Member("n1", "h:1", "voter", true, 10, 0, 0), new NodeStatus.Member("n2", "h:2", "voter", false, -1, -1, -1));

  @Test
  void readyWithARecentLeaderAndSmallApplyLag() {
    assertTrue(readiness.problems(new NodeStatus("n2", "FOLLOWER", "n1", 3, 500, 450, 500, 100, members)).isEmpty());
  }

  @Test
  void notReadyWithoutLeaderWithStaleContactOrBehindOrOutsideTheGroup() {
    assertEquals(1, readiness.problems(new NodeStatus("n2", "CANDIDATE", null, 3, 500, 500, 500, -1, members)).size());
    assertEquals(1, readiness.problems(new NodeStatus("n2", "FOLLOWER", "n1", 3, 500, 500, 500, 5000, members)).size());
    assertEquals(1, readiness.problems(new NodeStatus("n2", "FOLLOWER", "n1", 3, 500, 300, 500, 10, members)).size());
    assertEquals(1, readiness.problems(new NodeStatus("n9", "FOLLOWER", "n1", 3, 500, 500, 500, 10, members)).size());
  }
}
