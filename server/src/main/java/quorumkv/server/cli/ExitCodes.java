package quorumkv.server.cli;

/**
 * Exit codes of every {@code quorumkv} command (the README's CLI section lists the same). Scripts can
 * tell "try again" (5) from "find out first" (6) from "fix the request" (4).
 */
public final class ExitCodes {
  /** Done. */
  public static final int OK = 0;
  /** Something failed that is not covered below: I/O on a local file, an unexpected reply, a node that did not start. */
  public static final int FAILED = 1;
  /** Bad usage or configuration: unknown command or flag, missing argument, invalid setting. */
  public static final int USAGE = 2;
  /** The operation ran and its answer is negative: key not found, compare failed, transaction guards did not hold. */
  public static final int NEGATIVE = 3;
  /** The cluster refused the request (bad key, too large, a membership change that does not fit); nothing applied. */
  public static final int REJECTED = 4;
  /** No node answered, or no quorum: nothing applied; safe to retry later. */
  public static final int UNAVAILABLE = 5;
  /** A write whose outcome is unknown (timed out or connection lost after it was sent): re-read before retrying. */
  public static final int UNKNOWN_OUTCOME = 6;
  /** A write refused because a majority of voters is below its free-space floor (HTTP 507): nothing applied; retry once space returns. */
  public static final int NO_SPACE = 7;
  /** The caller's certificate may not do this (HTTP 403): nothing applied; ask an admin for a grant. */
  public static final int PERMISSION_DENIED = 8;

  private ExitCodes() {}
}
