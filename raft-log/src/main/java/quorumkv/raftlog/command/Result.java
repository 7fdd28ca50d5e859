package quorumkv.raftlog.command;

import java.util.List;

/**
 * The outcome of one {@link Command}. Business outcomes (absent key, failed compare, failed guard, a
 * limit) are results; only transport and consensus failures are exceptions on the client.
 */
public sealed interface Result {

  /** {@code kv} is null when the key is absent. */
  record GetResult(KeyValue kv) implements Result {}

  /** @param revision the revision this put wrote; {@code previous} is null if the key was absent. */
  record PutResult(long revision, KeyValue previous) implements Result {}

  /** @param previous the deleted key-value, or null if the key was absent (then nothing changed). */
  record DeleteResult(long revision, KeyValue previous) implements Result {
    public boolean deleted() {
      return previous != null;
    }
  }

  /**
   * For compare-and-set and put-if-absent. {@code revision} is the revision written on success (0 on
   * failure); {@code current} is the key's state after the operation (null if absent).
   */
  record CasResult(boolean succeeded, long revision, KeyValue current) implements Result {}

  /**
   * @param more true if the limit cut the listing short.
   * @param revision the revision of the state it read (0 from a node of an earlier version): a watch from
   *     the revision after it misses no change since the read
   */
  record RangeResult(List<KeyValue> kvs, boolean more, long revision) implements Result {
    public RangeResult {
      kvs = List.copyOf(kvs);
    }

    public RangeResult(List<KeyValue> kvs, boolean more) {
      this(kvs, more, 0);
    }
  }

  /** @param results one per operation of the branch that ran. */
  record TxnResult(boolean succeeded, List<Result> results) implements Result {
    public TxnResult {
      results = List.copyOf(results);
    }
  }

  /**
   * A lease after a {@link Command.Lease} operation.
   *
   * @param remainingMillis the time left before the leader expires it (a grant or keep-alive: the whole
   *     TTL; a time-to-live query: the serving node's estimate; a revoke or an expiry: 0; an expiry that a
   *     renewal overtook: -1)
   * @param keys the keys attached (a time-to-live query) or deleted (a revoke or an expiry)
   */
  record LeaseResult(long id, long ttlMillis, long remainingMillis, long keys) implements Result {}

  /** The replicated users and roles, for an {@link Request.AuthRead}. */
  record AuthResult(AuthState state) implements Result {}

  /** A command that could not run; the code says whether anything could have changed (never, here). */
  record Error(ErrorCode code, String message) implements Result {}
}
