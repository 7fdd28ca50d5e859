package quorumkv.client.internal;

import quorumkv.client.internal.Failures.AttemptFailure;

/**
 * Test-side window on {@link Failures} (package-private) for RatisFailuresIT, which produces each Ratis
 * exception with a real cluster and asserts the verdict the client's one classifier gives it.
 */
public final class FailuresProbe {
  private FailuresProbe() {}

  /**
   * @param action REJECT, INDETERMINATE, RETRY_SAME, RETRY_OTHER or REBUILD
   * @param mayHaveApplied whether a write that failed so might be in the log (indeterminate if it ends so)
   * @param code the QuorumKV error code's name, or null
   */
  public record Verdict(String action, boolean mayHaveApplied, String code) {}

  /** {@code streamFailure}: the exception ended the RPC's future rather than arriving in its reply. */
  public static Verdict classify(Throwable failure, boolean streamFailure) {
    AttemptFailure f = Failures.classify(failure, streamFailure);
    return new Verdict(f.action().name(), f.mayHaveApplied(), f.code() == null ? null : f.code().name());
  }
}
