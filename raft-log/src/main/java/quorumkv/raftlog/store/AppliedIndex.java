package quorumkv.raftlog.store;

/**
 * The term and index of the last log entry whose effects are in the store. Written in the same RocksDB
 * write batch as those effects, so after a crash the two never disagree (etcd's consistent index): a
 * restart skips exactly the entries at or below it.
 */
public record AppliedIndex(long term, long index) {
  public static final AppliedIndex NONE = new AppliedIndex(0, 0);
}
