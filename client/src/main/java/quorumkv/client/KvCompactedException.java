package quorumkv.client;

/**
 * Definite: a watch asked for revisions the cluster no longer keeps (its change history is compacted
 * behind a window, {@code quorumkv.watch.history-age} and {@code history-revisions}); nothing from there
 * was delivered and none will be. Re-read the keys, then watch from the revision after that read.
 */
public final class KvCompactedException extends KvException {
  private static final long serialVersionUID = 1L;
  private final long oldestRevision;

  public KvCompactedException(String message, long oldestRevision) {
    super(message, null);
    this.oldestRevision = oldestRevision;
  }

  /** The oldest revision the cluster still holds. */
  public long oldestRevision() {
    return oldestRevision;
  }

  @Override
  public boolean isDefinite() {
    return true;
  }
}
