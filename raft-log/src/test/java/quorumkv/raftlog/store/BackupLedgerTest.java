package quorumkv.raftlog.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Request.BackupRecord.Outcome;

/** The replicated record of scheduled backups, and the content hash a backup records. */
class BackupLedgerTest {
  @TempDir
  Path dir;

  private static Request.BackupRecord record(Outcome outcome, long slot, long revision) {
    return new Request.BackupRecord(outcome, slot, revision, 100 + slot, 1_000 * slot);
  }

  @Test
  void keepsTheNewestSlotPerOutcomeAndSurvivesAReopen() throws IOException {
    long index = 0;
    try (RocksKvStore store = RocksKvStore.open(dir.resolve("s"), StoreOptions.DEFAULTS)) {
      assertEquals(BackupLedger.NONE, store.backups());
      assertTrue(store.backups().newestVerificationOk(), "no failure before any backup");
      store.applyBackupRecord(record(Outcome.WRITTEN, 7, 40), 1, ++index);
      assertEquals(new BackupLedger.Entry(7, 40, 107, 7_000), store.backups().written());
      store.applyBackupRecord(record(Outcome.WRITTEN, 7, 45), 1, ++index); // the same slot retaken: newest wins
      assertEquals(45, store.backups().written().revision());
      store.applyBackupRecord(record(Outcome.VERIFIED, 7, 45), 1, ++index);
      assertEquals(7, store.backups().verified().slot());
      assertTrue(store.backups().newestVerificationOk());
      store.applyBackupRecord(record(Outcome.WRITTEN, 8, 50), 1, ++index);
      store.applyBackupRecord(record(Outcome.VERIFY_FAILED, 8, 50), 1, ++index);
      assertFalse(store.backups().newestVerificationOk(), "slot 8 failed after slot 7 verified");
      assertEquals(7, store.backups().verified().slot(), "the newest good backup is still slot 7");
      assertEquals(index, store.applied().index(), "each record is an applied entry");
    }
    try (RocksKvStore reopened = RocksKvStore.open(dir.resolve("s"), StoreOptions.DEFAULTS)) {
      assertEquals(8, reopened.backups().written().slot());
      assertEquals(8, reopened.backups().failedSlot());
      assertEquals(7, reopened.backups().verified().slot());
      reopened.applyBackupRecord(record(Outcome.VERIFIED, 9, 60), 1, index + 1);
      assertTrue(reopened.backups().newestVerificationOk(), "a later verified slot clears the failure");
    }
  }

  /**
   * Review of issue 15 (A8): a leader whose clock ran fast recorded a slot in the future, and the ledger kept
   * the highest slot, so the records of leaders with correct clocks were ignored and they found no slot to take
   * until their clocks got there. The latest record wins.
   */
  @Test
  void aSlotFromAClockThatRanFastDoesNotHoldBackLaterRecords() throws IOException {
    long index = 0;
    try (RocksKvStore store = RocksKvStore.open(dir.resolve("s"), StoreOptions.DEFAULTS)) {
      store.applyBackupRecord(record(Outcome.WRITTEN, 500, 40), 1, ++index);   // an hour ahead
      store.applyBackupRecord(record(Outcome.VERIFIED, 500, 40), 1, ++index);
      store.applyBackupRecord(record(Outcome.WRITTEN, 100, 50), 1, ++index);   // the correct clock's slot
      assertEquals(new BackupLedger.Entry(100, 50, 200, 100_000), store.backups().written());
      store.applyBackupRecord(record(Outcome.VERIFY_FAILED, 100, 50), 1, ++index);
      assertFalse(store.backups().newestVerificationOk(), "a failure after the future slot's success counts");
      store.applyBackupRecord(record(Outcome.WRITTEN, 101, 60), 1, ++index);
      store.applyBackupRecord(record(Outcome.VERIFIED, 101, 60), 1, ++index);
      assertEquals(new BackupLedger.Entry(101, 60, 201, 101_000), store.backups().verified());
      assertTrue(store.backups().newestVerificationOk());
    }
  }

