package quorumkv.raftlog.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.KeyValue;

/**
 * Moves a store's contents in and out as a stream, for backups: {@link #export} reads one consistent state
 * while writes go on; {@link #seed} creates a new cluster's store from such an export.
 */
public final class StoreTransfer {
  private StoreTransfer() {}

  /** Receives a consistent export: {@link #begin} once, then every key in order. */
  public interface ExportSink {
    /** @param revision the revision of the exported state: {@link RocksKvStore#revisionOf} its applied index */
    void begin(AppliedIndex applied, long revision) throws IOException;

    /** The users and roles of the exported state, once, after {@link #begin} and before the keys. */
    void auth(AuthState state) throws IOException;

    void entry(KeyValue kv) throws IOException;
  }

  /**
   * Streams every key of one RocksDB snapshot, with its value and revisions, to {@code sink}: the state
   * exactly as of one applied index, while writes go on; keys attached to a lease are left out (leases are
   * not backed up). For backups.
   */
  public static AppliedIndex export(RocksKvStore store, ExportSink sink) throws IOException {
    RocksDB db = store.db();
    store.enter();
    try {
      Snapshot snapshot = db.getSnapshot();
      try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot); RocksIterator it = db.newIterator(store.kv(), ro)) {
        byte[] appliedBytes = db.get(store.meta(), ro, ColumnFamilies.APPLIED_KEY);
        AppliedIndex at = appliedBytes == null ? AppliedIndex.NONE
            : new AppliedIndex(RocksKvStore.longAt(appliedBytes, 0), RocksKvStore.longAt(appliedBytes, 1));
        sink.begin(at, store.revisionOf(at.index()));
        byte[] authBytes = db.get(store.meta(), ro, ColumnFamilies.AUTH_KEY);
        sink.auth(authBytes == null ? AuthState.INITIAL : AuthState.decode(authBytes));
        LeaseTable.Reader leases = store.leaseReader(ro);
        for (it.seekToFirst(); it.isValid(); it.next()) {
          // Keys attached to a lease are ephemeral (a lock, a service's registration): they belong to a
          // session the restored cluster will not have, so a backup leaves them out rather than restoring
          // them as permanent keys.
          if (!leases.isAttached(it.key())) {
            sink.entry(BatchView.decodeKv(it.key(), it.value()));
          }
        }
        return at;
      } catch (RocksDBException e) {
        throw new IOException("export failed: " + e.getMessage(), e);
      } finally {
        db.releaseSnapshot(snapshot);
      }
    } finally {
      store.exit();
    }
  }


  /**
   * Creates the store of a new cluster restored from a backup: {@code kvs} with their revisions, no
   * applied entries, and a revision offset of {@code revisionOffset}, so the new cluster's log index
   * {@code i} writes revision {@code revisionOffset + i}: above every revision of the backup when the
   * offset is the backup's revision. {@code dir} must not hold a store yet. Written with fsync.
   */
  public static void seed(Path dir, StoreOptions options, long revisionOffset, Iterator<KeyValue> kvs)
      throws IOException {
    seed(dir, options, revisionOffset, AuthState.INITIAL, kvs);
  }

  /** As {@link #seed(Path, StoreOptions, long, Iterator)}, with the users and roles {@code auth}. */
  public static void seed(Path dir, StoreOptions options, long revisionOffset, AuthState auth, Iterator<KeyValue> kvs)
      throws IOException {
    if (revisionOffset < 0) {
      throw new IllegalArgumentException("revision offset " + revisionOffset + " is negative");
    }
    if (Files.isDirectory(dir)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IOException("cannot seed " + dir + ": it is not empty");
        }
      }
    }
    try (RocksKvStore store = RocksKvStore.open(dir, options); WriteOptions sync = new WriteOptions().setSync(true)) {
      WriteBatch batch = new WriteBatch();
      try {
        while (kvs.hasNext()) {
          KeyValue kv = kvs.next();
          if (kv.modRevision() > revisionOffset || kv.createRevision() > kv.modRevision()) {
            throw new IOException("key " + kv.key() + " has revisions " + kv.createRevision() + "/" + kv.modRevision()
                + " not at or below the restore revision " + revisionOffset);
          }
          batch.put(store.kv(), kv.key().unsafeArray(), BatchView.encodeKv(kv));
          if (batch.count() >= 1000) {
            store.db().write(sync, batch);
            batch.close();
            batch = new WriteBatch();
          }
        }
        batch.put(store.meta(), ColumnFamilies.REVISION_OFFSET_KEY, RocksKvStore.longs(revisionOffset));
        // What happened up to the restore revision is not in the backup: the history starts after it.
        batch.put(store.meta(), ColumnFamilies.HISTORY_START_KEY, RocksKvStore.longs(revisionOffset + 1));
        if (!auth.equals(AuthState.INITIAL)) {
          batch.put(store.meta(), ColumnFamilies.AUTH_KEY, auth.encode());
        }
        store.db().write(sync, batch);
      } finally {
        batch.close();
      }
    } catch (RocksDBException e) {
      throw new IOException("seeding " + dir + " failed: " + e.getMessage(), e);
    }
  }

}
