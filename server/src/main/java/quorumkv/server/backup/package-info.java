/**
 * Consistent backup files of a live cluster ({@link quorumkv.server.backup.BackupFormat}) and restoring
 * them into a new cluster whose revisions continue above the backup's. May import {@code config} and
 * raft-log's command and store packages (it writes from a store lent to it inside {@code withStore}, and
 * seeds a new node's store before it starts); never Ratis, never the other server packages.
 */
package quorumkv.server.backup;
