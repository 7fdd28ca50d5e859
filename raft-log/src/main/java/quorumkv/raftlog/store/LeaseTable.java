package quorumkv.raftlog.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;

/**
 * The replicated leases and the keys attached to them, in the "leases" column family:
 *
 * <pre>
 * "N"                  -> nextId:i64                              (ids are never reused)
 * "L" id:i64           -> ttlMillis:i64 renewedAt:i64 owner:utf8  (renewedAt: revision of the last grant or keep-alive)
 * "K" id:i64 key       -> empty                                   (key is attached to lease id)
 * "A" key              -> id:i64                                  (the lease key is attached to)
 * </pre>
 *
 * Written only in the batch of the entry being applied (through {@link Staged}), so leases, keys and the
 * applied index never disagree, and every replica holds the same leases (they are in snapshots and the
 * content digest). Nothing here knows the time: the leader's clock decides expiry elsewhere and proposes
 * it through the log.
 */
final class LeaseTable {
  private static final byte[] NEXT_ID = {'N'};
  private static final byte LEASE = 'L', KEY_OF_LEASE = 'K', LEASE_OF_KEY = 'A';

  private final RocksDB db;
  private final ColumnFamilyHandle cf;
  /**
   * Committed leases. While 0 and the entry being applied touched no lease, no key can be attached, so
   * writes skip the attachment lookup: a store without leases pays nothing for them.
   */
  private volatile long count;

  LeaseTable(RocksDB db, ColumnFamilyHandle cf) {
    this.db = db;
    this.cf = cf;
    long n = 0;
    try (RocksIterator it = db.newIterator(cf)) {
      for (it.seek(new byte[] {LEASE}); it.isValid() && it.key()[0] == LEASE; it.next()) {
        n++;
      }
    }
    this.count = n;
  }

  long count() {
    return count;
  }

  /** Every committed lease (for the leader's clock when the store opens). */
  List<LeaseRecord> all() {
    try (ReadOptions ro = new ReadOptions()) {
      return new Reader(ro, null).all();
    }
  }

  /** A read-only view of one snapshot, for the query path. */
  Reader reader(ReadOptions ro) {
    return new Reader(ro, null);
  }

  /** The view of the entry being applied, staging its changes into {@code batch}. */
  Staged staged(WriteBatchWithIndex batch, ReadOptions ro) {
    return new Staged(batch, ro);
  }

  /** Reads leases, through the entry's batch if there is one. */
  class Reader {
    final ReadOptions ro;
    final WriteBatchWithIndex batch;

    Reader(ReadOptions ro, WriteBatchWithIndex batch) {
      this.ro = ro;
      this.batch = batch;
    }

    byte[] read(byte[] key) {
      try {
        return batch == null ? db.get(cf, ro, key) : batch.getFromBatchAndDB(db, cf, ro, key);
      } catch (RocksDBException e) {
        throw new StorageException("lease read failed: " + e.getMessage(), e);
      }
    }

    RocksIterator iterator() {
      RocksIterator base = db.newIterator(cf, ro);
      return batch == null ? base : batch.newIteratorWithBase(cf, base, ro);
    }

    /** The lease, or null if it does not exist. */
    LeaseRecord get(long id) {
      byte[] stored = read(leaseKey(id));
      return stored == null ? null : decode(id, stored);
    }

    /** True if {@code key} is attached to a lease. */
    boolean isAttached(byte[] key) {
      return read(ByteBuffer.allocate(1 + key.length).put(LEASE_OF_KEY).put(key).array()) != null;
    }

    /** The keys attached to lease {@code id}, in key order. */
    List<Bytes> keysOf(long id) {
      byte[] prefix = ByteBuffer.allocate(9).put(KEY_OF_LEASE).putLong(id).array();
      List<Bytes> keys = new ArrayList<>();
      try (RocksIterator it = iterator()) {
        for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
          keys.add(Bytes.wrap(Arrays.copyOfRange(it.key(), prefix.length, it.key().length)));
        }
      }
      return keys;
    }

