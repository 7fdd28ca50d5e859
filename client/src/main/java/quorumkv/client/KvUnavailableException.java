package quorumkv.client;

/**
 * Definite: the operation did not take effect, because no attempt could have been appended to the
 * Raft log before the call's deadline. Examples: every node was unreachable; every attempt was refused
 * before append; the client was closed before the request was sent. Also thrown for every read that
 * could not complete in time: reads have no effect, so they are never indeterminate.
 *
 * <p>Safe to retry, preferably after a pause: the cluster may be electing a leader or restarting.
 */
public final class KvUnavailableException extends KvException {
  private static final long serialVersionUID = 1L;

  public KvUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isDefinite() {
    return true;
  }
}
