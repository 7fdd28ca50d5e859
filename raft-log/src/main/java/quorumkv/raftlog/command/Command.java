package quorumkv.raftlog.command;

import java.util.ArrayList;
import java.util.List;

/**
 * One operation on the key-value state. Several independent commands can share one log entry (each gets
 * its own {@link Result}); a {@link Txn} is one command whose operations share its guards.
 *
 * <p>Each command answers what it is ({@link #keys}, {@link #values}, {@link #isReadOnly},
 * {@link #singleKeyWriteKey}), and code that treats each kind differently (apply, the codec, limits)
 * takes a {@link Visitor}: Java 17 has no pattern switch, and a visitor makes a new command a compile
 * error everywhere it must be handled.
 *
 * <p>Revisions: every command applied by the log entry at index {@code i} that changes a key sets that
 * key's mod revision to the entry's revision (the log index, plus the cluster's revision offset after a
 * restore). Revisions never go backwards.
 */
public sealed interface Command {

  /** True if the command only reads; read-only commands may be served by the query path. */
  boolean isReadOnly();

  /** Every key the command touches: a range answers its start, a transaction its guards' and operations' keys. */
  List<Bytes> keys();

  /** Every value the command carries (a compare-and-set's expected value included). */
  List<Bytes> values();

  /**
   * The key of a single-key write (put, delete, compare-and-set, put-if-absent), else null: such writes
   * of distinct keys may share one log entry (client-side batching).
   */
  Bytes singleKeyWriteKey();

  <R> R accept(Visitor<R> visitor);

  /** One method per command kind. */
  interface Visitor<R> {
    R visitGet(Get get);

    R visitPut(Put put);

    R visitDelete(Delete delete);

    R visitCompareAndSet(CompareAndSet cas);

    R visitPutIfAbsent(PutIfAbsent putIfAbsent);

    R visitRange(Range range);

    R visitTxn(Txn txn);

    R visitLease(Lease lease);
  }

  /** Reads one key. Result: {@link Result.GetResult}. */
  record Get(Bytes key) implements Command {
    public boolean isReadOnly() { return true; }
    public List<Bytes> keys() { return List.of(key); }
    public List<Bytes> values() { return List.of(); }
    public Bytes singleKeyWriteKey() { return null; }
    public <R> R accept(Visitor<R> visitor) { return visitor.visitGet(this); }
  }

  /**
   * Writes one key unconditionally. Result: {@link Result.PutResult}. With {@code lease} above 0 the key
   * is attached to that lease (deleted when it ends); without, a put detaches the key from any lease, as
   * in etcd.
   */
  record Put(Bytes key, Bytes value, long lease) implements Command {
    public Put(Bytes key, Bytes value) {
      this(key, value, 0);
    }

    public boolean isReadOnly() { return false; }
    public List<Bytes> keys() { return List.of(key); }
    public List<Bytes> values() { return List.of(value); }
    public Bytes singleKeyWriteKey() { return key; }
    public <R> R accept(Visitor<R> visitor) { return visitor.visitPut(this); }
  }

  /** Deletes one key; deleting an absent key succeeds with {@code deleted=false}. Result: {@link Result.DeleteResult}. */
  record Delete(Bytes key) implements Command {
    public boolean isReadOnly() { return false; }
    public List<Bytes> keys() { return List.of(key); }
    public List<Bytes> values() { return List.of(); }
    public Bytes singleKeyWriteKey() { return key; }
    public <R> R accept(Visitor<R> visitor) { return visitor.visitDelete(this); }
  }

  /**
   * Writes {@code value} only if the key's current state matches {@code expected}: a mod revision (0 for
   * "absent") or a value. A mismatch is a {@link Result.CasResult} with {@code succeeded=false}, never an
   * error.
   */
  record CompareAndSet(Bytes key, Expected expected, Bytes value) implements Command {
    public boolean isReadOnly() { return false; }
    public List<Bytes> keys() { return List.of(key); }

    public List<Bytes> values() {
      List<Bytes> out = new ArrayList<>(2);
      out.add(value);
      out.addAll(expected.values());
      return List.copyOf(out);
    }

    public Bytes singleKeyWriteKey() { return key; }
    public <R> R accept(Visitor<R> visitor) { return visitor.visitCompareAndSet(this); }
  }

  /** Writes the key only if it is absent. Result: {@link Result.CasResult}. */
  record PutIfAbsent(Bytes key, Bytes value) implements Command {
    public boolean isReadOnly() { return false; }
    public List<Bytes> keys() { return List.of(key); }
    public List<Bytes> values() { return List.of(value); }
    public Bytes singleKeyWriteKey() { return key; }
    public <R> R accept(Visitor<R> visitor) { return visitor.visitPutIfAbsent(this); }
  }

  /**
   * Reads keys in {@code [start, end)} in unsigned byte order, at most {@code limit} of them (0 = the
   * server's maximum). An empty {@code end} means no upper bound. Result: {@link Result.RangeResult}.
   */
  record Range(Bytes start, Bytes end, int limit) implements Command {
    public boolean isReadOnly() { return true; }
    public List<Bytes> keys() { return List.of(start); }
    public List<Bytes> values() { return List.of(); }
    public Bytes singleKeyWriteKey() { return null; }
    public <R> R accept(Visitor<R> visitor) { return visitor.visitRange(this); }

