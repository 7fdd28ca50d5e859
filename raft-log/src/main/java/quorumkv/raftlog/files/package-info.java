/**
 * Durable writes of the files QuorumKV itself keeps (the data dir's identity, the rejoin marker, published
 * snapshots, backups): a reader after a crash sees the old content or the new, never a mix or nothing.
 *
 * <p>May import: {@code java.*} only.
 */
package quorumkv.raftlog.files;
