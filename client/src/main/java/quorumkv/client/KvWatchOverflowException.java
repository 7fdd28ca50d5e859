package quorumkv.client;

/**
 * A watch's listener fell behind by more than its {@link WatchOptions#bufferLimit() buffer limit}: the
 * watch ended rather than hold events without bound. Every event below {@link #resumeRevision()} was
 * delivered; watch again from there (the history may still hold it) with a faster listener.
 */
public final class KvWatchOverflowException extends KvException {
  private static final long serialVersionUID = 1L;
  private final long resumeRevision;

  public KvWatchOverflowException(String message, long resumeRevision) {
    super(message, null);
    this.resumeRevision = resumeRevision;
  }

  public long resumeRevision() {
    return resumeRevision;
  }

  @Override
  public boolean isDefinite() {
    return true;
  }
}
