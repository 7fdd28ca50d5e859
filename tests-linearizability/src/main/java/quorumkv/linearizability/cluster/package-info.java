/**
 * The clusters a linearizability run is played against, and the means of faulting them.
 *
 * <p>{@link quorumkv.linearizability.cluster.ClusterControl} is what a nemesis can do to a cluster (kill,
 * pause, partition, cut links, move leadership, demote a voter), whatever the nodes are:
 * {@link quorumkv.linearizability.cluster.InProcessClusterControl} runs them in this JVM (the server's
 * {@code LocalCluster}), each behind a {@code TcpProxy}, with server-to-server links cut by the
 * {@code LinkFirewall}; {@link quorumkv.linearizability.cluster.NamespaceClusterControl} runs each node as its
 * own JVM in a network namespace, faulted with nftables rules and signals. Each mechanism lives here, with
 * the control that uses it, so that the fault kinds ({@code quorumkv.linearizability.fault}) depend on this
 * package and never the reverse.
 *
 * <p>May import: the JDK, the client, raft-log's command package, the server (to start nodes), Ratis
 * (status and admin calls, its test injection points) and Netty. Nothing else of
 * {@code quorumkv.linearizability}: a control knows nothing of runs, faults or histories.
 */
package quorumkv.linearizability.cluster;
