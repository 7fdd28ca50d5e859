package quorumkv.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;

/**
 * A client of one QuorumKV cluster: thread-safe, meant to be shared (one per service), and
 * {@link #close() closed} when done. Blocking methods here; the same operations returning futures on
 * {@link #async()}.
 *
 * <p><b>Guarantees.</b> Writes are linearizable and applied exactly once: each client has a random
 * session id and numbers its writes; a retried write (after a timeout, a leader change, a snapshot
 * install or a full-cluster restart) re-sends the same bytes, and the replicated state returns the
 * recorded result instead of applying it again. Reads are {@link ReadConsistency#LINEARIZABLE} unless
 * the call asks for {@link ReadConsistency#FOLLOWER}; {@link ReadOptions} can also aim a read at one
 * replica and at or above a log index. Either way a client never reads below an index it has already seen. Every call ends within the configured {@link KvClientConfig#deadline() deadline}
 * (plus scheduling slack), with a result or a {@link KvException} that says whether the operation could
 * have applied: {@link KvRejectedException} and {@link KvUnavailableException} mean it did not;
 * {@link KvIndeterminateException} (writes only) means it may have. A write of a
 * {@link Durability#ALL} view that applied but was not confirmed on every voter in time ends with
 * {@link KvReplicationIncompleteException}, which carries its result.
 *
 * <p><b>Request path.</b> A put crosses six files of the client, each with one job:
 * <pre>
 *  caller ──► KvClient / AsyncKvClient                 blocking facet waits here for the async one
 *               ▼
 *          ClientCore                                  validate against RequestLimits (reject early),
 *               │                                      encode once (RequestCodec); reads and watches
 *               ▼                                      go straight to CallRunner
 *          WritePath                                   session id + call id + firstUnacked; concurrent
 *               │                                      single-key writes batched into one call
 *               ▼
 *          CallRunner ── deadline timer ────────────►  KvUnavailable / KvIndeterminate at the deadline
 *               │  ▲   backoff (exp + jitter)
 *     attempt   │  │  failure → Failures: rejected? may it have been appended? new leader hint?
 *               ▼  │
 *          Members: leader if known, else next peer    (learnt from GroupInfo / NotLeaderException)
 *               │
 *               ▼
 *          RaftTransport: one Ratis RPC per attempt    (write / read (ReadIndex) / stale read ≥ minIndex)
 *               │  gRPC, unordered stream
 *               ▼
 *   node ──► Raft log ──► KvStateMachine: dedupe by (session, call id), apply, reply Response(index, results)
 * </pre>
 */
public interface KvClient extends AutoCloseable {

  /** The asynchronous facet of this client (with this client's {@link #durability()}). */
  AsyncKvClient async();

  /**
   * A view of this client whose writes, blocking and {@link #async()}, are acknowledged with
   * {@code durability}; for example {@code client.withDurability(Durability.ALL).put(k, v)}. The view
   * shares everything with this client (session, connections, threads, seen index) and is cheap to
   * create. It owns nothing: closing a view does nothing, closing the client ends its views too.
   */
  KvClient withDurability(Durability durability);

  /** How this client's writes are acknowledged: {@link Durability#QUORUM} unless this is a view. */
  Durability durability();

  /** Cluster status and membership changes (shared by this client and its views). */
  KvAdmin admin();

  /**
   * Watches a key or a prefix: {@code listener} hears every change from the start revision on, each
   * exactly once, in revision order, with the events of one revision together, across leader changes,
   * node restarts and partitions (the client resumes on another node from the last revision it
   * received). A watch is authorized like a range read of its keys; a revoke ends it. It ends with an
   * error only when it cannot go on: see {@link WatchListener#onError}.
   */
  default Watch watch(WatchOptions options, WatchListener listener) {
    throw new UnsupportedOperationException("this client cannot watch");
  }

  /** Leases: grant, keep alive (once or in the background), revoke, time to live. */
  default KvLeases leases() {
    throw new UnsupportedOperationException("this client has no leases");
  }

