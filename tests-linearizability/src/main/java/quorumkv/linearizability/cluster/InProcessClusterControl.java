package quorumkv.linearizability.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftPeerId;
import quorumkv.server.ratis.KvNode;
import quorumkv.server.ratis.NodeInternals;
import quorumkv.server.testing.LocalCluster;

/**
 * Nodes in this JVM, every byte to a node passing through its {@link TcpProxy}, and server-to-server
 * links cut per pair by the {@link LinkFirewall}. Kill = an abrupt in-process stop; pause = the node's
 * proxy refuses connections and all its links are cut (the node itself keeps running, unreachable).
 */
public final class InProcessClusterControl implements ClusterControl {
  private final LocalCluster cluster;
  private final List<TcpProxy> proxies = new ArrayList<>();
  private final LinkFirewall firewall = LinkFirewall.install();
  private final Set<Integer> paused = new HashSet<>();
  private final List<int[]> cutLinks = new ArrayList<>();

  private InProcessClusterControl(LocalCluster cluster, List<TcpProxy> proxies) {
    this.cluster = cluster;
    this.proxies.addAll(proxies);
  }

  public static InProcessClusterControl start(int nodes, Path dir, Map<String, String> overrides) throws Exception {
    List<Integer> ports = LocalCluster.freeLoopbackPorts(2 * nodes);
    List<Integer> advertised = ports.subList(0, nodes);
    List<Integer> listen = ports.subList(nodes, 2 * nodes);
    List<TcpProxy> proxies = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      proxies.add(TcpProxy.start(advertised.get(i), listen.get(i)));
    }
    LinkFirewall.install().healAll();
    try {
      LocalCluster cluster = LocalCluster.startBehind(dir, overrides, advertised, listen);
      InProcessClusterControl control = new InProcessClusterControl(cluster, proxies);
      cluster.waitForLeader(Duration.ofSeconds(30));
      return control;
    } catch (Exception e) {
      proxies.forEach(TcpProxy::close);
      throw e;
    }
  }

  @Override
  public quorumkv.client.KvClientConfig.Tls clientTls() {
    return cluster.clientTls(LocalCluster.ADMIN_CLIENT);
  }

  @Override
  public org.apache.ratis.conf.Parameters raftClientParameters() {
    return cluster.raftClientParameters();
  }

  public LocalCluster cluster() {
    return cluster;
  }

  @Override
  public int size() {
    return cluster.size();
  }

  @Override
  public List<String> clientAddresses() {
    return cluster.addresses();
  }

  @Override
  public String clusterId() {
    return cluster.clusterId();
  }

  @Override
  public int leader() {
    for (int i = 0; i < size(); i++) {
      KvNode n = cluster.node(i);
      if (n != null && !paused.contains(i) && n.isLeader()) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public long maxTerm() {
    long max = 0;
    for (int i = 0; i < size(); i++) {
      KvNode n = cluster.node(i);
      if (n != null) {
        try {
          max = Math.max(max, NodeInternals.division(n).getInfo().getCurrentTerm());
        } catch (IOException | RuntimeException e) {
          // stopping
        }
      }
    }
    return max;
  }

  @Override
  public void kill(int i) throws IOException {
    cluster.stop(i);
  }

  @Override
  public void restart(int i) throws IOException {
    cluster.restart(i);
  }

  @Override
  public boolean isRunning(int i) {
    return cluster.isRunning(i);
  }

  @Override
  public synchronized void pause(int i) {
    paused.add(i);
    // RESET, not BLACKHOLE: with the leader's inbound TCP blackholed by the proxy (and its outbound held
    // by the firewall), some runs saw no election for 4 s, while a real SIGSTOP of a leader process is
    // replaced within about a second. Until that is understood (see README), in-process pauses refuse
    // connections; the namespace harness pauses with a real SIGSTOP.
    proxies.get(i).setMode(TcpProxy.Mode.RESET);
    for (int j = 0; j < size(); j++) {
      if (j != i) {
        firewall.cut(id(i), id(j));
      }
    }
  }

  @Override
  public synchronized void resume(int i) {
    paused.remove(i);
    proxies.get(i).setMode(TcpProxy.Mode.PASS);
    reapplyLinks();
  }

  @Override
  public synchronized void partition(List<Set<Integer>> groups) {
    cutLinks.clear();
    for (int a = 0; a < groups.size(); a++) {
      for (int b = a + 1; b < groups.size(); b++) {
        for (int x : groups.get(a)) {
          for (int y : groups.get(b)) {
            cutLinks.add(new int[] {x, y});
          }
        }
      }
    }
    reapplyLinks();
  }

  @Override
  public synchronized void cutLinks(List<int[]> links) {
    cutLinks.clear();
    cutLinks.addAll(links);
    reapplyLinks();
  }

  private void reapplyLinks() {
    firewall.healAll();
    for (int[] l : cutLinks) {
      firewall.cut(id(l[0]), id(l[1]));
    }
    for (int p : paused) {
      for (int j = 0; j < size(); j++) {
        if (j != p) {
          firewall.cut(id(p), id(j));
        }
      }
    }
  }

  @Override
  public synchronized void healAll() {
    cutLinks.clear();
    paused.clear();
    firewall.healAll();
    proxies.forEach(p -> p.setMode(TcpProxy.Mode.PASS));
  }

  @Override
  public void transferLeadership(int i) throws IOException {
    KvNode any = null;
    for (int j = 0; j < size() && any == null; j++) {
      any = cluster.node(j);
    }
    if (any == null) {
      throw new IOException("no node running");
    }
    try (RaftClient client = RaftClient.newBuilder().setProperties(new RaftProperties())
        .setParameters(cluster.raftClientParameters())
        .setRaftGroup(NodeInternals.division(any).getGroup()).build()) {
      var reply = client.admin().transferLeadership(RaftPeerId.valueOf(id(i)), 10_000);
      if (!reply.isSuccess()) {
        throw new IOException("leader transfer to " + id(i) + " failed: " + reply.getException());
      }
    }
  }

  @Override
  public long faultEvidence() {
    return firewall.heldRequests() + proxies.stream().mapToLong(TcpProxy::heldBytes).sum();
  }

  @Override
  public void close() {
    healAll();
    try {
      cluster.close();
    } finally {
      proxies.forEach(TcpProxy::close);
    }
  }
}
