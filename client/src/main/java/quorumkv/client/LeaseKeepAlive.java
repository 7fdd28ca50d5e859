package quorumkv.client;

import java.util.concurrent.CompletableFuture;

/** A background keep-alive of one lease (see {@link KvLeases#keepAlive}). */
public interface LeaseKeepAlive extends AutoCloseable {

  long leaseId();

  /** True until it is closed or the lease is lost. */
  boolean isAlive();

  /**
   * Milliseconds for which the lease certainly lives, from the send time of the last keep-alive that
   * succeeded plus its TTL; 0 once that moment passed (or the lease is lost).
   */
  long certainMillis();

  /** Completes with the reason the lease was lost, after the loss callback has run; never completes if it was closed first. */
  CompletableFuture<KvException> lost();

  /** Stops the keep-alives; the lease is not revoked (it expires after its TTL unless revoked). */
  @Override
  void close();
}
