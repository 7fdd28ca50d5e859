package quorumkv.client;

/**
 * Base of every error the client throws; unchecked. Catch a narrower type: the subclass says whether
 * the operation might have taken effect, which is what a caller of a linearizable store needs to decide
 * what to do next.
 *
 * <ul>
 *   <li>{@link KvRejectedException}: definite, the request is wrong and will never apply; fix it.</li>
 *   <li>{@link KvUnavailableException}: definite, no attempt could have been appended; retry later.</li>
 *   <li>{@link KvIndeterminateException}: a write that may or may not have applied; re-read, or retry
 *       only if the operation is idempotent.</li>
 *   <li>{@link KvReplicationIncompleteException}: a {@link Durability#ALL} write that DID apply (its
 *       result is in the exception) but was not confirmed on every voter before the deadline; do not
 *       retry it.</li>
 *   <li>{@link KvLeaseNotFoundException}: definite, the lease is gone (expired or revoked); start over.</li>
 * </ul>
 */
public abstract class KvException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected KvException(String message, Throwable cause) {
    super(message, cause);
  }

  /** True if the operation certainly did not take effect (and never will, from this call). */
  public abstract boolean isDefinite();
}
