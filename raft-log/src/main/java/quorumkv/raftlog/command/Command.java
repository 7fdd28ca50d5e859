package quorumkv.raftlog.command;

import java.util.List;

/**
 * One operation on the key-value state. Several independent commands can share one log entry (each gets
 * its own {@link Result}); a {@link Txn} is one command whose operations share its guards.
 *
 * <p>Revisions: every command applied by the log entry at index {@code i} that changes a key sets that
 * key's mod revision to the entry's revision (the log index, plus the cluster's revision offset after a
 * restore). Revisions never go backwards.
 */
public sealed interface Command {

  /** True if the command only reads; read-only commands may be served by the query path. */
  boolean isReadOnly();

  /** Reads one key. Result: {@link Result.GetResult}. */
  record Get(Bytes key) implements Command {
    public boolean isReadOnly() { return true; }
  }

  /** Writes one key unconditionally. Result: {@link Result.PutResult}. */
  record Put(Bytes key, Bytes value) implements Command {
    public boolean isReadOnly() { return false; }
  }

  /** Deletes one key; deleting an absent key succeeds with {@code deleted=false}. Result: {@link Result.DeleteResult}. */
  record Delete(Bytes key) implements Command {
    public boolean isReadOnly() { return false; }
  }

  /**
   * Writes {@code value} only if the key's current state matches {@code expected}: a mod revision (0 for
   * "absent") or a value. A mismatch is a {@link Result.CasResult} with {@code succeeded=false}, never an
   * error.
   */
  record CompareAndSet(Bytes key, Expected expected, Bytes value) implements Command {
    public boolean isReadOnly() { return false; }
  }

  /** Writes the key only if it is absent. Result: {@link Result.CasResult}. */
  record PutIfAbsent(Bytes key, Bytes value) implements Command {
    public boolean isReadOnly() { return false; }
  }

  /**
   * Reads keys in {@code [start, end)} in unsigned byte order, at most {@code limit} of them (0 = the
   * server's maximum). An empty {@code end} means no upper bound. Result: {@link Result.RangeResult}.
   */
  record Range(Bytes start, Bytes end, int limit) implements Command {
    public boolean isReadOnly() { return true; }

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
  }

  /** What a compare-and-set compares against. */
  sealed interface Expected {
    /** The key's mod revision equals {@code modRevision}; 0 means the key must be absent. */
    record Revision(long modRevision) implements Expected {}

    /** The key exists and holds exactly {@code value}. */
    record Value(Bytes value) implements Expected {}
  }
}
