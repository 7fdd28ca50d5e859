package quorumkv.client;

import java.util.concurrent.CompletableFuture;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;

/**
 * The asynchronous facet of a {@link KvClient}: the same operations and guarantees, returning futures.
 * Every future completes within the call's deadline, normally with its result or exceptionally with a
 * {@link KvException} subclass (never wrapped twice: {@code future.join()} throws a
 * {@link java.util.concurrent.CompletionException} whose cause is the {@code KvException}). Futures
 * complete on the client's callback threads: keep dependent actions short or move them elsewhere.
 *
 * <p>Operations issued concurrently are not ordered with respect to each other; chain on the future
 * to order them.
 */
public interface AsyncKvClient {

  /** The same as {@code get(key, ReadOptions.of(consistency))}. */
  CompletableFuture<KvResult.Get> get(Bytes key, ReadConsistency consistency);

  /** A point read served as {@code options} say (consistency, replica, minimum index). */
  CompletableFuture<KvResult.Get> get(Bytes key, ReadOptions options);

  CompletableFuture<KvResult.Put> put(Bytes key, Bytes value);

  /**
   * Writes the key attached to lease {@code leaseId} (see {@link KvLeases}): it is deleted when the lease
   * is revoked or expires. Fails with {@link KvLeaseNotFoundException}, writing nothing, if the lease is gone.
   */
  CompletableFuture<KvResult.Put> put(Bytes key, Bytes value, long leaseId);

  /** Grants a lease of {@code ttl} (1 s to 24 h); see {@link KvLeases#grant}. */
  CompletableFuture<KvResult.Lease> grantLease(java.time.Duration ttl);

  /** Renews the lease once, through the log; see {@link KvLeases#keepAliveOnce}. */
  CompletableFuture<KvResult.Lease> keepAliveLease(long leaseId);

  /** Revokes the lease, deleting its keys in one revision; see {@link KvLeases#revoke}. */
  CompletableFuture<KvResult.Lease> revokeLease(long leaseId);

  /** The lease's TTL, remaining time and key count; see {@link KvLeases#timeToLive}. */
  CompletableFuture<KvResult.Lease> leaseTimeToLive(long leaseId);

  CompletableFuture<KvResult.Delete> delete(Bytes key);

  /** Writes {@code value} only if the key's mod revision is {@code expectedModRevision} (0: absent). */
  CompletableFuture<KvResult.Cas> compareAndSet(Bytes key, long expectedModRevision, Bytes value);

  /** Writes {@code value} only if the key exists and holds exactly {@code expectedValue}. */
  CompletableFuture<KvResult.Cas> compareAndSet(Bytes key, Bytes expectedValue, Bytes value);

  CompletableFuture<KvResult.Cas> putIfAbsent(Bytes key, Bytes value);

  /** Keys in {@code [start, end)}; an empty {@code end} means no upper bound; limit 0 = server maximum. */
  /** The same as {@code range(start, end, limit, ReadOptions.of(consistency))}. */
  CompletableFuture<KvResult.Range> range(Bytes start, Bytes end, int limit, ReadConsistency consistency);

  /** Keys in {@code [start, end)} served as {@code options} say. */
  CompletableFuture<KvResult.Range> range(Bytes start, Bytes end, int limit, ReadOptions options);

  /** Runs a transaction (see {@link TxnBuilder}) through the log, even if it only reads. */
  CompletableFuture<KvResult.Txn> txn(Command.Txn txn);

  default CompletableFuture<KvResult.Get> get(Bytes key) {
    return get(key, ReadConsistency.LINEARIZABLE);
  }

  default CompletableFuture<KvResult.Get> get(String key) {
    return get(Bytes.utf8(key), ReadConsistency.LINEARIZABLE);
  }

  default CompletableFuture<KvResult.Get> get(String key, ReadConsistency consistency) {
    return get(Bytes.utf8(key), consistency);
  }

  default CompletableFuture<KvResult.Get> get(String key, ReadOptions options) {
    return get(Bytes.utf8(key), options);
  }

  default CompletableFuture<KvResult.Put> put(String key, String value) {
    return put(Bytes.utf8(key), Bytes.utf8(value));
  }

  default CompletableFuture<KvResult.Delete> delete(String key) {
    return delete(Bytes.utf8(key));
  }

  default CompletableFuture<KvResult.Cas> compareAndSet(String key, long expectedModRevision, String value) {
    return compareAndSet(Bytes.utf8(key), expectedModRevision, Bytes.utf8(value));
  }

  default CompletableFuture<KvResult.Cas> compareAndSet(String key, String expectedValue, String value) {
    return compareAndSet(Bytes.utf8(key), Bytes.utf8(expectedValue), Bytes.utf8(value));
  }

  default CompletableFuture<KvResult.Cas> putIfAbsent(String key, String value) {
    return putIfAbsent(Bytes.utf8(key), Bytes.utf8(value));
  }

  default CompletableFuture<KvResult.Range> range(Bytes start, Bytes end, int limit) {
    return range(start, end, limit, ReadConsistency.LINEARIZABLE);
  }

  default CompletableFuture<KvResult.Range> range(String start, String end, int limit) {
    return range(Bytes.utf8(start), Bytes.utf8(end), limit, ReadConsistency.LINEARIZABLE);
  }

  /** Every key starting with {@code prefix}, at most {@code limit} (0 = server maximum). */
  default CompletableFuture<KvResult.Range> prefix(Bytes prefix, int limit, ReadConsistency consistency) {
    return range(prefix, prefix.prefixEnd(), limit, consistency);
  }

  default CompletableFuture<KvResult.Range> prefix(Bytes prefix, int limit) {
    return prefix(prefix, limit, ReadConsistency.LINEARIZABLE);
  }

  default CompletableFuture<KvResult.Range> prefix(String prefix, int limit) {
    return prefix(Bytes.utf8(prefix), limit, ReadConsistency.LINEARIZABLE);
  }

  default CompletableFuture<KvResult.Range> prefix(String prefix, int limit, ReadConsistency consistency) {
    return prefix(Bytes.utf8(prefix), limit, consistency);
  }
}
