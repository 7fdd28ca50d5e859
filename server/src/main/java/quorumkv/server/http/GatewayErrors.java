package quorumkv.server.http;

import java.util.Locale;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.server.gateway.GatewayException;

/** HTTP statuses for gateway failures: 4xx definite refusals, 503 unavailable, 504 outcome unknown. */
final class GatewayErrors {
  private GatewayErrors() {}

  static ApiException toApi(GatewayException e, boolean isWrite) {
    String notApplied = isWrite ? "not_applied" : null;
    return switch (e.kind()) {
      case REJECTED -> new ApiException(status(e.code()), e.code() == null ? "rejected" : e.code().name().toLowerCase(Locale.ROOT),
          e.getMessage(), notApplied);
      case UNAVAILABLE -> new ApiException(503, "unavailable", e.getMessage(), notApplied);
      case INDETERMINATE -> new ApiException(504, "outcome_unknown",
          "the write may or may not have applied; re-read before retrying: " + e.getMessage(), "unknown");
    };
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
