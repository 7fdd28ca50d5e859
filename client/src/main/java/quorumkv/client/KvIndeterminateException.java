package quorumkv.client;

/**
 * The outcome of a write is unknown: it may have applied, or may still apply, or may never apply. Thrown
 * when a write's deadline ran out after at least one attempt might have been appended to the log (a
 * timeout after sending, a connection lost while the leader held the request, a leader that stepped
 * down mid-commit), or when the cluster no longer remembers the call's result
 * ({@link quorumkv.raftlog.command.ErrorCode#SESSION_EXPIRED}).
 *
 * <p>At-most-once holds for the call that failed: the client never re-sends it after throwing this, and
 * the cluster refuses a late copy once the client's next write has acknowledged past it. At-least-once
 * does not hold. The caller should re-read the state, or retry only if the operation is idempotent
 * (a compare-and-set against a known revision is a safe retry). Only writes end this way.
 */
public final class KvIndeterminateException extends KvException {
  private static final long serialVersionUID = 1L;

  public KvIndeterminateException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isDefinite() {
    return false;
  }
}
