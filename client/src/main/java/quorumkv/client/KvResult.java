package quorumkv.client;

import java.util.List;
import java.util.Optional;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.raftlog.command.Result;

/**
 * The outcome of one operation, with the Raft log index it was served at: for a write, the index of the
 * entry that carried it; for a read, the applied index of the replica that answered. Business outcomes
 * are results, never exceptions: an absent key is an empty {@link Get}, a failed compare is a
 * {@link Cas} with {@code succeeded() == false}.
 *
 * <p>Revisions follow etcd: a key's mod revision is the revision of the entry that last wrote it, and
 * revisions never go backwards. A {@link KeyValue} is null where the key is absent.
 */
public sealed interface KvResult {

  /** The log index this result was served at; a client's indexes never go backwards. */
  long index();

  /** A point read. {@code keyValue} is null if the key is absent. */
  record Get(long index, KeyValue keyValue) implements KvResult {
    public boolean isPresent() {
      return keyValue != null;
    }

    /** The value, or null if the key is absent. */
    public Bytes value() {
      return keyValue == null ? null : keyValue.value();
    }

    /** The value as UTF-8 text, or null if the key is absent. */
    public String valueUtf8() {
      return keyValue == null ? null : keyValue.value().toStringUtf8();
    }

    /** The key's mod revision, 0 if absent: the number to pass to a compare-and-set. */
    public long modRevision() {
      return keyValue == null ? 0 : keyValue.modRevision();
    }

    public Optional<KeyValue> toOptional() {
      return Optional.ofNullable(keyValue);
    }
  }

  /** An unconditional write. {@code previous} is null if the key was absent. */
  record Put(long index, long revision, KeyValue previous) implements KvResult {}

  /** A delete; {@code previous} is the deleted entry, null if the key was absent (nothing changed). */
  record Delete(long index, long revision, KeyValue previous) implements KvResult {
    public boolean deleted() {
      return previous != null;
    }
  }

  /**
   * A compare-and-set or put-if-absent. {@code revision} is the revision written on success, 0 on
   * failure; {@code current} is the key's state after the operation (null if absent), so a caller that
   * lost the race can retry against {@code current.modRevision()} without another read.
   */
  record Cas(long index, boolean succeeded, long revision, KeyValue current) implements KvResult {}

  /**
   * Keys in order; {@code more} is true if the limit cut the listing short. {@code revision} is the
   * revision of the state read: a watch from {@code revision + 1} sees every later change of those keys
   * (read, then watch, and miss nothing).
   */
  record Range(long index, List<KeyValue> keyValues, boolean more, long revision) implements KvResult {
    public Range {
      keyValues = List.copyOf(keyValues);
    }
  }

  /**
   * A lease (see {@link KvLeases}).
   *
   * @param ttl its time to live: the leader expires it once this long passed without a keep-alive
   * @param remaining the time left: the whole TTL after a grant or keep-alive; an estimate of the serving
   *     node after a time-to-live query; zero after a revoke
   * @param keys the keys attached (time-to-live query) or deleted (revoke)
   */
  record Lease(long index, long id, java.time.Duration ttl, java.time.Duration remaining, long keys)
      implements KvResult {}

  /**
   * A transaction: {@code succeeded} says whether every guard held; {@code results} has one entry per
   * operation of the branch that ran, in order.
   */
  record Txn(long index, boolean succeeded, List<Result> results) implements KvResult {
    public Txn {
      results = List.copyOf(results);
    }
  }
}
