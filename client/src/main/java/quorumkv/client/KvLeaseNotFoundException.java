package quorumkv.client;

/**
 * Definite: the lease does not exist (it expired, was revoked, or never was), and nothing was applied.
 * Whatever the lease guarded is gone (its keys were deleted); a holder must start over with a new lease.
 */
public final class KvLeaseNotFoundException extends KvException {
  private static final long serialVersionUID = 1L;

  public KvLeaseNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isDefinite() {
    return true;
  }
}
