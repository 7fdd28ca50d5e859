/**
 * Server-side group commit: the write service on the Raft port ({@link quorumkv.server.group.WriteService})
 * and the queue that combines the write calls of independent clients into one log entry
 * ({@link quorumkv.server.group.GroupCommit}). It reaches the node's log only through
 * {@link quorumkv.server.group.GroupCommit.Log}, which the {@code ratis} package implements; it imports
 * neither Ratis's server nor the store.
 */
package quorumkv.server.group;
