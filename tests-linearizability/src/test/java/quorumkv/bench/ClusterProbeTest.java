package quorumkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import quorumkv.bench.ClusterProbe.View;

/** When the failover phase takes a cluster for stable, and whom it takes for the leader. */
class ClusterProbeTest {
  private static View follows(int leader, long term) {
    return new View(true, leader, term, true);
  }

  @Test
  void stableOnlyWhenEveryMemberAnswersIsCaughtUpAndNamesTheSameLeader() {
    assertEquals(1, ClusterProbe.agreedLeader(List.of(follows(1, 4), follows(1, 4), follows(1, 4))));
    assertEquals(-1, ClusterProbe.agreedLeader(List.of(follows(1, 4), View.SILENT, follows(1, 4))));
    assertEquals(-1, ClusterProbe.agreedLeader(List.of(follows(1, 4), follows(2, 5), follows(1, 4))));
    assertEquals(-1, ClusterProbe.agreedLeader(List.of(follows(1, 4), new View(true, 1, 4, false), follows(1, 4))));
    assertEquals(-1, ClusterProbe.agreedLeader(List.of(follows(-1, 4), follows(-1, 4), follows(-1, 4))));
  }

  @Test
  void theLikelyLeaderIsWhomMostAnsweringMembersName() {
    assertEquals(2, ClusterProbe.likelyLeader(List.of(follows(0, 4), follows(2, 5), follows(2, 5))));
    assertEquals(0, ClusterProbe.likelyLeader(List.of(follows(0, 4), View.SILENT, follows(2, 5))));
    assertEquals(-1, ClusterProbe.likelyLeader(List.of(View.SILENT, follows(-1, 5), View.SILENT)));
  }

  @Test
  void theTermIsTheHighestReported() {
    assertEquals(7, ClusterProbe.maxTerm(List.of(follows(0, 4), follows(2, 7), View.SILENT)));
    assertEquals(-1, ClusterProbe.maxTerm(List.of(View.SILENT)));
  }
}
