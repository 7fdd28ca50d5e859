package quorumkv.raftlog.store;

/**
 * RocksDB failed while applying or reading. During apply this is fatal for the node: an entry must never
 * be skipped, so the node stops rather than diverge from its peers.
 */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
