package quorumkv.client.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import quorumkv.client.AsyncKvClient;
import quorumkv.client.KvException;
import quorumkv.client.KvLeases;
import quorumkv.client.KvResult;
import quorumkv.client.LeaseKeepAlive;

/** The blocking lease calls of a client (or view), and its background keep-alives. */
final class LeaseFacet implements KvLeases {
  private final AsyncKvClient async;
  private final ScheduledExecutorService timer;

  LeaseFacet(AsyncKvClient async, ScheduledExecutorService timer) {
    this.async = async;
    this.timer = timer;
  }

  @Override
  public KvResult.Lease grant(Duration ttl) {
    return await(async.grantLease(Objects.requireNonNull(ttl, "ttl")));
  }

  @Override
  public KvResult.Lease keepAliveOnce(long leaseId) {
    return await(async.keepAliveLease(leaseId));
  }

  @Override
  public KvResult.Lease revoke(long leaseId) {
    return await(async.revokeLease(leaseId));
  }

  @Override
  public KvResult.Lease timeToLive(long leaseId) {
    return await(async.leaseTimeToLive(leaseId));
  }

  @Override
  public LeaseKeepAlive keepAlive(KvResult.Lease lease, Consumer<KvException> onLost) {
    LeaseKeeper keeper = new LeaseKeeper(async, timer, Objects.requireNonNull(lease, "lease"),
        Objects.requireNonNull(onLost, "onLost"));
    keeper.start();
    return keeper;
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw Failures.forCaller(e);
    }
  }
}
