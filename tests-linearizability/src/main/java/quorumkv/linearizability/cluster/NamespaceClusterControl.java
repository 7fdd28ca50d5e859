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
  private final RaftProbe raft;

  private NamespaceClusterControl(int size, Path dir) {
    this.size = size;
    this.dir = dir;
    this.network = new NamespaceNetwork(size, this::id);
    this.nodes = new NodeProcesses(size, network, dir, this::id);
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      peers.add(RaftPeer.newBuilder().setId(id(i)).setAddress(network.address(i)).build());
    }
    this.raft = new RaftProbe(clusterId(), peers);
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
        c.restart(i);
      }
      c.awaitLeader(60_000);
      return c;
    } catch (Exception e) {
      c.close();
      throw e;
    }
  }

  /** Removes the namespaces and links of crashed runs, never those of a run still going (see {@link NamespaceOwners}). */
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
  }

  @Override
  public void transferLeadership(int i) throws IOException {
    raft.transferLeadership(id(i));
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
    network.destroy();
  }
}