  /**
   * Takes the lock {@code name}, waiting without bound behind earlier waiters (first come, first served);
   * the lock lives as long as a lease of {@code leaseTtl} that the client keeps alive. See {@link KvLock}
   * for fencing. A name so long that its keys would break the key limit is a {@link KvRejectedException}.
   */
  default KvLock lock(String name, java.time.Duration leaseTtl) {
    throw new UnsupportedOperationException("this client has no locks");
  }

  /** As {@link #lock(String, java.time.Duration)}, waiting at most {@code maxWait} ({@link KvUnavailableException}). */
  default KvLock lock(String name, java.time.Duration leaseTtl, java.time.Duration maxWait) {
    throw new UnsupportedOperationException("this client has no locks");
  }

  /** The election {@code name}; candidates hold leases of {@code leaseTtl}. See {@link KvElection}. */
  default KvElection election(String name, java.time.Duration leaseTtl) {
    throw new UnsupportedOperationException("this client has no elections");
  }

  /** Users, roles and grants (admins only; shared by this client and its views). */
  default KvAuth auth() {
    throw new UnsupportedOperationException("this client has no auth facet");
  }

  /**
   * A view of this client that sends every request on behalf of {@code caller}, to be authorized against
   * the caller's grants instead of this client's own rights. For a node's own client acting for an HTTP
   * caller it verified: the nodes honour it only from a member node's certificate and refuse it from
   * anyone else. Writes through the view are not batched.
   */
  default KvClient onBehalfOf(quorumkv.raftlog.command.Caller caller) {
    throw new UnsupportedOperationException("this client cannot act on behalf of another caller");
  }

  /** The highest log index this client has seen in any result; FOLLOWER reads wait for at least it. */
  long lastSeenIndex();

  /**
   * Releases every thread and connection. Calls still running fail: writes that may have been sent
   * with {@link KvIndeterminateException}, everything else with {@link KvUnavailableException}.
   * Idempotent. On a {@link #withDurability} view, does nothing.
   */
  @Override
  void close();

  default KvResult.Get get(Bytes key, ReadConsistency consistency) {
    return awaitRead(async().get(key, consistency));
  }

  /** A point read served as {@code options} say (consistency, replica, minimum index). */
  default KvResult.Get get(Bytes key, ReadOptions options) {
    return awaitRead(async().get(key, options));
  }

  default KvResult.Get get(String key, ReadOptions options) {
    return get(Bytes.utf8(key), options);
  }

  default KvResult.Get get(Bytes key) {
    return get(key, ReadConsistency.LINEARIZABLE);
  }

  default KvResult.Get get(String key) {
    return get(Bytes.utf8(key), ReadConsistency.LINEARIZABLE);
  }

  default KvResult.Get get(String key, ReadConsistency consistency) {
    return get(Bytes.utf8(key), consistency);
  }

  default KvResult.Put put(Bytes key, Bytes value) {
    return awaitWrite(async().put(key, value));
  }

  /** Writes the key attached to a lease (see {@link KvLeases}); {@link KvLeaseNotFoundException} if it is gone. */
  default KvResult.Put put(Bytes key, Bytes value, long leaseId) {
    return awaitWrite(async().put(key, value, leaseId));
  }

  default KvResult.Put put(String key, String value, long leaseId) {
    return put(Bytes.utf8(key), Bytes.utf8(value), leaseId);
  }

  default KvResult.Put put(String key, String value) {
    return put(Bytes.utf8(key), Bytes.utf8(value));
  }

  default KvResult.Delete delete(Bytes key) {
    return awaitWrite(async().delete(key));
  }

  default KvResult.Delete delete(String key) {
    return delete(Bytes.utf8(key));
  }

  /** Writes {@code value} only if the key's mod revision is {@code expectedModRevision} (0: absent). */
  default KvResult.Cas compareAndSet(Bytes key, long expectedModRevision, Bytes value) {
    return awaitWrite(async().compareAndSet(key, expectedModRevision, value));
  }

