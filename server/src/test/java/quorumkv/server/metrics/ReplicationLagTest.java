package quorumkv.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumkv.server.status.NodeStatus;

class ReplicationLagTest {
  private static List<NodeStatus.Member> members(String leader) {
    return List.of(member("n1", leader), member("n2", leader), member("n3", leader));
  }

  private static NodeStatus.Member member(String id, String leader) {
    return new NodeStatus.Member(id, id + ":1", "voter", id.equals(leader), -1, -1, -1);
  }

  @Test
  void aFollowerMeasuresItselfAndItsPeersAgainstTheLeadersCommitIndexItLearnt() {
    NodeStatus n2 = new NodeStatus("n2", "FOLLOWER", "n1", 4, 90, 85, 95, 30, members("n1"));
    Map<String, Long> commits = Map.of("n1", 100L, "n2", 90L, "n3", 40L);
    assertEquals(15L, ReplicationLag.behindLeader(n2, commits));
    assertEquals(Map.of("n2", 10L, "n3", 60L), ReplicationLag.peerLag(n2, commits));
  }

  @Test
  void theLeaderUsesItsOwnCommitIndex() {
    NodeStatus n1 = new NodeStatus("n1", "LEADER", "n1", 4, 100, 99, 101, 20, members("n1"));
    Map<String, Long> commits = Map.of("n1", 97L, "n2", 100L, "n3", 70L); // its own entry may be older
    assertEquals(1L, ReplicationLag.behindLeader(n1, commits));
    assertEquals(Map.of("n2", 0L, "n3", 30L), ReplicationLag.peerLag(n1, commits));
  }

  @Test
  void unknownWithoutALeaderOrItsCommitIndex() {
    NodeStatus leaderless = new NodeStatus("n2", "CANDIDATE", null, 5, 90, 90, 90, -1, members(null));
    assertNull(ReplicationLag.behindLeader(leaderless, Map.of("n1", 100L)));
    assertEquals(Map.of(), ReplicationLag.peerLag(leaderless, Map.of("n1", 100L)));
    NodeStatus fresh = new NodeStatus("n2", "FOLLOWER", "n1", 5, 0, 0, 0, 10, members("n1"));
    assertNull(ReplicationLag.behindLeader(fresh, Map.of()));
  }

  @Test
  void aPeerWhoseCommitIndexIsUnknownIsLeftOutAndNeverNegative() {
    NodeStatus n2 = new NodeStatus("n2", "FOLLOWER", "n1", 4, 100, 100, 100, 30, members("n1"));
    assertEquals(Map.of("n2", 0L), ReplicationLag.peerLag(n2, Map.of("n1", 95L)));
    assertEquals(0L, ReplicationLag.behindLeader(n2, Map.of("n1", 95L)));
  }
}
