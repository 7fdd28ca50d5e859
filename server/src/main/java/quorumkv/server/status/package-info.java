/**
 * Plain types for what a node knows about itself: {@link quorumkv.server.status.NodeStatus} (roles,
 * indexes, follower lag), {@link quorumkv.server.status.LeaderView}, {@link quorumkv.server.status.Liveness},
 * {@link quorumkv.server.status.StorageSizes}, {@link quorumkv.server.status.ElectionCounts} (Ratis's
 * election counters), and the readiness rule built on them. Imports only the JDK: {@code ratis} produces
 * these types, the HTTP API and metrics consume them.
 */
package quorumkv.server.status;
