package quorumkv.raftlog.statemachine;

/**
 * The live store cannot be used right now: it is closed (the node is stopping) or being replaced by a
 * snapshot installed from the leader. Transient on a running node: callers answer "retry".
 */
public class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message) {
    super(message);
  }
}