    List<LeaseRecord> all() {
      List<LeaseRecord> out = new ArrayList<>();
      try (RocksIterator it = iterator()) {
        for (it.seek(new byte[] {LEASE}); it.isValid() && it.key()[0] == LEASE; it.next()) {
          out.add(decode(ByteBuffer.wrap(it.key(), 1, 8).getLong(), it.value()));
        }
      }
      return out;
    }
  }

  /** The entry being applied: reads see its earlier changes; {@link #committed} publishes the count after the write. */
  final class Staged extends Reader {
    private long countAfter = count;
    private boolean touched;

    Staged(WriteBatchWithIndex batch, ReadOptions ro) {
      super(ro, batch);
    }

    /** A new lease renewed at {@code revision}, or null if the cluster already holds {@code maxLeases}. */
    LeaseRecord grant(long ttlMillis, String owner, long revision, long maxLeases) {
      if (countAfter >= maxLeases) {
        return null;
      }
      byte[] next = read(NEXT_ID);
      long id = next == null ? 1 : ByteBuffer.wrap(next).getLong();
      LeaseRecord lease = new LeaseRecord(id, ttlMillis, revision, owner);
      write(NEXT_ID, RocksKvStore.longs(id + 1));
      write(leaseKey(id), encode(lease));
      countAfter++;
      touched = true;
      return lease;
    }

    LeaseRecord renew(LeaseRecord lease, long revision) {
      LeaseRecord renewed = new LeaseRecord(lease.id(), lease.ttlMillis(), revision, lease.owner());
      write(leaseKey(lease.id()), encode(renewed));
      return renewed;
    }

    /** Removes the lease itself; its keys must be deleted and detached first. */
    void remove(long id) {
      delete(leaseKey(id));
      countAfter--;
      touched = true;
    }

    /** Attaches {@code key} to lease {@code id}, detaching it from any other. */
    void attach(Bytes key, long id) {
      long current = leaseOf(key);
      if (current == id) {
        return;
      }
      if (current != 0) {
        delete(keyOfLease(current, key));
      }
      write(leaseOfKey(key), RocksKvStore.longs(id));
      write(keyOfLease(id, key), new byte[0]);
      touched = true;
    }

    /** Detaches {@code key} from its lease, if it has one (a put without lease, or a delete). */
    void detach(Bytes key) {
      if (countAfter == 0 && !touched) {
        return; // no lease exists, so no key is attached
      }
      long current = leaseOf(key);
      if (current != 0) {
        delete(keyOfLease(current, key));
        delete(leaseOfKey(key));
      }
    }

    private long leaseOf(Bytes key) {
      byte[] stored = read(leaseOfKey(key));
      return stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
    }

    private void write(byte[] key, byte[] value) {
      try {
        batch.put(cf, key, value);
      } catch (RocksDBException e) {
        throw new StorageException("lease write failed: " + e.getMessage(), e);
      }
    }

    private void delete(byte[] key) {
      try {
        batch.delete(cf, key);
      } catch (RocksDBException e) {
        throw new StorageException("lease delete failed: " + e.getMessage(), e);
      }
    }

    /** After the entry's batch is written. */
    void committed() {
      count = countAfter;
    }
  }

  /**
   * Null if {@code user} may use the leases {@code command} names: a lease is its owner's to keep alive,
   * revoke, ask about and attach keys to (admins and member nodes are not asked). A missing lease is not
   * a denial: applying reports it.
   */
  static String ownerDenial(Reader table, String user, Command command) {
    if (command instanceof Command.Lease l && l.op() != Command.Lease.Op.GRANT) {
      return ownedBy(table, user, l.id());
    }
    if (command instanceof Command.Put p && p.lease() != 0) {
      return ownedBy(table, user, p.lease());
    }
    if (command instanceof Command.Txn t) {
      for (List<Command> branch : List.of(t.onSuccess(), t.onFailure())) {
        for (Command op : branch) {
          String denied = ownerDenial(table, user, op);
          if (denied != null) {
            return denied;
          }
        }
      }
    }
    return null;
  }

  private static String ownedBy(Reader table, String user, long id) {
    LeaseRecord lease = table.get(id);
    return lease == null || lease.owner().equals(user) ? null
        : "lease " + id + " belongs to another user; '" + user + "' may not use it";
  }

  private static byte[] leaseKey(long id) {
    return ByteBuffer.allocate(9).put(LEASE).putLong(id).array();
  }

  private static byte[] keyOfLease(long id, Bytes key) {
    return ByteBuffer.allocate(9 + key.size()).put(KEY_OF_LEASE).putLong(id).put(key.unsafeArray()).array();
  }

  private static byte[] leaseOfKey(Bytes key) {
    return ByteBuffer.allocate(1 + key.size()).put(LEASE_OF_KEY).put(key.unsafeArray()).array();
  }

  private static byte[] encode(LeaseRecord lease) {
    byte[] owner = lease.owner().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(16 + owner.length).putLong(lease.ttlMillis()).putLong(lease.renewedAt()).put(owner)
        .array();
  }

  private static LeaseRecord decode(long id, byte[] stored) {
    if (stored.length < 16) {
      throw new StorageException("corrupt lease " + id + ": " + stored.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(stored);
    long ttl = b.getLong();
    long renewedAt = b.getLong();
    return new LeaseRecord(id, ttl, renewedAt, new String(stored, 16, stored.length - 16, StandardCharsets.UTF_8));
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }
}
