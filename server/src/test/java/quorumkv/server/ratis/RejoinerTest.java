package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * When a running member restarts itself to take the listener role its configuration gives it (the wiring and
 * the restart: MemberRejoinIT, MembershipHealingIT).
 */
class RejoinerTest {
  @Test
  void aFollowerWhoseCommittedFlushedConfigurationNamesItListenerRestarts() {
    assertTrue(Rejoiner.runsAsFollowerButIsListener(true, true, 40, 41, 41));
    assertTrue(Rejoiner.runsAsFollowerButIsListener(true, true, 40, 40, 40), "the configuration's own index counts");
  }

  @Test
  void aDemotionNotYetCommittedIsLeftAloneSinceTheNextLeaderMayRollItBack() {
    assertFalse(Rejoiner.runsAsFollowerButIsListener(true, true, 40, 41, 39));
  }

  @Test
  void aDemotionNotYetOnDiskIsLeftAloneSinceARestartWouldNotReadIt() {
    assertFalse(Rejoiner.runsAsFollowerButIsListener(true, true, 40, 39, 41));
  }

  @Test
  void aVoterOrAMemberAlreadyRunningInAnotherRoleIsLeftAlone() {
    assertFalse(Rejoiner.runsAsFollowerButIsListener(true, false, 40, 41, 41), "still a voter");
    assertFalse(Rejoiner.runsAsFollowerButIsListener(false, true, 40, 41, 41), "already a listener, or a candidate");
  }
}