    /** Every key that starts with {@code prefix}. */
    public static Range prefix(Bytes prefix, int limit) {
      return new Range(prefix, prefix.prefixEnd(), limit);
    }
  }

  /**
   * An atomic transaction, as etcd's txn: if every guard holds, {@code onSuccess} runs, otherwise
   * {@code onFailure}; all in one log entry, so no reader sees part of it. Operations may be Get, Put,
   * Delete and Range. Result: {@link Result.TxnResult}.
   */
  record Txn(List<Guard> guards, List<Command> onSuccess, List<Command> onFailure) implements Command {
    public Txn {
      guards = List.copyOf(guards);
      onSuccess = List.copyOf(onSuccess);
      onFailure = List.copyOf(onFailure);
    }

    public boolean isReadOnly() {
      return onSuccess.stream().allMatch(Command::isReadOnly) && onFailure.stream().allMatch(Command::isReadOnly);
    }

    public List<Bytes> keys() {
      List<Bytes> out = new ArrayList<>();
      guards.forEach(g -> out.add(g.key()));
      onSuccess.forEach(c -> out.addAll(c.keys()));
      onFailure.forEach(c -> out.addAll(c.keys()));
      return List.copyOf(out);
    }

    public List<Bytes> values() {
      List<Bytes> out = new ArrayList<>();
      guards.forEach(g -> out.add(g.value()));
      onSuccess.forEach(c -> out.addAll(c.values()));
      onFailure.forEach(c -> out.addAll(c.values()));
      return List.copyOf(out);
    }

    public Bytes singleKeyWriteKey() { return null; }
    public <R> R accept(Visitor<R> visitor) { return visitor.visitTxn(this); }
  }

  /**
   * An operation on a lease (etcd's lease API): keys put with a lease are deleted, in one entry, when it is
   * revoked or expires. Only the leader decides expiry, by time, and proposes {@link Op#EXPIRE} through the
   * log; replicas never expire anything on their own clock. Result: {@link Result.LeaseResult}.
   *
   * @param id the lease (unused for {@link Op#GRANT}, which assigns one)
   * @param ttlMillis the time to live of a {@link Op#GRANT}
   * @param renewedAt for {@link Op#EXPIRE}: the revision of the lease's last renewal the leader saw; the
   *     expiry applies only if no grant or keep-alive renewed it since, so a keep-alive that won the race
   *     keeps the lease
   */
  record Lease(Op op, long id, long ttlMillis, long renewedAt) implements Command {
    /** Shortest time to live: below it a keep-alive every third of it would flood the log. */
    public static final long MIN_TTL_MILLIS = 1_000;
    /** Longest time to live: a day (a key meant to outlive that needs no lease). */
    public static final long MAX_TTL_MILLIS = 24L * 3600 * 1000;

    /** The wire carries the ordinal: only append constants. */
    public enum Op { GRANT, REVOKE, KEEP_ALIVE, EXPIRE, TIME_TO_LIVE }

    public Lease {
      if (op == null) {
        throw new IllegalArgumentException("a lease command has an operation");
      }
    }

    public static Lease grant(long ttlMillis) { return new Lease(Op.GRANT, 0, ttlMillis, 0); }
    public static Lease revoke(long id) { return new Lease(Op.REVOKE, id, 0, 0); }
    public static Lease keepAlive(long id) { return new Lease(Op.KEEP_ALIVE, id, 0, 0); }
    public static Lease expire(long id, long renewedAt) { return new Lease(Op.EXPIRE, id, 0, renewedAt); }
    public static Lease timeToLive(long id) { return new Lease(Op.TIME_TO_LIVE, id, 0, 0); }

    public boolean isReadOnly() { return op == Op.TIME_TO_LIVE; }
    public List<Bytes> keys() { return List.of(); }
    public List<Bytes> values() { return List.of(); }
    public Bytes singleKeyWriteKey() { return null; }
    public <R> R accept(Visitor<R> visitor) { return visitor.visitLease(this); }
  }

  /** What a compare-and-set compares against. */
  sealed interface Expected {
    /** True if the key's state {@code current} (null if absent) is what the compare-and-set expects. */
    boolean matches(KeyValue current);

    /** The value this expectation carries, if any (for size limits). */
    List<Bytes> values();

    /** The key's mod revision equals {@code modRevision}; 0 means the key must be absent. */
    record Revision(long modRevision) implements Expected {
      public boolean matches(KeyValue current) {
        return (current == null ? 0 : current.modRevision()) == modRevision;
      }

      public List<Bytes> values() { return List.of(); }
    }

    /** The key exists and holds exactly {@code value}. */
    record Value(Bytes value) implements Expected {
      public boolean matches(KeyValue current) {
        return current != null && current.value().equals(value);
      }

      public List<Bytes> values() { return List.of(value); }
    }
  }
}
