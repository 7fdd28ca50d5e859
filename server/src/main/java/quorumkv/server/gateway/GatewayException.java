package quorumkv.server.gateway;

import quorumkv.raftlog.command.ErrorCode;

/**
 * A call through the {@link ClusterGateway} that did not produce a result. {@link #kind()} says whether
 * it could have taken effect, the fact a caller of a linearizable store needs (STYLE.md section 4).
 */
public final class GatewayException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What happened, and whether the operation could have applied. */
  public enum Kind {
    /** Definite: refused before the log (bad request, over a limit); {@link #code()} says why. */
    REJECTED,
    /** Definite: no leader or no quorum reachable in time; nothing applied. Retry later. */
    UNAVAILABLE,
    /** A write that may or may not have applied (timed out after it was sent). Re-read before retrying. */
    INDETERMINATE
  }

  private final Kind kind;
  private final transient ErrorCode code;

  public GatewayException(Kind kind, ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.code = code;
  }

  public Kind kind() {
    return kind;
  }

  /** The wire code of a rejection (or of a definite/indefinite failure the state machine reported); may be null. */
  public ErrorCode code() {
    return code;
  }
}
