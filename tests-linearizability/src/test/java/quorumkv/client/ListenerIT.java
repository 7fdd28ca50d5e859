package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.connect.KvClients;
import quorumkv.raftlog.statemachine.StateMachineListener;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.ratis.NodeInternals;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * Asynchronous followers (Ratis listeners): three voters n1..n3 and the listener n4, configured as
 * {@code n4=host:port:listener}. A listener down or slow never stalls writes, and catches up when it
 * returns, by snapshot when the log it needs was purged; its lag is visible in the cluster status.
 */
class ListenerIT {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerIT.class);
  private static final int LISTENER = 3;
  /** Small snapshots and segments, purged right behind the snapshot, as ThreeNodeClusterIT does. */
  private static final Map<String, String> SMALL_LOG = Map.of(
      ConfigKeys.SNAPSHOT_ENTRIES, "50",
      ConfigKeys.PURGE_GAP, "1",
      ConfigKeys.SEGMENT_SIZE, "4KB");

  @TempDir
  Path dir;

  private static KvClient connect(LocalCluster cluster) {
    return KvClients.connect(ClientItKit.configFor(cluster)
        .build());
  }

  private static ClusterStatus.Member n4(KvClient client) {
    return client.admin().clusterStatus().member("n4").orElseThrow();
  }

  @Test
  void listenerDownNeverStallsWritesAndCatchesUpBySnapshot() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, 1, dir, SMALL_LOG); KvClient client = connect(cluster)) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      // Ratis 3.3.0 takes the startup role LISTENER of the initial group for a listener.
      assertTrue(NodeInternals.division(cluster.node(LISTENER)).getInfo().isListener());
      assertEquals(Set.of("n4"), ids(cluster, leader, RaftPeerRole.LISTENER));
      assertEquals(Set.of("n1", "n2", "n3"), ids(cluster, leader, RaftPeerRole.FOLLOWER));

      AtomicInteger n = new AtomicInteger();
      Latencies.of(200, () -> client.put("warm/k", "v"));
      Latencies up = Latencies.of(300, () -> client.put("up/k" + n.incrementAndGet(), "x".repeat(100)));
      Eventually.assertTrue(Duration.ofSeconds(10), () -> n4(client).lagEntries() <= 64, "n4 caught up");
      ClusterStatus status = client.admin().clusterStatus();
      LOG.info("status with n4 up: {}", status);
      assertEquals(ClusterStatus.Role.LISTENER, status.member("n4").orElseThrow().role());
      assertEquals(3, status.voters().size());

      long appliedAtStop = NodeInternals.division(cluster.node(LISTENER)).getInfo().getLastAppliedIndex();
      cluster.stop(LISTENER);
      Latencies down = Latencies.of(300, () -> client.put("down/k" + n.incrementAndGet(), "x".repeat(100)));
      LOG.info("sequential put latency, 3 voters: listener up {}; listener down {}", up, down);
      assertTrue(down.percentileMs(50) <= 2 * up.percentileMs(50) + 10,
          "writes slowed down with the listener down: up " + up + ", down " + down);

      // Its lag shows, in entries and in time.
      Eventually.assertTrue(Duration.ofSeconds(10), () -> n4(client).lastContactMs() >= 1000, "n4's time lag grows");
      ClusterStatus.Member lagging = n4(client);
      LOG.info("n4 down: {}", lagging);
      assertTrue(lagging.lagEntries() >= 300, lagging.toString());

      // The leader snapshots and purges the log the listener would need.
      leader = cluster.waitForLeader(Duration.ofSeconds(10));
      cluster.takeSnapshot(leader);
      Path leaderLog = cluster.config(leader).raftDir();
      Eventually.assertTrue(Duration.ofSeconds(20), () -> firstLogIndex(leaderLog) > appliedAtStop + 1,
          "the leader purged its log past n4's applied index " + appliedAtStop);

      AtomicLong installed = new AtomicLong(-1);
      cluster.setStateMachineListener(LISTENER, new StateMachineListener() {
        @Override
        public void snapshotInstalled(long index) {
          installed.set(index);
        }
      });
      long t0 = System.nanoTime();
      cluster.restart(LISTENER);
      int l = leader;
      Eventually.assertTrue(Duration.ofSeconds(60),
          () -> java.util.Arrays.equals(digest(cluster, l), digest(cluster, LISTENER)), "n4 holds the leader's data");
      LOG.info("n4 caught up in {} ms by installing the snapshot at {}", (System.nanoTime() - t0) / 1_000_000,
          installed.get());
      assertTrue(installed.get() > appliedAtStop, "n4 installed a snapshot: " + installed.get());
      Eventually.assertTrue(Duration.ofSeconds(10), () -> {
        ClusterStatus.Member m = n4(client);
        return m.lagEntries() <= 64 && m.lastContactMs() < 1000;
      }, "n4's lag is back to normal");
      assertArrayEquals(digest(cluster, l), digest(cluster, LISTENER));
    }
  }

  /** The listener's apply thread slowed to ~50 entries/s: writes keep their pace, the listener lags. */
  @Test
  void slowListenerNeverStallsWrites() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, 1, dir, Map.of()); KvClient client = connect(cluster)) {
      cluster.waitForLeader(Duration.ofSeconds(30));
      AtomicInteger n = new AtomicInteger();
      Latencies.of(200, () -> client.put("warm/k", "v"));
      Latencies normal = Latencies.of(300, () -> client.put("normal/k" + n.incrementAndGet(), "v"));

      AtomicBoolean slow = new AtomicBoolean(true);
      cluster.setStateMachineListener(LISTENER, new StateMachineListener() {
        @Override
        public void applied(long index, long applyNanos, long commitNanos) {
          if (slow.get()) {
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }
      });
      cluster.stop(LISTENER);
      cluster.restart(LISTENER);
      Latencies slowed = Latencies.of(300, () -> client.put("slow/k" + n.incrementAndGet(), "v"));
      int leader = cluster.waitForLeader(Duration.ofSeconds(10));
      long behind = NodeInternals.division(cluster.node(leader)).getInfo().getLastAppliedIndex()
          - NodeInternals.division(cluster.node(LISTENER)).getInfo().getLastAppliedIndex();
      LOG.info("sequential put latency: listener normal {}; listener applying slowly {} ({} entries behind)",
          normal, slowed, behind);
      assertTrue(behind > 50, "the listener did fall behind: " + behind);
      assertTrue(slowed.percentileMs(50) <= 2 * normal.percentileMs(50) + 10,
          "writes slowed down with the listener: normal " + normal + ", slowed " + slowed);
      slow.set(false);
      Eventually.assertTrue(Duration.ofSeconds(60),
          () -> java.util.Arrays.equals(digest(cluster, leader), digest(cluster, LISTENER)),
          "n4 catches up once fast again");
    }
  }

  private static Set<String> ids(LocalCluster cluster, int node, RaftPeerRole role) throws IOException {
    return NodeInternals.division(cluster.node(node)).getRaftConf().getCurrentPeers(role).stream()
        .map(p -> p.getId().toString()).collect(Collectors.toCollection(TreeSet::new));
  }

  private static byte[] digest(LocalCluster cluster, int node) {
    var n = cluster.node(node);
    try {
      return n == null ? new byte[0] : n.contentDigest();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lowest index of any log segment file under a Raft dir. */
  private static long firstLogIndex(Path raftDir) {
    try (Stream<Path> s = Files.walk(raftDir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(f -> f.startsWith("log_"))
          .mapToLong(f -> Long.parseLong(f.replace("log_inprogress_", "").replace("log_", "").split("-")[0]))
          .min().orElse(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
