/** Snapshots as RocksDB checkpoints in Ratis's state-machine directory, and restoring the live db from one. */
package quorumkv.raftlog.snapshot;
