package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Request.BackupRecord.Outcome;
import quorumkv.server.backup.Verification;

/** What the scheduler records about a verification. */
class BackupSchedulerTest {
  private static final Request.BackupRecord WRITTEN = new Request.BackupRecord(Outcome.WRITTEN, 12, 40, 1_000, 5_000);

  /**
   * Review of issue 15 (A7): the VERIFIED record copied the revision the backup was written at. The drill
   * reads the file under the slot's name when it runs; a retake may have replaced it with a backup at another
   * revision, and that one is what the drill proved.
   */
  @Test
  void aVerifiedRecordDescribesTheBackupTheDrillRead() {
    Verification drill = new Verification(true, "c1", 47, 9, "ab", 6_000, 1_200, null, 800);
    assertEquals(new Request.BackupRecord(Outcome.VERIFIED, 12, 47, 1_200, 6_000),
        BackupScheduler.outcomeRecord(WRITTEN, drill));
  }

  @Test
  void aFailedVerificationIsRecordedForTheWrittenBackup() {
    Verification drill = new Verification(false, "c1", 47, 9, "ab", 6_000, 1_200, "hash differs", 800);
    assertEquals(new Request.BackupRecord(Outcome.VERIFY_FAILED, 12, 40, 1_000, 5_000),
        BackupScheduler.outcomeRecord(WRITTEN, drill));
    assertEquals(new Request.BackupRecord(Outcome.VERIFY_FAILED, 12, 40, 1_000, 5_000),
        BackupScheduler.outcomeRecord(WRITTEN, Verification.failed("unreadable", 3)));
  }
}
