package quorumkv.raftlog.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;
import quorumkv.raftlog.command.HistoryPage;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Event;
import quorumkv.raftlog.command.EventCodec;

/**
 * The change history that watches read: every event of every applied write, keyed by revision and its
 * position in the entry, written in the entry's own batch (so history and data never disagree), and
 * dropped below a revision only by a {@code Compact} entry, so every replica holds the same history at the
 * same applied index (it is part of {@link RocksKvStore#contentDigest}, snapshots and checkpoints).
 *
 * <p>The meta key "history-start" is the oldest revision whose events are all kept. A store created empty
 * sets it to 1 at once: nothing happened before, so its history is complete from the start (every replica
 * of a new cluster does the same). A store seeded by a restore starts it after the restore revision
 * ({@link StoreTransfer}). A store upgraded from a version without history sets it with its first write;
 * until then the history holds nothing, and its start is reported as the revision after the applied one.
 * (Setting it with the first write in a new store too made a watch started before that write, from a
 * revision nothing had changed at, fail as compacted: {@code InProcessLinearizabilityIT} seed 2879.)
 */
final class HistoryTable {
  private final RocksDB db;
  private final ColumnFamilyHandle history;
  private final ColumnFamilyHandle meta;
  /** The committed "history-start", or 0 while unset. Changed only on the apply thread, after commit. */
  private volatile long start;

  /** {@code createdEmpty}: the store has never applied anything nor been seeded (see above). */
  HistoryTable(RocksDB db, ColumnFamilyHandle history, ColumnFamilyHandle meta, boolean createdEmpty)
      throws RocksDBException {
    this.db = db;
    this.history = history;
    this.meta = meta;
    byte[] stored = db.get(meta, ColumnFamilies.HISTORY_START_KEY);
    if (stored == null && createdEmpty) {
      try (WriteOptions sync = new WriteOptions().setSync(true)) {
        db.put(meta, sync, ColumnFamilies.HISTORY_START_KEY, RocksKvStore.longs(1));
      }
      stored = RocksKvStore.longs(1);
    }
    this.start = stored == null ? 0 : RocksKvStore.longAt(stored, 0);
  }

  /** Stages the events of the entry at {@code revision}; returns the start to publish after the commit. */
  long stage(WriteBatchWithIndex batch, long revision, List<Event> events) throws RocksDBException {
    long startAfter = start;
    if (startAfter == 0) {
      startAfter = revision;
      batch.put(meta, ColumnFamilies.HISTORY_START_KEY, RocksKvStore.longs(revision));
    }
    for (int i = 0; i < events.size(); i++) {
      batch.put(history, key(revision, i), EventCodec.encode(events.get(i)));
    }
    return startAfter;
  }

  /**
   * Stages dropping every event below {@code revision}, clamped to {@code entryRevision} (the compaction's own
   * entry, which has no events); nothing if the history already starts there or later. Returns the start to
   * publish after the commit.
   */
  long stageCompaction(WriteBatch batch, long revision, long entryRevision) throws RocksDBException {
    long current = start;
    long target = Math.min(revision, entryRevision);
    if (current == 0 || target <= current) {
      // Unset: no write since the history began, so nothing to drop (and claiming a start here would
      // vouch for revisions before the history began). At or below the start: already done.
      return current;
    }
    batch.deleteRange(history, key(current, 0), key(target, 0));
    batch.put(meta, ColumnFamilies.HISTORY_START_KEY, RocksKvStore.longs(target));
    return target;
  }

  /** Publishes the start staged by the batch that has just been committed. */
  void committed(long startAfter) {
    start = startAfter;
  }

  /** The oldest revision whose events are kept, given the applied revision (for an empty history). */
  long oldest(long appliedRevision) {
    long s = start;
    return s == 0 ? appliedRevision + 1 : s;
  }

  /**
   * The events matching {@code matches} from revision {@code from} up to {@code appliedRevision}, at most
   * about {@code maxEvents} (whole revisions: the last revision's events are all included).
   */
  HistoryPage read(ReadOptions ro, long from, long appliedRevision, Predicate<Bytes> matches, int maxEvents)
      throws RocksDBException {
    // The start as of the same snapshot as the events: the volatile one may lag a committed compaction.
    byte[] stored = db.get(meta, ro, ColumnFamilies.HISTORY_START_KEY);
    long oldest = stored == null ? appliedRevision + 1 : RocksKvStore.longAt(stored, 0);
    if (from < oldest) {
      return new HistoryPage(List.of(), from, oldest, true);
    }
    List<Event> events = new ArrayList<>();
    long next = appliedRevision + 1;
    try (RocksIterator it = db.newIterator(history, ro)) {
      for (it.seek(key(from, 0)); it.isValid(); it.next()) {
        long revision = ByteBuffer.wrap(it.key()).getLong();
        if (revision > appliedRevision) {
          break;
        }
        if (events.size() >= maxEvents && revision != events.get(events.size() - 1).revision()) {
          next = revision;
          break;
        }
        Event event = EventCodec.decode(it.value());
        if (matches.test(event.kv().key())) {
          events.add(event);
        }
      }
    }
    return new HistoryPage(events, Math.max(next, from), oldest, false);
  }

  private static byte[] key(long revision, int position) {
    return ByteBuffer.allocate(12).putLong(revision).putInt(position).array();
  }
}
