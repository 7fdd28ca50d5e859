package quorumkv.linearizability.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftPeer;

/**
 * Harness (b): each node a separate JVM in its own network namespace (veth pairs on a bridge, addresses
 * 10.88.S.1..N; the test process reaches them through the bridge at 10.88.S.254). Partitions are nftables
 * drop rules inside the receiving namespaces, kills are SIGKILL, pauses SIGSTOP/SIGCONT — of the pids this
 * harness started, never by name. Every name carries a per-run prefix and the subnet is per run (one no
 * interface here uses); leftovers of crashed runs (names starting with {@code qkv} whose owning JVM is
 * gone) are removed at start, everything is torn down on close.
 * Requires root, iproute2 and nftables ({@link #whyUnavailable()} says what is missing).
 *
 * <p>The pieces: {@link NamespaceNetwork} (namespaces, bridge, nftables rules, cut probes),
 * {@link NodeProcesses} (the node JVMs and their signals), {@link RaftProbe} (status and admin calls),
 * {@link NamespaceOwners} (which run owns which network, and the clean-up of crashed runs').
 */
public final class NamespaceClusterControl implements ClusterControl {
  private final int size;
  private final Path dir;
  private final NamespaceNetwork network;
  private final NodeProcesses nodes;
  private final NodeDisks disks;
  private final RaftProbe raft;
  /** HTTPS to the operations ports with the run's CA (HTTP/1.1: an HTTP/2 upgrade attempt made probes time out). */
  private final java.net.http.HttpClient http;
  /** The run's development CA: node certificates name the namespace addresses the run picked. */
  private final Path pki;

