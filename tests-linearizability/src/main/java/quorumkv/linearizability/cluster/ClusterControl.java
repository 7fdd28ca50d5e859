package quorumkv.linearizability.cluster;

import java.util.List;
import java.util.Set;
import quorumkv.client.connect.KvClients;

/**
 * What a nemesis can do to a cluster under test: the same faults whether nodes are in-process
 * ({@link InProcessClusterControl}) or processes in network namespaces ({@link NamespaceClusterControl}).
 * Nodes are numbered 0..size-1 (ids n1..nN).
 */
public interface ClusterControl extends AutoCloseable {
  int size();

  /** Node id of node {@code i} ("n1" for 0). */
  default String id(int i) {
    return "n" + (i + 1);
  }

  /** Addresses clients use, host:port per node. */
  List<String> clientAddresses();

  String clusterId();

  /** The index of the node that currently believes it leads (by its own view), or -1 if none. */
  int leader();

  /** The highest Raft term any running node reports: a term change is evidence a fault bit. */
  long maxTerm();

  /** Crashes node {@code i} (kill -9 or an abrupt in-process stop); its data stays. */
  void kill(int i) throws Exception;

  /** Starts a killed node again on its data. */
  void restart(int i) throws Exception;

  boolean isRunning(int i);

  /** Freezes node {@code i} (SIGSTOP, or in-process: isolates it completely and stops serving). */
  void pause(int i) throws Exception;

  void resume(int i) throws Exception;

  /** Cuts every link between nodes of different groups; nodes in no group are unaffected. */
  void partition(List<Set<Integer>> groups) throws Exception;

  /** Cuts exactly the given links (pairs of node indexes), both directions: for bridges. */
  void cutLinks(List<int[]> links) throws Exception;

  /** Heals every partition and resumes every paused node. */
  void healAll() throws Exception;

  /** Asks the cluster to move leadership to node {@code i}. */
  void transferLeadership(int i) throws Exception;

  /** Demotes voter {@code i} to a non-voting listener (a membership change), through the client's admin API. */
  default void demote(int i) {
    try (quorumkv.client.KvClient c = adminClient()) {
      c.admin().demote(id(i));
    }
  }

  /** Promotes listener {@code i} back to voter once it has caught up. */
  default void promote(int i) {
    try (quorumkv.client.KvClient c = adminClient()) {
      c.admin().promote(id(i));
    }
  }

  /**
   * Generous: a promote waits for the listener to catch up, which after a partition heals can take several
   * seconds of TCP retransmission backoff on the leader's stream, or a rejoin (see KvNode). A heal that
   * fails makes the run not count.
   */
  private quorumkv.client.KvClient adminClient() {
    return quorumkv.client.connect.KvClients.connect(quorumkv.client.KvClientConfig.builder().addresses(clientAddresses())
        .clusterId(clusterId()).deadline(java.time.Duration.ofSeconds(60)).tls(clientTls()).build());
  }

  /** TLS for this cluster's clients (the admin certificate), or plaintext where its nodes run without. */
  default quorumkv.client.KvClientConfig.Tls clientTls() {
    return quorumkv.client.KvClientConfig.Tls.PLAINTEXT;
  }

  /** The user the workloads run as: an ordinary certificate, not an admin. */
  String WORKLOAD_USER = "lin";

  /**
   * TLS for the workloads' clients: the certificate {@value #WORKLOAD_USER}, made on first use from the same
   * development CA and granted readwrite on every key through the admin client, so that every recorded
   * history goes through the authorization path (the caller envelope and the state machine's grant check)
   * under the faults; plaintext where the cluster runs without TLS. The nemesis keeps the admin certificate.
   */
  default quorumkv.client.KvClientConfig.Tls workloadTls() {
    quorumkv.client.KvClientConfig.Tls admin = clientTls();
    if (!admin.enabled()) {
      return admin;
    }
    java.nio.file.Path dir = admin.certFile().getParent();
    try {
      if (!java.nio.file.Files.exists(dir.resolve(WORKLOAD_USER + ".key"))) {
        quorumkv.server.tls.DevPki.openOrCreate(dir, "lin").issueClient(WORKLOAD_USER, java.time.Duration.ofDays(2));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try (quorumkv.client.KvClient c = adminClient()) {
      quorumkv.server.testing.LocalCluster.grant(c, WORKLOAD_USER, quorumkv.raftlog.command.Permission.readWrite(""));
    }
    return quorumkv.client.KvClientConfig.Tls.of(admin.caFile(), dir.resolve(WORKLOAD_USER + ".pem"),
        dir.resolve(WORKLOAD_USER + ".key"));
  }

  /** Ratis parameters (TLS) for raw Raft clients of this cluster. */
  default org.apache.ratis.conf.Parameters raftClientParameters() {
    return new org.apache.ratis.conf.Parameters();
  }

  /**
   * Null if this control can fill a node's disk and damage its log ({@link #fillDisk}, {@link #damageLogTail}),
   * else why not. Those need each node's data dir on its own small file system, mounted by the harness.
   */
  default String whyNoDiskFaults() {
    return "only the namespace harness puts each node's data dir on its own tmpfs (needs root)";
  }

  /**
   * Fills the file system of node {@code i}'s data dir below the node's free-space floor and returns once
   * the node reports itself degraded; returns what was done.
   */
  default String fillDisk(int i) throws Exception {
    throw new UnsupportedOperationException(whyNoDiskFaults());
  }

  /** Gives node {@code i}'s disk space back and returns once the node is ready again. */
  default void emptyDisk(int i) throws Exception {
    throw new UnsupportedOperationException(whyNoDiskFaults());
  }

  /** Kills node {@code i} (kill -9) and cuts the end off its newest Raft log segment; returns what was cut. */
  default String damageLogTail(int i, java.util.Random random) throws Exception {
    throw new UnsupportedOperationException(whyNoDiskFaults());
  }

  /**
   * Starts node {@code i} after {@link #damageLogTail} (repairing its log if it refuses it) and returns once
   * it is a voter and ready again; returns what happened.
   */
  default String restartDamaged(int i) throws Exception {
    throw new UnsupportedOperationException(whyNoDiskFaults());
  }

  /** Requests held, bytes blocked or errors injected so far: evidence a partition bit. */
  long faultEvidence();

  /**
   * Proves the links cut now are really cut, by sending traffic of the test's own across each one; returns
   * how many directed links were shown blocked, or 0 where the control has no such probe (its
   * {@link #faultEvidence} then rests on the nodes' own traffic).
   *
   * @throws IllegalStateException if traffic crossed a link that should be cut: the fault is not in force
   */
  default long confirmCut() throws Exception {
    return 0;
  }

  @Override
  void close();
}
