package quorumkv.raftlog.store;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatchWithIndex;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;
import quorumkv.raftlog.command.ResultCodec;

/**
 * Client sessions in the replicated state, for exactly-once writes (Raft dissertation, section 6.3).
 *
 * <p>Per session the table keeps the result of every call the client has not acknowledged (call id at or
 * above the {@code firstUnackedCallId} it last sent). A call that is already recorded returns its recorded
 * response instead of applying again — on any replica, after a snapshot install or a restart, because
 * the table lives in RocksDB and in every checkpoint. Ratis's own retry cache is only in memory.
 *
 * <p>Expiry is by log position so that every replica expires the same sessions at the same entry: when
 * applying crosses a multiple of {@link #SCAN_INTERVAL}, sessions idle for more than the TTL (in entries)
 * are dropped. A call of an expired session cannot be told apart from a new one, so a write from a
 * session the table does not know, whose client says it had earlier replies ({@code firstUnackedCallId >
 * 1}), is answered {@link ErrorCode#SESSION_EXPIRED} (outcome unknown) rather than applied again.
 */
final class SessionTable {
  static final long SCAN_INTERVAL = 4096;

  private final RocksDB db;
  private final ColumnFamilyHandle calls;
  private final ColumnFamilyHandle sessionMeta;
  private final long ttlEntries;

  SessionTable(RocksDB db, ColumnFamilyHandle calls, ColumnFamilyHandle sessionMeta, long ttlEntries) {
    this.db = db;
    this.calls = calls;
    this.sessionMeta = sessionMeta;
    this.ttlEntries = ttlEntries;
  }

  /** Runs {@code apply} unless this session call is already recorded; records its result in the batch. */
  Response applyOnce(Request.Write write, long index, WriteBatchWithIndex batch, ReadOptions ro,
      Supplier<Response> apply) throws RocksDBException {
    if (write.callId() <= 0) {
      return apply.get();
    }
    byte[] sessionKey = sessionKey(write.sessionId());
    byte[] metaBytes = batch.getFromBatchAndDB(db, sessionMeta, ro, sessionKey);
    long knownFirstUnacked = metaBytes == null ? 0 : RocksKvStore.longAt(metaBytes, 1);
    if (metaBytes == null && write.firstUnackedCallId() > 1) {
      return new Response.Failed(ErrorCode.SESSION_EXPIRED,
          "session " + write.sessionId() + " expired; call " + write.callId() + " may or may not have applied");
    }
    if (write.callId() < knownFirstUnacked) {
      return new Response.Failed(ErrorCode.STALE_CALL,
          "call " + write.callId() + " was already acknowledged to session " + write.sessionId());
    }
    byte[] callKey = callKey(write.sessionId(), write.callId());
    byte[] recorded = batch.getFromBatchAndDB(db, calls, ro, callKey);
    Response response;
    if (recorded != null) {
      response = decodeRecorded(recorded);
    } else {
      response = apply.get();
      batch.put(calls, callKey, encodeRecorded(response));
    }
    long firstUnacked = Math.max(knownFirstUnacked, write.firstUnackedCallId());
    forgetAcknowledged(write, knownFirstUnacked, firstUnacked, batch);
    batch.put(sessionMeta, sessionKey, RocksKvStore.longs(index, firstUnacked));
    return response;
  }

  /** The recorded response of an already applied call, for entries replayed after a restart. */
  Response recorded(Request.Write write) {
    if (write.callId() > 0) {
      try {
        byte[] recorded = db.get(calls, callKey(write.sessionId(), write.callId()));
        if (recorded != null) {
          return decodeRecorded(recorded);
        }
      } catch (RocksDBException e) {
        throw new StorageException("reading session record failed: " + e.getMessage(), e);
      }
    }
    return new Response.Failed(ErrorCode.RESULT_NOT_RECORDED,
        "this write was applied before a restart; its result is no longer recorded");
  }

