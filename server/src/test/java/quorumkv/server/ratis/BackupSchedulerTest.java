package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Request.BackupRecord.Outcome;
import quorumkv.raftlog.store.BackupLedger;
import quorumkv.server.backup.Verification;

/** What the scheduler records about a verification. */
class BackupSchedulerTest {
  private static final Request.BackupRecord WRITTEN = new Request.BackupRecord(Outcome.WRITTEN, 12, 40, 1_000, 5_000, 99);

  /**
   * Review of issue 15 (A7): the VERIFIED record copied the revision the backup was written at. The drill
   * reads the file under the slot's name when it runs; a retake may have replaced it with a backup at another
   * revision, and that one is what the drill proved.
   */
  @Test
  void aVerifiedRecordDescribesTheBackupTheDrillRead() {
    Verification drill = new Verification(true, "c1", 47, 9, "ab", 6_000, 1_200, null, 800);
    assertEquals(new Request.BackupRecord(Outcome.VERIFIED, 12, 47, 1_200, 6_000, 99),
        BackupScheduler.outcomeRecord(WRITTEN, drill));
  }

  /**
   * Review of issue 15 (A8): a slot recorded by a leader whose clock ran fast counted as covering every slot
   * up to it, so leaders with correct clocks took no backups until their clocks got there.
   */
  @Test
  void onlyTheCurrentSlotRecordedCountsAsDone() {
    BackupLedger.Entry written = new BackupLedger.Entry(105, 40, 1_000, 5_000);
    BackupLedger ledger = new BackupLedger(written, BackupLedger.Entry.NONE, -1, 7);
    assertTrue(BackupScheduler.slotDone(ledger, 105));
    assertFalse(BackupScheduler.slotDone(ledger, 100), "a future slot in the record does not cover the current one");
    assertFalse(BackupScheduler.slotDone(ledger, 106));
    assertFalse(BackupScheduler.slotDone(BackupLedger.NONE, 0));
  }

  @Test
  void aFailedVerificationIsRecordedForTheWrittenBackup() {
    Verification drill = new Verification(false, "c1", 47, 9, "ab", 6_000, 1_200, "hash differs", 800);
    assertEquals(new Request.BackupRecord(Outcome.VERIFY_FAILED, 12, 40, 1_000, 5_000, 99),
        BackupScheduler.outcomeRecord(WRITTEN, drill));
    assertEquals(new Request.BackupRecord(Outcome.VERIFY_FAILED, 12, 40, 1_000, 5_000, 99),
        BackupScheduler.outcomeRecord(WRITTEN, Verification.failed("unreadable", 3)));
  }
}
