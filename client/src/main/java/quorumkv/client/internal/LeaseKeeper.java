package quorumkv.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.AsyncKvClient;
import quorumkv.client.KvException;
import quorumkv.client.KvLeaseNotFoundException;
import quorumkv.client.KvResult;
import quorumkv.client.KvUnavailableException;
import quorumkv.client.LeaseKeepAlive;

/**
 * Keeps one lease alive: a keep-alive every third of its TTL (one at a time), sooner again after a
 * failure. The lease certainly lives until the send time of the last keep-alive that succeeded plus its
 * TTL; a watchdog fires at that moment, so a cluster that stops answering (or a call that hangs) ends the
 * keeper with {@link KvUnavailableException} on time rather than silently. A keep-alive refused because
 * the lease is gone ends it with {@link KvLeaseNotFoundException}.
 */
final class LeaseKeeper implements LeaseKeepAlive {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
  /** Pause after a failed keep-alive before the next try. */
  private static final long RETRY_MILLIS = 200;

  private final AsyncKvClient async;
  private final ScheduledExecutorService timer;
  private final long id;
  private final long ttlNanos;
  private final Consumer<KvException> onLost;
  private final CompletableFuture<KvException> lost = new CompletableFuture<>();
  private long certainUntilNanos;
  private boolean ended;
  private ScheduledFuture<?> next, watchdog;

  LeaseKeeper(AsyncKvClient async, ScheduledExecutorService timer, KvResult.Lease lease, Consumer<KvException> onLost) {
    this.async = async;
    this.timer = timer;
    this.id = lease.id();
    this.ttlNanos = lease.ttl().toNanos();
    this.onLost = onLost;
    this.certainUntilNanos = System.nanoTime() + lease.remaining().toNanos();
  }

  synchronized void start() {
    armWatchdog();
    schedule(0);
  }

  private synchronized void schedule(long delayNanos) {
    if (ended) {
      return;
    }
    try {
      next = timer.schedule(this::send, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      lose(new KvUnavailableException("lease " + id + ": the client is closed; keep-alives stopped", e));
    }
  }

  private void send() {
    synchronized (this) {
      if (ended) {
        return;
      }
    }
    long sentAt = System.nanoTime();
    CompletableFuture<KvResult.Lease> call;
    try {
      call = async.keepAliveLease(id);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete((renewed, failure) -> settled(sentAt, failure));
  }

  private synchronized void settled(long sentAt, Throwable failure) {
    if (ended) {
      return;
    }
    if (failure == null) {
      certainUntilNanos = Math.max(certainUntilNanos, sentAt + ttlNanos);
      armWatchdog();
      schedule(ttlNanos / 3);
      return;
    }
    RuntimeException thrown = Failures.forCaller(failure);
    KvException cause = thrown instanceof KvException k ? k
        : new KvUnavailableException("lease " + id + ": keep-alive failed: " + thrown, thrown);
    if (cause instanceof KvLeaseNotFoundException) {
      lose(cause);
      return;
    }
    LOG.debug("lease {}: keep-alive failed, trying again: {}", id, cause.toString());
    schedule(Math.min(ttlNanos / 3, TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS)));
  }

  /** Fires when the lease is no longer certain to live, unless a keep-alive succeeds before. */
  private void armWatchdog() {
    if (watchdog != null) {
      watchdog.cancel(false);
    }
    long delay = certainUntilNanos - System.nanoTime();
    try {
      watchdog = timer.schedule(this::checkCertain, Math.max(0, delay), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      lose(new KvUnavailableException("lease " + id + ": the client is closed; keep-alives stopped", e));
    }
  }

  private synchronized void checkCertain() {
    if (!ended && System.nanoTime() - certainUntilNanos >= 0) {
      lose(new KvUnavailableException("lease " + id + ": no keep-alive succeeded within its TTL of "
          + TimeUnit.NANOSECONDS.toMillis(ttlNanos) + " ms; it may have expired (act as if it had)", null));
    }
  }

  /**
   * Ends the keeper and tells the caller why, once: the callback first, then {@link #lost()}, so that
   * whoever waits on the future finds the callback's work done (LeaseIT once saw the future complete while
   * the callback had not yet run).
   */
  private void lose(KvException cause) {
    if (ended) {
      return;
    }
    stop();
    try {
      onLost.accept(cause);
    } catch (RuntimeException e) {
      LOG.warn("lease {}: the onLost callback threw", id, e);
    }
    lost.complete(cause);
  }

  private void stop() {
    ended = true;
    if (next != null) {
      next.cancel(false);
    }
    if (watchdog != null) {
      watchdog.cancel(false);
    }
  }

  @Override
  public long leaseId() {
    return id;
  }

  @Override
  public synchronized boolean isAlive() {
    return !ended;
  }

  @Override
  public synchronized long certainMillis() {
    return ended ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(certainUntilNanos - System.nanoTime()));
  }

  @Override
  public CompletableFuture<KvException> lost() {
    return lost;
  }

  @Override
  public synchronized void close() {
    stop();
  }
}
