/**
 * Watches: the hub that delivers applied changes to every watch on this node, the gRPC watch service on
 * the Raft port, and HTTP long polls. Reads the node only through {@link quorumkv.server.watch.WatchHub.Source}
 * (implemented in {@code ratis}); imports raft-log's {@code command} values, Ratis's shaded gRPC, nothing of
 * the state machine or store.
 */
package quorumkv.server.watch;