  private NamespaceClusterControl(int size, Path dir) {
    this.size = size;
    this.dir = dir;
    this.network = new NamespaceNetwork(size, this::id);
    this.pki = NamespacePki.create(dir.resolve("pki"), size, network, this::id);
    this.http = NamespacePki.https(pki);
    this.nodes = new NodeProcesses(size, network, dir, this::id, pki);
    this.disks = new NodeDisks(network.prefix(), dir, this::id);
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      peers.add(RaftPeer.newBuilder().setId(id(i)).setAddress(network.address(i)).build());
    }
    this.raft = new RaftProbe(clusterId(), peers, raftClientParameters());
  }

  @Override
  public quorumkv.client.KvClientConfig.Tls clientTls() {
    return quorumkv.client.KvClientConfig.Tls.of(pki.resolve("ca.pem"), pki.resolve("root.pem"), pki.resolve("root.key"));
  }

  @Override
  public org.apache.ratis.conf.Parameters raftClientParameters() {
    return quorumkv.server.testing.LocalCluster.raftClientParameters(pki);
  }

  /** Null if namespaces can be used here, else why not. */
  public static String whyUnavailable() {
    return Sh.whyUnavailable();
  }

  public static NamespaceClusterControl start(int size, Path dir) throws Exception {
    removeLeftovers();
    NamespaceClusterControl c = new NamespaceClusterControl(size, dir);
    try {
      c.network.create();
      for (int i = 0; i < size; i++) {
        c.disks.mount(i);
      }
      for (int i = 0; i < size; i++) {
        c.restart(i);
      }
      c.awaitLeader(60_000);
      // Every node serving (its ops port up, not degraded) before a run: a fault's wait for a node's
      // /ready must not be spent on the node's own start.
      for (int i = 0; i < size; i++) {
        String why = c.awaitReadiness(i, java.util.Objects::isNull, 60_000);
        if (why != null) {
          throw new IOException(c.id(i) + " not ready 60 s after start: " + why + "; node logs in " + dir);
        }
      }
      return c;
    } catch (Exception e) {
      c.close();
      throw e;
    }
  }

  /** Removes the namespaces, links and tmpfs mounts of crashed runs, never those of a run still going (see {@link NamespaceOwners}). */
  static void removeLeftovers() {
    NamespaceOwners.removeLeftovers();
  }

  /** The network namespace node {@code i} runs in (for diagnosis: {@code ip netns exec <it> nft list ruleset}). */
  public String namespace(int i) {
    return network.ns(i);
  }

  /** Where node logs are. */
  public Path directory() {
    return dir;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public List<String> clientAddresses() {
    List<String> a = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      a.add(network.address(i));
    }
    return a;
  }

  @Override
  public String clusterId() {
    return "quorumkv";
  }

  /** Node {@code i}'s view of the group, or null if it is down, paused or does not answer. */
  private GroupInfoReply info(int i) {
    return nodes.answers(i) ? raft.info(id(i)) : null;
  }

  @Override
  public int leader() {
    for (int i = 0; i < size; i++) {
      GroupInfoReply r = info(i);
      if (r != null && r.getRoleInfoProto().getRole() == RaftPeerRole.LEADER) {
        return i;
      }
    }
    return -1;
  }

  private void awaitLeader(long millis) throws InterruptedException, IOException {
    long until = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < until) {
      if (leader() >= 0) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException("no leader within " + millis + " ms; node logs in " + dir);
  }

  @Override
  public long maxTerm() {
    long max = 0;
    for (int i = 0; i < size; i++) {
      GroupInfoReply r = info(i);
      if (r != null && r.getLogInfoProto() != null) {
        max = Math.max(max, r.getLogInfoProto().getLastEntry().getTerm());
      }
    }
    return max;
  }

  @Override
  public void kill(int i) throws Exception {
    nodes.kill(i);
  }

  @Override
  public void restart(int i) throws IOException {
    nodes.start(i);
  }

  @Override
  public boolean isRunning(int i) {
    return nodes.isRunning(i);
  }

  @Override
  public void pause(int i) throws IOException {
    nodes.pause(i);
  }

  @Override
  public void resume(int i) throws IOException {
    nodes.resume(i);
  }

  @Override
  public synchronized void partition(List<Set<Integer>> groups) throws IOException {
    List<int[]> links = new ArrayList<>();
    for (int a = 0; a < groups.size(); a++) {
      for (int b = a + 1; b < groups.size(); b++) {
        for (int x : groups.get(a)) {
          for (int y : groups.get(b)) {
            links.add(new int[] {x, y});
          }
        }
      }
    }
    cutLinks(links);
  }

  @Override
  public synchronized void cutLinks(List<int[]> links) throws IOException {
    network.cutLinks(links);
  }

  @Override
  public synchronized void healAll() throws IOException {
    network.healLinks();
    nodes.resumeAll();
    disks.emptyAll();
  }

  @Override
  public void transferLeadership(int i) throws IOException {
    raft.transferLeadership(id(i));
  }

  @Override
  public String whyNoDiskFaults() {
    return null;   // every node's data dir is its own tmpfs (NodeDisks)
  }

  /**
   * Fills node {@code i}'s tmpfs below its floor, then waits (up to 30 s: on a loaded machine a node's
   * disk check and its ops port can lag seconds) until its /ready says so.
   */
  @Override
  public String fillDisk(int i) throws Exception {
    long written = disks.fill(i);
    String why = awaitReadiness(i, w -> w != null && w.contains("below the floor"), 30_000);
    if (why == null || !why.contains("below the floor")) {
      disks.empty(i);
      throw new IllegalStateException(id(i) + " filled with " + written / NodeDisks.MIB + " MiB but not degraded"
          + " within 30 s: " + (why == null ? "/ready 200" : why));
    }
    return "filler of " + written / NodeDisks.MIB + " MiB, node degraded";
  }

  /** Deletes the filler, then waits (up to 60 s) until node {@code i} is ready again. */
  @Override
  public void emptyDisk(int i) throws Exception {
    disks.empty(i);
    String why = awaitReadiness(i, java.util.Objects::isNull, 60_000);
    if (why != null) {
      throw new IllegalStateException(id(i) + " not ready 60 s after its disk had room again: " + why
          + " (node log: " + nodes.log(i) + ")");
    }
  }

  /** SIGKILL of node {@code i}, then a cut of its newest log segment's end ({@link LogTail}). */
  @Override
  public String damageLogTail(int i, java.util.Random random) throws Exception {
    nodes.kill(i);
    try {
      return LogTail.cut(disks.dataDir(i), random);
    } catch (IOException | RuntimeException e) {
      nodes.start(i);
      throw e;
    }
  }

  /**
   * Starts node {@code i} after {@link #damageLogTail}: if it refuses its log (LogCheck's one line naming
   * {@code quorumkv repair}), runs the repair and starts it again. Waits (up to 90 s in all) until it is a
   * voter again (a follower or the leader, not a listener) and its /ready answers 200. Returns what happened.
   */
  @Override
  public String restartDamaged(int i) throws Exception {
    long deadline = System.nanoTime() + 90_000_000_000L;
    long from = nodes.logSize(i);
    long started = from;
    nodes.start(i);
    List<String> note = new ArrayList<>();
    while (true) {
      Integer exit = nodes.exitCode(i);
      if (exit != null) {
        String out = nodes.logSince(i, from);
        if (!out.contains("quorumkv repair --data-dir") || note.contains("repaired")) {
          throw new IOException(id(i) + " exited " + exit + " at restart: " + tail(out));
        }
        note.add("refused its log at start");
        nodes.forgetExited(i);
        nodes.runCommand(i, List.of("repair", "--data-dir", disks.dataDir(i).toString()));
        note.add("repaired");
        from = nodes.logSize(i);
        nodes.start(i);
        continue;
      }
      GroupInfoReply r = info(i);
      RaftPeerRole role = r == null ? null : r.getRoleInfoProto().getRole();
      String why = role == RaftPeerRole.FOLLOWER || role == RaftPeerRole.LEADER ? notReady(i) : "role " + role;
      if (why == null) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(id(i) + " not a ready voter 90 s after its restart: " + why + " (node log: "
            + nodes.log(i) + ")");
      }
      Thread.sleep(250);
    }
    String log = nodes.logSince(i, started);
    note.add(log.contains("rejoins as a listener") ? "rejoined as a listener and was promoted back"
        : "restarted as a voter");
    return String.join(", ", note);
  }

  /** Why node {@code i}'s /ready (ops port) is not 200, or null if it is. */
  private String notReady(int i) {
    int port = NamespaceNetwork.RAFT_PORT + quorumkv.server.config.HttpDefaults.PORT_OFFSET
        + quorumkv.server.config.HttpDefaults.OPS_PORT_OFFSET;
    try {
      var reply = http.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("https://" + network.ip(i) + ":" + port + "/ready"))
          .timeout(java.time.Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      return reply.statusCode() == 200 ? null : reply.statusCode() + " " + reply.body();
    } catch (IOException e) {
      return "no answer: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Polls node {@code i}'s /ready until {@code done} accepts its answer ({@link #notReady}: null when
   * ready), or the time is up; returns its last answer.
   */
  private String awaitReadiness(int i, java.util.function.Predicate<String> done, long millis)
      throws InterruptedException {
    long until = System.nanoTime() + millis * 1_000_000;
    while (true) {
      String why = notReady(i);
      if (done.test(why) || System.nanoTime() > until) {
        return why;
      }
      Thread.sleep(200);
    }
  }

  private static String tail(String out) {
    String[] lines = out.strip().split("\n");
    return String.join(" | ", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 4), lines.length));
  }

  /**
   * Opens a TCP connection across each cut link, both directions, from inside the sender's namespace
   * ({@link NamespaceNetwork#probe}). The nodes' own traffic is not enough evidence: an isolated
   * follower's leader may send it only a dozen packets in three seconds, or none while its appender backs off.
   */
  @Override
  public long confirmCut() throws Exception {
    List<int[]> links;
    synchronized (this) {
      links = network.cutLinks();
    }
    return network.probe(links);
  }

  @Override
  public long faultEvidence() {
    return network.droppedPacketsEver();
  }

  @Override
  public void close() {
    nodes.killAll();
    try {
      raft.close();
    } catch (IOException e) {
      // best effort
    }
    disks.unmountAll();
    network.destroy();
  }
}
