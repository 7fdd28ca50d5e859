package quorumkv.raftlog.command;

/**
 * Stable error codes on the wire. A code's name may change, its number never does; never reuse a
 * number. {@code definite} means the operation certainly had no effect. The codes refused before the log
 * travel as {@link RequestRefusedException} types, the others inside replies.
 */
public enum ErrorCode {
  /** Bytes that do not decode as a request of a known format version. */
  MALFORMED_REQUEST(1, true),
  KEY_TOO_LARGE(2, true),
  VALUE_TOO_LARGE(3, true),
  TOO_MANY_OPERATIONS(4, true),
  REQUEST_TOO_LARGE(5, true),
  /** An empty key, a negative limit, or a write inside a read request. */
  INVALID_ARGUMENT(6, true),
  /**
   * The client's session was expired by the cluster and this call's outcome is no longer recorded: it
   * may or may not have applied earlier.
   */
  SESSION_EXPIRED(7, false),
  /** The call id is below the session's acknowledged mark: the client already received its result. */
  STALE_CALL(8, true),
  /**
   * The entry was applied before this node restarted and carried no session, so its result was not
   * kept: it did apply, but what it returned is unknown.
   */
  RESULT_NOT_RECORDED(9, false),
  /**
   * A majority of voters is below its free-space floor (their alarms are in the log): the leader refuses
   * writes before the log until space returns. Reads still work.
   */
  NO_SPACE(10, true),
  /**
   * This leader is below its own free-space floor and is handing leadership to a node with space:
   * refused before the log; retry, which reaches the next leader.
   */
  NODE_DEGRADED(11, true),
  /**
   * The caller's certificate name holds no permission for this command (or it needs admin): never applied.
   * Ask an admin for a grant; retrying the same call fails the same way.
   */
  PERMISSION_DENIED(12, true),
  /**
   * A watch asked for events from a revision the history no longer holds (compacted behind its window):
   * nothing was delivered from there. Re-read the current state, then watch from the revision after it.
   */
  COMPACTED(13, true),
  /**
   * The lease does not exist: it expired, was revoked, or never was. Nothing was applied; a holder has
   * lost whatever the lease guarded (its keys are gone) and must start over with a new lease.
   */
  LEASE_NOT_FOUND(14, true),
  /** The cluster holds its maximum number of leases: revoke unused ones. Nothing was applied. */
  LEASE_LIMIT(15, true);

  private final int number;
  private final boolean definite;

  ErrorCode(int number, boolean definite) {
    this.number = number;
    this.definite = definite;
  }

  public int number() {
    return number;
  }

  /** True if an operation that got this error certainly did not take effect. */
  public boolean isDefinite() {
    return definite;
  }

  public static ErrorCode ofNumber(int number) {
    for (ErrorCode c : values()) {
      if (c.number == number) {
        return c;
      }
    }
    throw new CommandCodecException("unknown error code " + number);
  }
}