  default KvResult.Cas compareAndSet(String key, long expectedModRevision, String value) {
    return compareAndSet(Bytes.utf8(key), expectedModRevision, Bytes.utf8(value));
  }

  /** Writes {@code value} only if the key exists and holds exactly {@code expectedValue}. */
  default KvResult.Cas compareAndSet(Bytes key, Bytes expectedValue, Bytes value) {
    return awaitWrite(async().compareAndSet(key, expectedValue, value));
  }

  default KvResult.Cas compareAndSet(String key, String expectedValue, String value) {
    return compareAndSet(Bytes.utf8(key), Bytes.utf8(expectedValue), Bytes.utf8(value));
  }

  default KvResult.Cas putIfAbsent(Bytes key, Bytes value) {
    return awaitWrite(async().putIfAbsent(key, value));
  }

  default KvResult.Cas putIfAbsent(String key, String value) {
    return putIfAbsent(Bytes.utf8(key), Bytes.utf8(value));
  }

  /** Keys in {@code [start, end)}; an empty {@code end} means no upper bound; limit 0 = server maximum. */
  default KvResult.Range range(Bytes start, Bytes end, int limit, ReadConsistency consistency) {
    return awaitRead(async().range(start, end, limit, consistency));
  }

  /** Keys in {@code [start, end)} served as {@code options} say; see {@link #range(Bytes, Bytes, int, ReadConsistency)}. */
  default KvResult.Range range(Bytes start, Bytes end, int limit, ReadOptions options) {
    return awaitRead(async().range(start, end, limit, options));
  }

  default KvResult.Range range(Bytes start, Bytes end, int limit) {
    return range(start, end, limit, ReadConsistency.LINEARIZABLE);
  }

  default KvResult.Range range(String start, String end, int limit) {
    return range(Bytes.utf8(start), Bytes.utf8(end), limit, ReadConsistency.LINEARIZABLE);
  }

  /** Every key starting with {@code prefix}, at most {@code limit} (0 = server maximum). */
  default KvResult.Range prefix(Bytes prefix, int limit, ReadConsistency consistency) {
    return range(prefix, prefix.prefixEnd(), limit, consistency);
  }

  default KvResult.Range prefix(Bytes prefix, int limit) {
    return prefix(prefix, limit, ReadConsistency.LINEARIZABLE);
  }

  default KvResult.Range prefix(String prefix, int limit) {
    return prefix(Bytes.utf8(prefix), limit, ReadConsistency.LINEARIZABLE);
  }

  default KvResult.Range prefix(String prefix, int limit, ReadConsistency consistency) {
    return prefix(Bytes.utf8(prefix), limit, consistency);
  }

  /** Runs a transaction (see {@link TxnBuilder}) through the log, even if it only reads. */
  default KvResult.Txn txn(Command.Txn txn) {
    return awaitWrite(async().txn(txn));
  }

  /** Waits for a read's future; it completes by the call's deadline, so this never waits past it. */
  private static <T> T awaitRead(CompletableFuture<T> future) {
    return await(future, false);
  }

  private static <T> T awaitWrite(CompletableFuture<T> future) {
    return await(future, true);
  }

  /** Unwraps a failed future into the {@link KvException} (or other unchecked exception) it failed with. */
  private static <T> T await(CompletableFuture<T> future, boolean write) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // The call goes on in the background until its deadline: a write may still apply.
      throw write
          ? new KvIndeterminateException("interrupted while waiting; the write may still apply", e)
          : new KvUnavailableException("interrupted while waiting for a read", e);
    } catch (ExecutionException e) {
      Throwable t = e.getCause();
      while (t instanceof CompletionException && t.getCause() != null) {
        t = t.getCause();
      }
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error err) {
        throw err;
      }
      throw new KvUnavailableException("unexpected failure: " + t, t);
    }
  }
}
