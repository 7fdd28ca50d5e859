package quorumkv.server.ratis;

/**
 * The node's store cannot be used right now: a snapshot from the leader is replacing it, or the node is
 * stopping. Transient on a running node: an operator call answers "retry" (HTTP 503).
 */
public final class StoreBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StoreBusyException(String message, Throwable cause) {
    super(message, cause);
  }
}
