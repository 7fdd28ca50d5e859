package quorumkv.raftlog.store;

import java.nio.ByteBuffer;
import quorumkv.raftlog.command.Request;

/**
 * The scheduled backups as the replicated state knows them: the newest slot written, the newest slot
 * verified and the newest slot whose verification failed. One {@code meta} key, replaced whole by each
 * {@link Request.BackupRecord} entry, so every replica (and every future leader) agrees which interval
 * slot is done. A slot of -1 means none yet.
 *
 * @param written the newest backup whose file is durably in place
 * @param verified the newest backup that a scratch node restored and recomputed the content hash of
 * @param failedSlot the newest slot whose verification failed
 */
public record BackupLedger(Entry written, Entry verified, long failedSlot) {
  /** No backup recorded yet. */
  public static final BackupLedger NONE = new BackupLedger(Entry.NONE, Entry.NONE, -1);

  /** One backup: its interval slot, revision, file size and creation time (ms since the epoch). */
  public record Entry(long slot, long revision, long sizeBytes, long createdAtMillis) {
    public static final Entry NONE = new Entry(-1, 0, 0, 0);
  }

  /** True unless the newest verification outcome is a failure (also true before any backup). */
  public boolean newestVerificationOk() {
    return failedSlot < 0 || verified.slot() >= failedSlot;
  }

  /**
   * The ledger after {@code record}. A record for an older slot than the one kept for its outcome changes
   * nothing; one for the same slot replaces it (a new leader that retook a slot whose record it had not
   * applied yet wrote the file again under the same name: the newest record describes the file on disk).
   */
  BackupLedger with(Request.BackupRecord record) {
    Entry entry = new Entry(record.slot(), record.revision(), record.sizeBytes(), record.createdAtMillis());
    return switch (record.outcome()) {
      case WRITTEN -> record.slot() >= written.slot() ? new BackupLedger(entry, verified, failedSlot) : this;
      case VERIFIED -> record.slot() >= verified.slot() ? new BackupLedger(written, entry, failedSlot) : this;
      case VERIFY_FAILED -> new BackupLedger(written, verified, Math.max(failedSlot, record.slot()));
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