  /**
   * Review of issue 15 (A6): the incarnation that names this cluster's backup files is the first one recorded;
   * a record of another (a leader that minted its own before it learnt of the first) describes a file that is
   * not this incarnation's and changes nothing. Older records (incarnation 0) and older ledgers still apply.
   */
  @Test
  void theFirstIncarnationRecordedIsKeptAndOthersRecordsChangeNothing() throws IOException {
    Request.BackupRecord first = new Request.BackupRecord(Outcome.WRITTEN, 7, 40, 107, 7_000, 111);
    Request.BackupRecord other = new Request.BackupRecord(Outcome.WRITTEN, 8, 45, 108, 8_000, 222);
    Request.BackupRecord legacy = new Request.BackupRecord(Outcome.VERIFIED, 7, 40, 107, 7_000, 0);
    try (RocksKvStore store = RocksKvStore.open(dir.resolve("s"), StoreOptions.DEFAULTS)) {
      assertEquals(0, store.backups().incarnation());
      store.applyBackupRecord(first, 1, 1);
      assertEquals(111, store.backups().incarnation());
      store.applyBackupRecord(other, 1, 2);
      assertEquals(7, store.backups().written().slot(), "another incarnation's record changes nothing");
      assertEquals(111, store.backups().incarnation());
      store.applyBackupRecord(legacy, 1, 3);
      assertEquals(7, store.backups().verified().slot());
      assertEquals(111, store.backups().incarnation());
    }
    ByteBuffer legacyLedger = ByteBuffer.allocate(72);
    legacyLedger.putLong(5).putLong(1).putLong(2).putLong(3).putLong(-1).putLong(0).putLong(0).putLong(0).putLong(-1);
    BackupLedger decoded = BackupLedger.decode(legacyLedger.array());
    assertEquals(new BackupLedger(new BackupLedger.Entry(5, 1, 2, 3), BackupLedger.Entry.NONE, -1, 0), decoded);
    BackupLedger now = decoded.with(first);
    assertEquals(now, BackupLedger.decode(now.encode()));
  }

  @Test
  void contentHashIsTheSameOnARestoredStoreAndChangesWithAnyValue() throws IOException {
    ContentHash.Result original;
    java.util.List<quorumkv.raftlog.command.KeyValue> exported = new java.util.ArrayList<>();
    try (RocksKvStore source = RocksKvStore.open(dir.resolve("a"), StoreOptions.DEFAULTS)) {
      source.applyWrite(Request.Write.unsessioned(List.of(new Command.Put(Bytes.utf8("x"), Bytes.utf8("1")))), 1, 1);
      source.applyWrite(Request.Write.unsessioned(List.of(new Command.Put(Bytes.utf8("y"), Bytes.utf8("2")))), 1, 2);
      source.applyBackupRecord(record(Outcome.WRITTEN, 1, 2), 1, 3); // metadata: not part of the content
      original = ContentHash.of(source);
      StoreTransfer.export(source, new StoreTransfer.ExportSink() {
        @Override
        public void begin(AppliedIndex applied, long revision) {}

        @Override
        public void auth(quorumkv.raftlog.command.AuthState state) {}

        @Override
        public void entry(quorumkv.raftlog.command.KeyValue kv) {
          exported.add(kv);
        }
      });
    }
    assertEquals(2, original.keys());
    assertEquals(3, original.revision());
    StoreTransfer.seed(dir.resolve("b"), StoreOptions.DEFAULTS, original.revision(), exported.iterator());
    try (RocksKvStore restored = RocksKvStore.open(dir.resolve("b"), StoreOptions.DEFAULTS)) {
      assertArrayEquals(original.hash(), ContentHash.of(restored).hash(), "a restored store hashes the same");
      restored.applyWrite(Request.Write.unsessioned(List.of(new Command.Put(Bytes.utf8("y"), Bytes.utf8("2")))), 1, 1);
      assertNotEquals(ContentHash.hex(original.hash()), ContentHash.hex(ContentHash.of(restored).hash()),
          "rewriting a value (new mod revision) changes the hash");
    }
  }
}
