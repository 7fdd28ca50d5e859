package quorumkv.raftlog.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaderReadCheckTest {
  private static final Set<String> THREE = Set.of("n1", "n2", "n3");

  @Test
  void oneRecentAnswerMakesAMajorityOfThreeWithTheLeader() {
    assertTrue(LeaderReadCheck.majorityAnsweredWithin(THREE, "n1", Map.of("n2", 120L, "n3", 5_000L), 225));
  }

  @Test
  void aLeaderNobodyAnsweredWithinTheWindowMayNotServe() {
    assertFalse(LeaderReadCheck.majorityAnsweredWithin(THREE, "n1", Map.of("n2", 226L, "n3", 9_000L), 225));
    assertFalse(LeaderReadCheck.majorityAnsweredWithin(THREE, "n1", Map.of(), 225), "no answers known");
  }

  @Test
  void theLeaderCountsOnlyIfItIsAVoter() {
    // A leader outside the new configuration (it is being removed) needs a majority of the others.
    assertFalse(LeaderReadCheck.majorityAnsweredWithin(Set.of("n2", "n3", "n4"), "n1", Map.of("n2", 10L), 225));
    assertTrue(LeaderReadCheck.majorityAnsweredWithin(Set.of("n2", "n3", "n4"), "n1",
        Map.of("n2", 10L, "n3", 10L), 225));
  }

  @Test
  void fiveVotersNeedThree() {
    Set<String> five = Set.of("n1", "n2", "n3", "n4", "n5");
    assertFalse(LeaderReadCheck.majorityAnsweredWithin(five, "n1", Map.of("n2", 10L), 225));
    assertTrue(LeaderReadCheck.majorityAnsweredWithin(five, "n1", Map.of("n2", 10L, "n5", 200L), 225));
  }

  @Test
  void theWindowIsThreeQuartersOfTheMinimumElectionTimeout() {
    // Above the heartbeat interval (half the minimum timeout), below the minimum timeout itself.
    assertEquals(225, LeaderReadCheck.windowMs(300));
    assertEquals(375, LeaderReadCheck.windowMs(500));
  }
}
