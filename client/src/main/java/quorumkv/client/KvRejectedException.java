package quorumkv.client;

import quorumkv.raftlog.command.ErrorCode;

/**
 * Definite: the request was refused before it reached the Raft log (malformed, over a
 * {@link quorumkv.raftlog.command.RequestLimits limit}, an invalid argument) and will never apply.
 * Retrying the same request fails the same way; fix the request instead.
 */
public final class KvRejectedException extends KvException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public KvRejectedException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The stable wire code of the refusal, e.g. {@link ErrorCode#VALUE_TOO_LARGE}. */
  public ErrorCode code() {
    return code;
  }

  @Override
  public boolean isDefinite() {
    return true;
  }
}
