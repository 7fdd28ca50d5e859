package quorumkv.raftlog.store;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.KeyValue;

/** A read-only view of one RocksDB snapshot, for the query path. */
final class SnapshotView implements KvView {
  private final RocksDB db;
  private final ColumnFamilyHandle kv;
  private final ReadOptions ro;

  SnapshotView(RocksDB db, ColumnFamilyHandle kv, ReadOptions ro) {
    this.db = db;
    this.kv = kv;
    this.ro = ro;
  }

  @Override
  public KeyValue get(Bytes key) {
    try {
      byte[] stored = db.get(kv, ro, key.unsafeArray());
      return stored == null ? null : BatchView.decodeKv(key.unsafeArray(), stored);
    } catch (RocksDBException e) {
      throw new StorageException("get failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Scans.Page scan(Bytes start, Bytes end, int max) {
    try (RocksIterator it = db.newIterator(kv, ro)) {
      return Scans.collect(it, start, end, max);
    }
  }

  @Override
  public void put(KeyValue value) {
    throw new IllegalStateException("the read path cannot write");
  }

  @Override
  public void delete(Bytes key) {
    throw new IllegalStateException("the read path cannot write");
  }
}
