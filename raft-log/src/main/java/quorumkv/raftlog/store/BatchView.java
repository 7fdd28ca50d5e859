package quorumkv.raftlog.store;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.KeyValue;

/**
 * The view of the entry being applied: the database overlaid with the entry's uncommitted batch. Also
 * owns the stored layout of a key's value ({@link #encodeKv}), the last step before the write batch.
 */
final class BatchView implements KvView {
  /** A stored value: create revision, mod revision and version (8 bytes each), then the value. */
  private static final int REVISIONS = 24;

  private final RocksDB db;
  private final ColumnFamilyHandle kv;
  private final WriteBatchWithIndex batch;
  private final ReadOptions ro;

  BatchView(RocksDB db, ColumnFamilyHandle kv, WriteBatchWithIndex batch, ReadOptions ro) {
    this.db = db;
    this.kv = kv;
    this.batch = batch;
    this.ro = ro;
  }

  @Override
  public KeyValue get(Bytes key) {
    try {
      byte[] stored = batch.getFromBatchAndDB(db, kv, ro, key.unsafeArray());
      return stored == null ? null : decodeKv(key.unsafeArray(), stored);
    } catch (RocksDBException e) {
      throw new StorageException("get failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Scans.Page scan(Bytes start, Bytes end, int max) {
    try (RocksIterator it = batch.newIteratorWithBase(kv, db.newIterator(kv, ro), ro)) {
      return Scans.collect(it, start, end, max);
    }
  }

  @Override
  public void put(KeyValue value) {
    try {
      batch.put(kv, value.key().unsafeArray(), encodeKv(value));
    } catch (RocksDBException e) {
      throw new StorageException("put failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(Bytes key) {
    try {
      batch.delete(kv, key.unsafeArray());
    } catch (RocksDBException e) {
      throw new StorageException("delete failed: " + e.getMessage(), e);
    }
  }

  static byte[] encodeKv(KeyValue kv) {
    byte[] value = kv.value().unsafeArray();
    return ByteBuffer.allocate(REVISIONS + value.length)
        .putLong(kv.createRevision()).putLong(kv.modRevision()).putLong(kv.version()).put(value).array();
  }

  static KeyValue decodeKv(byte[] key, byte[] stored) {
    if (stored.length < REVISIONS) {
      throw new StorageException("corrupt stored value of " + stored.length + " bytes for key " + Bytes.wrap(key));
    }
    ByteBuffer b = ByteBuffer.wrap(stored);
    long create = b.getLong();
    long mod = b.getLong();
    long version = b.getLong();
    return new KeyValue(Bytes.wrap(key), Bytes.wrap(Arrays.copyOfRange(stored, REVISIONS, stored.length)),
        create, mod, version);
  }
}
