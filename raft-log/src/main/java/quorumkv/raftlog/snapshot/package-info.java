/**
 * Snapshots as RocksDB checkpoints in Ratis's state-machine directory, and restoring the live db from
 * one (copy, then rename).
 *
 * <p>May import: {@code java.*}, Ratis's state-machine storage API ({@code org.apache.ratis}) and
 * {@code quorumkv.raftlog.files} (durable renames); no other QuorumKV package.
 */
package quorumkv.raftlog.snapshot;
