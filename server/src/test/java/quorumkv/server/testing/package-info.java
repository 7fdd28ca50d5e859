/**
 * The server's test kit, shipped in its test-jar (never in the server jar): {@link quorumkv.server.testing.LocalCluster}
 * (in-process clusters on loopback ephemeral ports), {@link quorumkv.server.testing.Eventually} (wait for a
 * condition, never a bare sleep) and raw Raft access for tests. Used by this module's tests and by
 * tests-linearizability. May import any server package and Ratis; test-only Ratis access to a node goes
 * through {@code quorumkv.server.ratis.NodeInternals}.
 */
package quorumkv.server.testing;
