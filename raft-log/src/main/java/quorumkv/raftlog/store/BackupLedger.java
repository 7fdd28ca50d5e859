package quorumkv.raftlog.store;

import java.nio.ByteBuffer;
import quorumkv.raftlog.command.Request;

/**
 * The scheduled backups as the replicated state knows them: the latest slot written, the latest slot
 * verified and whether the latest verification failed. One {@code meta} key, replaced whole by each
 * {@link Request.BackupRecord} entry, so every replica (and every future leader) agrees which interval
 * slot is done. A slot of -1 means none yet.
 *
 * <p>The latest record wins, whatever its slot: slots come from the proposing leader's clock, and a leader
 * whose clock ran fast records a slot in the future. Keeping the highest slot would make every later leader
 * with a correct clock find its current slot "done" (or its records ignored) until its clock got there: no
 * backups for as long as the clock was off.
 *
 * @param written the latest backup whose file is durably in place
 * @param verified the latest backup that a scratch node restored and recomputed the content hash of
 * @param failedSlot the slot whose verification failed, if the latest verification outcome was a failure; else -1
 */
public record BackupLedger(Entry written, Entry verified, long failedSlot) {
  /** No backup recorded yet. */
  public static final BackupLedger NONE = new BackupLedger(Entry.NONE, Entry.NONE, -1);

  /** One backup: its interval slot, revision, file size and creation time (ms since the epoch). */
  public record Entry(long slot, long revision, long sizeBytes, long createdAtMillis) {
    public static final Entry NONE = new Entry(-1, 0, 0, 0);
  }

  /** True unless the latest verification outcome is a failure (also true before any backup). */
  public boolean newestVerificationOk() {
    return failedSlot < 0;
  }

  /**
   * The ledger after {@code record}: the latest record of each kind replaces the one kept (also for the same
   * slot: a new leader that retook a slot whose record it had not applied yet wrote the file again under the
   * same name, and the latest record describes the file on disk).
   */
  BackupLedger with(Request.BackupRecord record) {
    Entry entry = new Entry(record.slot(), record.revision(), record.sizeBytes(), record.createdAtMillis());
    return switch (record.outcome()) {
      case WRITTEN -> new BackupLedger(entry, verified, failedSlot);
      case VERIFIED -> new BackupLedger(written, entry, -1);
      case VERIFY_FAILED -> new BackupLedger(written, verified, record.slot());
    };
  }

  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(9 * 8);
    for (Entry e : new Entry[] {written, verified}) {
      b.putLong(e.slot()).putLong(e.revision()).putLong(e.sizeBytes()).putLong(e.createdAtMillis());
    }
    return b.putLong(failedSlot).array();
  }

  static BackupLedger decode(byte[] bytes) {
    if (bytes == null) {
      return NONE;
    }
    if (bytes.length != 9 * 8) {
      throw new StorageException("the backup ledger has " + bytes.length + " bytes, not 72");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    Entry written = new Entry(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    Entry verified = new Entry(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    return new BackupLedger(written, verified, b.getLong());
  }
}
