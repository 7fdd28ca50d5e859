package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  /** A drill killed with its process leaves a whole restored store; the next one deletes it once it is stale. */
  @Test
  void scratchDirectoriesLeftByAKilledDrillAreDeletedOnceStale(@TempDir Path scratch) throws IOException {
    Path killed = Files.createDirectories(scratch.resolve(BackupDrill.SCRATCH_PREFIX + "1/data/db"));
    Files.writeString(killed.resolve("000001.sst"), "restored");
    Path stale = scratch.resolve(BackupDrill.SCRATCH_PREFIX + "1");
    Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    Path running = Files.createDirectories(scratch.resolve(BackupDrill.SCRATCH_PREFIX + "2"));
    Path other = Files.createDirectories(scratch.resolve("not-a-drill"));
    Files.setLastModifiedTime(other, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    assertEquals(List.of(stale), BackupDrill.deleteStale(scratch, Duration.ofMinutes(30)));
    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(running), "a drill younger than the limit may still be running");
    assertTrue(Files.exists(other), "only drills' directories");
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
