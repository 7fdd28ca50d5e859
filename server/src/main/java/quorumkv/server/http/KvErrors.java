package quorumkv.server.http;

import java.util.Locale;
import quorumkv.client.KvException;
import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvNoSpaceException;
import quorumkv.client.KvPermissionDeniedException;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvUnavailableException;
import quorumkv.raftlog.command.ErrorCode;

/**
 * HTTP answers for the client library's failures, each saying whether the operation could have applied:
 * 4xx for a definite refusal (with its code), 503 for unavailable (nothing applied, retry), 507 when a
 * majority of voters is out of disk space (nothing applied, retry once space returns), 504 for an outcome
 * that is unknown.
 */
final class KvErrors {
  private KvErrors() {}

  /** A failed read ({@code isWrite} false) or write through the node's client or its local reads. */
  static ApiException toApi(KvException e, boolean isWrite) {
    String notApplied = isWrite ? "not_applied" : null;
    if (e instanceof KvPermissionDeniedException) {
      return new ApiException(403, "permission_denied", e.getMessage(), notApplied);
    }
    if (e instanceof KvNoSpaceException) {
      return new ApiException(507, "no_space", e.getMessage(), notApplied);
    }
    if (e instanceof KvRejectedException r) {
      return new ApiException(status(r.code()), r.code() == null ? "rejected" : r.code().name().toLowerCase(Locale.ROOT),
          e.getMessage(), notApplied);
    }
    if (e instanceof KvUnavailableException) {
      return new ApiException(503, "unavailable", (isWrite ? "nothing applied, retry: " : "retry: ") + e.getMessage(),
          notApplied);
    }
    // KvIndeterminateException; the node's writes are QUORUM, so never KvReplicationIncompleteException.
    return outcomeUnknown("write", e);
  }

  /**
   * A failed membership change or leader transfer ({@code KvAdmin}): 409 if it does not fit the
   * configuration, 503 if nothing was changed, 504 if a change was sent and may still complete.
   */
  static ApiException admin(KvException e) {
    if (e instanceof KvRejectedException) {
      return new ApiException(409, "conflict", e.getMessage());
    }
    if (e instanceof KvIndeterminateException) {
      return outcomeUnknown("change", e);
    }
    return new ApiException(503, "unavailable", "nothing changed, retry: " + e.getMessage());
  }

  private static ApiException outcomeUnknown(String what, KvException e) {
    return new ApiException(504, "outcome_unknown",
        "the " + what + " may or may not have applied; re-read before retrying: " + e.getMessage(), "unknown");
  }

  private static int status(ErrorCode code) {
    if (code == null) {
      return 400;
    }
    return switch (code) {
      case KEY_TOO_LARGE, VALUE_TOO_LARGE, REQUEST_TOO_LARGE, TOO_MANY_OPERATIONS -> 413;
      case STALE_CALL -> 409;
      default -> 400;
    };
  }
}
