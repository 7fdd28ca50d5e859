/** Consistent backup files of a live cluster and restoring them into a new cluster whose revisions continue above the backup's. */
package quorumkv.server.backup;