  /** Drops sessions idle for longer than the TTL, each time applying crosses a scan boundary. */
  void expireIdle(long previousIndex, long index, WriteBatchWithIndex batch, ReadOptions ro)
      throws RocksDBException {
    if (previousIndex / SCAN_INTERVAL == index / SCAN_INTERVAL) {
      return;
    }
    try (RocksIterator it = db.newIterator(sessionMeta)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        // Read through the batch: a session active in this very entry must not be expired.
        byte[] current = batch.getFromBatchAndDB(db, sessionMeta, ro, it.key());
        long lastActive = RocksKvStore.longAt(current, 0);
        if (lastActive + ttlEntries < index) {
          byte[] session = it.key();
          batch.delete(sessionMeta, session);
          deleteCalls(session, Long.MIN_VALUE, Long.MAX_VALUE, batch);
        }
      }
    }
  }

  private void forgetAcknowledged(Request.Write write, long from, long to, WriteBatchWithIndex batch)
      throws RocksDBException {
    if (to <= from) {
      return;
    }
    byte[] session = sessionKey(write.sessionId());
    if (to - from <= POINT_DELETES) {
      // The usual case (a client acknowledging its last call or few): delete those keys by name. An
      // iterator would have to step over the tombstones of earlier deletions, of this session and of the
      // next sessions in key order, and their number grows with every write until a compaction.
      for (long id = Math.max(from, 1); id < to; id++) { // call ids start at 1
        batch.delete(calls, callKey(write.sessionId(), id));
      }
      return;
    }
    deleteCalls(session, from, to, batch);
  }

  /** Up to this many acknowledged calls at once are deleted by name; more by a bounded scan. */
  static final int POINT_DELETES = 64;

  /**
   * Deletes the session's call records with ids in [from, to). WriteBatchWithIndex has no deleteRange. The
   * scan is bounded above by the range's end, so it never steps over other sessions' keys or tombstones.
   */
  private void deleteCalls(byte[] session, long from, long to, WriteBatchWithIndex batch) throws RocksDBException {
    byte[] start = ByteBuffer.allocate(24).put(session).putLong(Math.max(from, 0)).array();
    byte[] end = to == Long.MAX_VALUE ? nextSession(session) : ByteBuffer.allocate(24).put(session).putLong(to).array();
    try (Slice upper = end == null ? null : new Slice(end);
        ReadOptions bounded = upper == null ? new ReadOptions() : new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = db.newIterator(calls, bounded)) {
      for (it.seek(start); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (!Arrays.equals(key, 0, 16, session, 0, 16) || ByteBuffer.wrap(key).getLong(16) >= to) {
          break;
        }
        batch.delete(calls, key);
      }
    }
  }

  /** The smallest key after every call key of {@code session}, or null if there is none (all bits set). */
  private static byte[] nextSession(byte[] session) {
    byte[] next = Arrays.copyOf(session, 16);
    for (int i = 15; i >= 0; i--) {
      if (++next[i] != 0) {
        return next;
      }
    }
    return null;
  }

  private static byte[] sessionKey(UUID session) {
    return RocksKvStore.longs(session.getMostSignificantBits(), session.getLeastSignificantBits());
  }

  private static byte[] callKey(UUID session, long callId) {
    return RocksKvStore.longs(session.getMostSignificantBits(), session.getLeastSignificantBits(), callId);
  }

  private static byte[] encodeRecorded(Response response) {
    if (response instanceof Response.Ok ok) {
      byte[] results = ResultCodec.encodeResults(ok.results());
      return ByteBuffer.allocate(8 + results.length).putLong(ok.index()).put(results).array();
    }
    // Whole-request failures are not recorded results of applied calls; keep them as a marker.
    Response.Failed f = (Response.Failed) response;
    return ByteBuffer.allocate(8 + 4).putLong(-1).putInt(f.code().number()).array();
  }

  private static Response decodeRecorded(byte[] recorded) {
    ByteBuffer b = ByteBuffer.wrap(recorded);
    long index = b.getLong();
    if (index < 0) {
      ErrorCode code = ErrorCode.ofNumber(b.getInt());
      return new Response.Failed(code, "recorded failure: " + code);
    }
    List<Result> results = ResultCodec.decodeResults(Arrays.copyOfRange(recorded, 8, recorded.length));
    return new Response.Ok(index, results);
  }
}
