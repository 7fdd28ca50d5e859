package quorumkv.client.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.KvClient;
import quorumkv.client.KvException;
import quorumkv.client.KvLeaseNotFoundException;
import quorumkv.client.KvLock;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvResult;
import quorumkv.client.KvUnavailableException;
import quorumkv.client.LeaseKeepAlive;
import quorumkv.client.Watch;
import quorumkv.client.WatchListener;
import quorumkv.client.WatchOptions;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Event;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.raftlog.command.Result;

/**
 * Takes a lock (or wins an election) as etcd's concurrency recipes do: grant a lease and keep it alive;
 * write this contender's key {@code name/<lease id in 16 hex digits>} with the lease in a transaction (if
 * it does not exist yet: a retried call finds it), whose create revision is the contender's place in line
 * and its fencing token; then, until no older contender's key remains, watch the key just older than ours
 * for its delete (so each release or expiry wakes only the next waiter: first come, first served). The
 * writes are transactions, never batched, so every contender's key gets a revision of its own.
 */
final class LockRecipe {
  private static final Logger LOG = LoggerFactory.getLogger(LockRecipe.class);
  /** Hex digits of the lease id that end every contender's key. */
  static final int ID_DIGITS = 16;

  private LockRecipe() {}

  /**
   * Waits for the lock {@code name} (at most {@code maxWaitNanos}; negative: without bound) and returns it
   * held; on any failure nothing stays behind (the lease is revoked, or expires).
   */
  static KvLock acquire(KvClient client, int maxKeyBytes, String name, Bytes value, Duration ttl, long maxWaitNanos) {
    Bytes prefix = prefix(name, maxKeyBytes);
    long deadline = System.nanoTime() + maxWaitNanos;
    KvResult.Lease lease = client.leases().grant(Objects.requireNonNull(ttl, "ttl"));
    Held held = new Held(client, name, Bytes.utf8(prefix.toStringUtf8() + String.format("%016x", lease.id())),
        lease.id());
    try {
      held.keeper = client.leases().keepAlive(lease, held.lost::complete);
      Command.Txn txn = new Command.Txn(
          List.of(new Guard(held.key, Guard.Target.CREATE_REVISION, Guard.Op.EQUAL, 0, Bytes.EMPTY)),
          List.of(new Command.Put(held.key, value, lease.id())), List.of(new Command.Get(held.key)));
      KvResult.Txn written = client.txn(txn);
      Result first = written.results().get(0);
      held.token = written.succeeded() ? ((Result.PutResult) first).revision()
          : ((Result.GetResult) first).kv().createRevision();
      waitForTurn(client, held, prefix, maxWaitNanos < 0 ? Long.MAX_VALUE : deadline);
      return held;
    } catch (RuntimeException e) {
      held.close();
      throw e;
    } catch (InterruptedException e) {
      held.close();
      Thread.currentThread().interrupt();
      throw new KvUnavailableException("lock " + name + ": interrupted while waiting", e);
    }
  }

  /** The key prefix of {@code name}'s contenders; refuses a name whose keys would break the key limit. */
  static Bytes prefix(String name, int maxKeyBytes) {
    if (name == null || name.isEmpty()) {
      throw new KvRejectedException(ErrorCode.INVALID_ARGUMENT, "a lock or election needs a name", null);
    }
    Bytes prefix = Bytes.utf8(name + "/");
    if (prefix.size() + ID_DIGITS > maxKeyBytes) {
      throw new KvRejectedException(ErrorCode.KEY_TOO_LARGE, "lock or election name of " + (prefix.size() - 1)
          + " bytes: its keys would have " + (prefix.size() + ID_DIGITS) + " bytes, above the key limit of "
          + maxKeyBytes, null);
    }
    return prefix;
  }

