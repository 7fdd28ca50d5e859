package quorumkv.client;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Leases, as in etcd: a lease lives for its TTL after its grant or last keep-alive; keys written with it
 * ({@link KvClient#put(String, String, long)}) are deleted, all in one revision (watchers see the deletes),
 * when it is revoked or expires.
 *
 * <p><b>Who decides.</b> Only the leader decides expiry, on its own clock, and proposes it through the log;
 * replicas never expire anything on theirs. Keep-alives go through the log too, and an expiry names the
 * renewal it ends, so a keep-alive that the cluster applied first always wins: once a keep-alive returns,
 * the lease lives at least its TTL from when the keep-alive was sent. After a leader change the new leader
 * gives every lease its whole TTL again from when it took over: a failover can lengthen a lease by up to
 * one TTL, never shorten it. Once nobody keeps it alive, the keys are gone within the TTL plus the
 * expiry slack (README: about 1 s on a healthy cluster).
 *
 * <p>A lease belongs to the user that granted it: only that user (or an admin) keeps it alive, revokes it,
 * asks about it or attaches keys to it.
 */
public interface KvLeases {

  /** Grants a lease of {@code ttl} (1 s to 24 h; anything else is a {@link KvRejectedException}). */
  KvResult.Lease grant(Duration ttl);

  /** Renews the lease once; {@link KvLeaseNotFoundException} if it is gone (its keys are deleted). */
  KvResult.Lease keepAliveOnce(long leaseId);

  /** Revokes the lease, deleting its keys in one revision; {@link KvLeaseNotFoundException} if it is gone. */
  KvResult.Lease revoke(long leaseId);

  /** The lease's TTL, the serving node's estimate of its remaining time, and how many keys it holds. */
  KvResult.Lease timeToLive(long leaseId);

  /**
   * Keeps {@code lease} alive in the background, every third of its TTL, until closed or lost. It never
   * stops silently: {@code onLost} is called once (on a client thread) with
   * {@link KvLeaseNotFoundException} if the cluster says the lease is gone, or {@link KvUnavailableException}
   * if no keep-alive succeeded for a whole TTL (the lease may have expired: act as if it had). Closing
   * the returned handle stops the keep-alives without revoking the lease.
   *
   * @param lease a lease as granted or last renewed: the keeper counts its remaining time from now
   */
  LeaseKeepAlive keepAlive(KvResult.Lease lease, Consumer<KvException> onLost);
}
