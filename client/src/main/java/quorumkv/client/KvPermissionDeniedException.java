package quorumkv.client;

/**
 * Definite: the caller's certificate name holds no permission for this operation
 * ({@link quorumkv.raftlog.command.ErrorCode#PERMISSION_DENIED}), judged by the node that served a read or
 * by every replica when the write's entry applied. Nothing changed. Retrying fails the same way until an
 * admin grants a role that covers the keys ({@code bin/quorumkv role grant}, {@code user grant}). HTTP
 * answers with 403 and the code {@code permission_denied}.
 */
public final class KvPermissionDeniedException extends KvException {
  private static final long serialVersionUID = 1L;

  public KvPermissionDeniedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isDefinite() {
    return true;
  }
}
