package quorumkv.server.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The /ready rule. */
class ReadinessTest {
  private final Readiness readiness = new Readiness(100, Duration.ofSeconds(2));
  private final List<NodeStatus.Member> members = List.of(
      new NodeStatus.Member("n1", "h:1", "voter", true, 10, 0, 0), new NodeStatus.Member("n2", "h:2", "voter", false, -1, -1, -1));

  @Test
  void readyWithARecentLeaderAndSmallApplyLag() {
    assertTrue(readiness.problems(new NodeStatus("n2", "FOLLOWER", "n1", 3, 500, 450, 500, 100, members), Map.of()).isEmpty());
  }

  @Test
  void notReadyWithoutLeaderWithStaleContactOrBehindOrOutsideTheGroup() {
    assertEquals(1, readiness.problems(new NodeStatus("n2", "CANDIDATE", null, 3, 500, 500, 500, -1, members), Map.of()).size());
    assertEquals(1, readiness.problems(new NodeStatus("n2", "FOLLOWER", "n1", 3, 500, 500, 500, 5000, members), Map.of()).size());
    assertEquals(1, readiness.problems(new NodeStatus("n2", "FOLLOWER", "n1", 3, 500, 300, 500, 10, members), Map.of()).size());
    assertEquals(1, readiness.problems(new NodeStatus("n9", "FOLLOWER", "n1", 3, 500, 500, 500, 10, members), Map.of()).size());
  }

  /**
   * A follower back from an outage has not got the entries it missed, and Ratis counts none committed
   * before it has them: its own commit index equals its applied index. The leader's commit index, which
   * the leader sends with every append, shows it behind (seen in the failover bench: a restarted node
   * 440 entries behind called itself caught up).
   */
  @Test
  void aFollowerMissingEntriesIsBehindTheLeadersCommitIndexNotItsOwn() {
    NodeStatus back = new NodeStatus("n2", "FOLLOWER", "n1", 3, 5, 5, 5, 10, members);
    List<String> problems = readiness.problems(back, Map.of("n1", 445L, "n2", 5L));
    assertEquals(List.of("applied index 5 is 440 entries behind leader n1's commit index 445"), problems);
    assertTrue(readiness.problems(back, Map.of("n1", 100L)).isEmpty(), "within the allowed lag");
    assertTrue(readiness.problems(back, null).isEmpty(), "the leader's commit index unknown: its own counts");
    NodeStatus leader = new NodeStatus("n1", "LEADER", "n1", 3, 500, 500, 500, 10, members);
    assertTrue(readiness.problems(leader, Map.of("n1", 10L)).isEmpty(), "on the leader, its own commit index");
  }
}
