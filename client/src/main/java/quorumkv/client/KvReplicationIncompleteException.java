package quorumkv.client;

/**
 * A {@link Durability#ALL} write that committed and applied (on a quorum of voters), but whose
 * replication to every voter could not be confirmed before the call's deadline: a voter is down, slow
 * or partitioned, or the leader changed while the client waited. Neither definite nor indeterminate:
 * the outcome is known, {@link #result()} is the write's result (its revision and index included), and
 * a later read sees it. What is not known is whether it would survive losing a majority of voters.
 *
 * <p>A history (linearizability checker) records such a write as <b>ok</b> with this result, exactly
 * as if the call had returned it. The client never re-sends the write; calling it again would apply it
 * a second time.
 */
public final class KvReplicationIncompleteException extends KvException {
  private static final long serialVersionUID = 1L;

  private final transient KvResult result;

  public KvReplicationIncompleteException(String message, KvResult result, Throwable cause) {
    super(message, cause);
    this.result = result;
  }

  /**
   * The write's result, as a QUORUM call would have returned it: a {@link KvResult.Put} for a put, a
   * {@link KvResult.Cas} for a compare-and-set, and so on.
   */
  public KvResult result() {
    return result;
  }

  /** The result cast to the type of the write's call, e.g. {@code e.result(KvResult.Put.class)}. */
  public <T extends KvResult> T result(Class<T> type) {
    return type.cast(result);
  }

  /** The log index of the write's entry (its revision, for a write that changed a key). */
  public long index() {
    return result.index();
  }

  /** False: the write did take effect (it is not definite in the "certainly did not apply" sense). */
  @Override
  public boolean isDefinite() {
    return false;
  }
}
