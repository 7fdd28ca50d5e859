package quorumkv.raftlog.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import quorumkv.raftlog.command.Request;

/**
 * The free-space alarms in the applied state: one {@code meta} key per node whose alarm is raised. The
 * set is small (at most one per member) and read on every write the leader admits, so it is kept in
 * memory as an immutable set, replaced whole when an alarm entry applies.
 */
final class AlarmTable {
  private static final byte[] PREFIX = ColumnFamilies.NO_SPACE_PREFIX.getBytes(StandardCharsets.UTF_8);

  private final RocksDB db;
  private final ColumnFamilyHandle meta;
  private volatile Set<String> raised;

  AlarmTable(RocksDB db, ColumnFamilyHandle meta) {
    this.db = db;
    this.meta = meta;
    Set<String> found = new TreeSet<>();
    try (RocksIterator it = db.newIterator(meta)) {
      for (it.seek(PREFIX); it.isValid() && hasPrefix(it.key()); it.next()) {
        byte[] k = it.key();
        found.add(new String(k, PREFIX.length, k.length - PREFIX.length, StandardCharsets.UTF_8));
      }
    }
    this.raised = Collections.unmodifiableSet(found);
  }

  Set<String> raised() {
    return raised;
  }

  /** Adds the alarm's change to {@code batch}; call {@link #committed} once the batch is written. */
  void stage(WriteBatch batch, Request.Alarm alarm) throws RocksDBException {
    byte[] key = key(alarm.nodeId());
    if (alarm.raised()) {
      batch.put(meta, key, new byte[0]);
    } else {
      batch.delete(meta, key);
    }
  }

  void committed(Request.Alarm alarm) {
    Set<String> next = new TreeSet<>(raised);
    if (alarm.raised()) {
      next.add(alarm.nodeId());
    } else {
      next.remove(alarm.nodeId());
    }
    raised = Collections.unmodifiableSet(next);
  }

  private static byte[] key(String nodeId) {
    byte[] id = nodeId.getBytes(StandardCharsets.UTF_8);
    byte[] key = Arrays.copyOf(PREFIX, PREFIX.length + id.length);
    System.arraycopy(id, 0, key, PREFIX.length, id.length);
    return key;
  }

  private static boolean hasPrefix(byte[] k) {
    return k.length >= PREFIX.length && Arrays.equals(k, 0, PREFIX.length, PREFIX, 0, PREFIX.length);
  }
}
