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
 * @param incarnation this cluster's backup incarnation (see {@link Request.BackupRecord}): the first one
 *     recorded; 0 until then. Records of another incarnation (a leader that minted its own before it learnt
 *     of the first) change nothing: their files are not this incarnation's.
 */
public record BackupLedger(Entry written, Entry verified, long failedSlot, long incarnation) {
  /** No backup recorded yet. */
  public static final BackupLedger NONE = new BackupLedger(Entry.NONE, Entry.NONE, -1, 0);
  private static final int LEGACY_BYTES = 9 * 8;
  private static final int BYTES = 10 * 8;

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
    long mine = incarnation != 0 ? incarnation : record.incarnation();
    if (record.incarnation() != 0 && record.incarnation() != mine) {
      return this;
    }
    Entry entry = new Entry(record.slot(), record.revision(), record.sizeBytes(), record.createdAtMillis());
    return switch (record.outcome()) {
      case WRITTEN -> new BackupLedger(entry, verified, failedSlot, mine);
      case VERIFIED -> new BackupLedger(written, entry, -1, mine);
      case VERIFY_FAILED -> new BackupLedger(written, verified, record.slot(), mine);
    };
  }

  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(BYTES);
    for (Entry e : new Entry[] {written, verified}) {
      b.putLong(e.slot()).putLong(e.revision()).putLong(e.sizeBytes()).putLong(e.createdAtMillis());
    }
    return b.putLong(failedSlot).putLong(incarnation).array();
  }

  static BackupLedger decode(byte[] bytes) {
    if (bytes == null) {
      return NONE;
    }
    if (bytes.length != BYTES && bytes.length != LEGACY_BYTES) {
      throw new StorageException("the backup ledger has " + bytes.length + " bytes, not " + BYTES);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    Entry written = new Entry(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    Entry verified = new Entry(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    long failedSlot = b.getLong();
    return new BackupLedger(written, verified, failedSlot, b.hasRemaining() ? b.getLong() : 0);
  }
}
