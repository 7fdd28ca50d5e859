package quorumkv.client;

import java.util.concurrent.CompletableFuture;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Guard;

/**
 * A held lock (from {@link KvClient#lock}) or a won election ({@link KvElection#campaign}), built on a
 * lease and compare-and-set as etcd's concurrency recipes: each contender writes a key of its own under
 * the lock's name, attached to its lease, and holds the lock once no older contender's key remains
 * (waiters are served in the order they arrived). The holder's lease is kept alive in the background; if
 * that fails the lock is {@link #lost() lost}.
 *
 * <p><b>Fencing.</b> {@link #fencingToken()} is the revision that created this holder's key: it only grows
 * from holder to holder. A holder that was paused (a GC pause, a frozen VM) may wake up after its lease
 * expired and another took over, still believing it holds the lock: its writes must be fenced.
 * {@link #fenced} runs operations in one transaction guarded by {@link #guard()} ("my key still exists
 * with my token"), which the store checks when the transaction applies: once a newer holder exists, the
 * old holder's key is gone and its fenced writes are refused ({@code succeeded == false}). Other systems
 * can fence on the token itself: accept a write only with a token at least the highest seen.
 */
public interface KvLock extends AutoCloseable {

  /** The lock's (or election's) name. */
  String name();

  /** This holder's key: the name, '/', the lease id in 16 hex digits. */
  Bytes key();

  /** The revision that created this holder's key; grows with every new holder. */
  long fencingToken();

  long leaseId();

  /** True until released or lost (the store may already have ended it: fence your writes). */
  boolean isHeld();

  /** Completes with the reason if the lease was lost while held (see {@link KvLeases#keepAlive}). */
  CompletableFuture<KvException> lost();

  /** Holds while this holder's key exists with its fencing token, that is, while it holds the lock. */
  default Guard guard() {
    return new Guard(key(), Guard.Target.CREATE_REVISION, Guard.Op.EQUAL, fencingToken(), Bytes.EMPTY);
  }

  /**
   * Runs {@code operations} in one transaction only if this holder still holds the lock when it applies;
   * {@code succeeded == false} (nothing written) once a newer holder exists.
   */
  KvResult.Txn fenced(Command... operations);

  /** Releases the lock (revokes its lease, deleting its key); the next waiter takes over. Idempotent. */
  @Override
  void close();
}
