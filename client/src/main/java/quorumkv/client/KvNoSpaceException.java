package quorumkv.client;

/**
 * Definite: the write was refused before it reached the Raft log because a majority of the cluster's
 * voters is below its free-space floor ({@link quorumkv.raftlog.command.ErrorCode#NO_SPACE}). Nothing
 * applied. Reads still work; writes resume by themselves once the nodes have space again, so retry
 * later, not at once. HTTP answers such a write with 507.
 */
public final class KvNoSpaceException extends KvException {
  private static final long serialVersionUID = 1L;

  public KvNoSpaceException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isDefinite() {
    return true;
  }
}