  /** True for a contender's key under {@code prefix} (not a key of a longer name that shares it). */
  static boolean isContender(Bytes prefix, KeyValue kv) {
    Bytes key = kv.key();
    if (!key.startsWith(prefix) || key.size() != prefix.size() + ID_DIGITS) {
      return false;
    }
    for (byte b : java.util.Arrays.copyOfRange(key.unsafeArray(), prefix.size(), key.size())) {
      if (Character.digit(b, 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static void waitForTurn(KvClient client, Held held, Bytes prefix, long deadline) throws InterruptedException {
    while (true) {
      if (held.lost.isDone()) {
        throw held.lost.join();
      }
      KvResult.Range contenders = client.prefix(prefix, 0);
      if (contenders.more()) {
        throw new KvRejectedException(ErrorCode.INVALID_ARGUMENT, "lock " + held.name + " has more contenders than"
            + " one range returns; too many waiters", null);
      }
      KeyValue predecessor = null;
      boolean mine = false;
      for (KeyValue kv : contenders.keyValues()) {
        if (!isContender(prefix, kv)) {
          continue;
        }
        mine |= kv.key().equals(held.key);
        if (kv.createRevision() < held.token && (predecessor == null || kv.createRevision() > predecessor.createRevision())) {
          predecessor = kv;
        }
      }
      if (!mine) {
        throw new KvLeaseNotFoundException("lock " + held.name + ": this contender's key is gone (its lease "
            + held.leaseId + " expired or was revoked while waiting)", null);
      }
      if (predecessor == null) {
        return;
      }
      awaitDelete(client, held, predecessor.key(), contenders.revision() + 1, deadline);
    }
  }

  /** Waits until {@code key} is deleted at or after {@code fromRevision}. */
  private static void awaitDelete(KvClient client, Held held, Bytes key, long fromRevision, long deadline)
      throws InterruptedException {
    CompletableFuture<Void> deleted = new CompletableFuture<>();
    held.lost.thenAccept(deleted::completeExceptionally);
    try (Watch w = client.watch(new WatchOptions(key, false, fromRevision, false, WatchOptions.DEFAULT_BUFFER_LIMIT),
        new WatchListener() {
          @Override
          public void onEvents(long revision, List<Event> events) {
            if (events.stream().anyMatch(e -> e.type() == Event.Type.DELETE)) {
              deleted.complete(null);
            }
          }

          @Override
          public void onError(KvException error) {
            deleted.completeExceptionally(error);
          }
        })) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new TimeoutException();
      }
      deleted.get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new KvUnavailableException("lock " + held.name + " not acquired in time: an earlier contender still"
          + " holds it or waits", null);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof KvException k ? k : new KvUnavailableException("lock " + held.name + ": " + e, e);
    }
  }

  /** A held lock: released by revoking its lease. */
  private static final class Held implements KvLock {
    private final KvClient client;
    private final String name;
    private final Bytes key;
    private final long leaseId;
    private final CompletableFuture<KvException> lost = new CompletableFuture<>();
    private volatile LeaseKeepAlive keeper;
    private volatile long token;
    private volatile boolean released;

    Held(KvClient client, String name, Bytes key, long leaseId) {
      this.client = client;
      this.name = name;
      this.key = key;
      this.leaseId = leaseId;
    }

    @Override public String name() { return name; }
    @Override public Bytes key() { return key; }
    @Override public long fencingToken() { return token; }
    @Override public long leaseId() { return leaseId; }
    @Override public boolean isHeld() { return !released && !lost.isDone(); }
    @Override public CompletableFuture<KvException> lost() { return lost; }

    @Override
    public KvResult.Txn fenced(Command... operations) {
      return client.txn(new Command.Txn(List.of(guard()), List.of(operations), List.of()));
    }

    @Override
    public synchronized void close() {
      if (released) {
        return;
      }
      released = true;
      LeaseKeepAlive k = keeper;
      if (k != null) {
        k.close();
      }
      try {
        client.leases().revoke(leaseId);
      } catch (KvLeaseNotFoundException e) {
        // already expired: nothing to release
      } catch (KvException e) {
        LOG.warn("lock {}: releasing lease {} failed ({}); it expires within its TTL", name, leaseId, e.toString());
      }
    }

    @Override
    public String toString() {
      return "lock " + name + " token " + token + (isHeld() ? " held" : " released or lost");
    }
  }
}
