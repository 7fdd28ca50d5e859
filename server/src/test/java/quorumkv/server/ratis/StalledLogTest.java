package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The run-time check for a follower the leader stopped sending entries to (DamagedTailIT's wedge). */
class StalledLogTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aLogThatDoesNotMoveForTheWholeWindowIsStalled() {
    StalledLog log = new StalledLog(Duration.ofSeconds(10), Duration.ofSeconds(2));
    assertFalse(log.stalled(32, 0));
    assertFalse(log.stalled(32, 9 * SECOND));
    assertTrue(log.stalled(32, 10 * SECOND));
  }

  @Test
  void aGrowingLogIsNeverStalled() {
    StalledLog log = new StalledLog(Duration.ofSeconds(10), Duration.ofSeconds(2));
    for (int s = 0; s <= 60; s++) {
      assertFalse(log.stalled(100 + s, s * SECOND));
    }
  }

  @Test
  void afterReportingItWaitsAWholeWindowAgain() {
    StalledLog log = new StalledLog(Duration.ofSeconds(10), Duration.ofSeconds(2));
    log.stalled(32, 0);
    assertTrue(log.stalled(32, 10 * SECOND));
    assertFalse(log.stalled(32, 15 * SECOND));
    assertTrue(log.stalled(32, 20 * SECOND));
  }

  @Test
  void forgettingStartsTheWindowOver() {
    StalledLog log = new StalledLog(Duration.ofSeconds(10), Duration.ofSeconds(2));
    log.stalled(32, 0);
    log.forget();
    assertFalse(log.stalled(32, 10 * SECOND));
    assertTrue(log.stalled(32, 20 * SECOND));
  }

  /** The wedge seen in DamagedTailIT: log ends at 31 (next 32), the leader committed far beyond. */
  @Test
  void theLeaderWithholdsEntriesOnlyIfItCommittedWhatTheFollowerLacks() {
    assertTrue(StalledLog.leaderWithholds(32, 13_400));
    assertTrue(StalledLog.leaderWithholds(32, 32));
    assertFalse(StalledLog.leaderWithholds(32, 31)); // idle cluster: the follower has everything committed
  }

  /**
   * A cluster idle for the whole window, then a write: the leader and the other follower commit it a moment
   * before it reaches this follower. One sighting must not move a healthy follower's state aside.
   */
  @Test
  void aLeaderSeenWithholdingOnceIsOnlySuspected() {
    StalledLog log = new StalledLog(Duration.ofSeconds(10), Duration.ofSeconds(2));
    log.stalled(32, 0);
    assertTrue(log.stalled(32, 10 * SECOND));
    assertFalse(log.withheldConfirmed(32, 32, 10 * SECOND));
    assertTrue(log.suspects(32));
    assertFalse(log.stalled(33, 11 * SECOND)); // the entry arrived: the suspicion ends with it
    assertFalse(log.suspects(33));
  }

  @Test
  void aLeaderStillWithholdingAfterTheConfirmTimeIsConfirmed() {
    StalledLog log = new StalledLog(Duration.ofSeconds(10), Duration.ofSeconds(2));
    log.stalled(32, 0);
    assertTrue(log.stalled(32, 10 * SECOND));
    assertFalse(log.withheldConfirmed(32, 13_400, 10 * SECOND));
    assertFalse(log.stalled(32, 11 * SECOND));
    assertFalse(log.withheldConfirmed(32, 13_400, 11 * SECOND));
    assertTrue(log.withheldConfirmed(32, 13_500, 12 * SECOND));
  }

  @Test
  void aLeaderThatCaughtTheFollowerUpClearsTheSuspicion() {
    StalledLog log = new StalledLog(Duration.ofSeconds(10), Duration.ofSeconds(2));
    assertFalse(log.withheldConfirmed(32, 40, 0));
    assertFalse(log.withheldConfirmed(32, 31, SECOND));
    assertFalse(log.suspects(32));
    assertFalse(log.withheldConfirmed(32, 40, 3 * SECOND));
  }
}
