package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.connect.KvClients;
import quorumkv.server.ratis.NodeInternals;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/** The supported cluster shapes start and serve: 1 voter, 3 or 5 voters, 3 voters plus listeners. */
class ShapesIT {
  private static final Logger LOG = LoggerFactory.getLogger(ShapesIT.class);
  private static final Duration SHORT = Duration.ofSeconds(2);

  @TempDir
  Path dir;

  private static KvClient connect(LocalCluster cluster, Duration deadline) {
    return KvClients.connect(ClientItKit.configFor(cluster)
        .deadline(deadline).build());
  }

  private static void serves(KvClient client, String key) {
    KvResult.Put put = client.put(key, "v1");
    assertEquals("v1", client.get(key).valueUtf8());
    assertEquals("v1", client.get(key, ReadConsistency.FOLLOWER).valueUtf8());
    assertTrue(client.compareAndSet(key, put.revision(), "v2").succeeded());
    client.withDurability(Durability.ALL).put(key, "v3");
    assertEquals("v3", client.get(key).valueUtf8());
  }

  /** Indexes of the running voters other than the leader. */
  private static List<Integer> followers(LocalCluster cluster, int voters) {
    int leader = cluster.waitForLeader(Duration.ofSeconds(10));
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < voters; i++) {
      if (i != leader && cluster.isRunning(i)) {
        out.add(i);
      }
    }
    return out;
  }

  @Test
  void oneVoterForDevelopment() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(1, dir); KvClient client = connect(cluster, Duration.ofSeconds(10))) {
      cluster.waitForLeader(Duration.ofSeconds(30));
      serves(client, "one/k");
      ClusterStatus status = client.admin().clusterStatus();
      assertEquals("n1", status.leaderId());
      assertEquals(1, status.voters().size());
    }
  }

  @Test
  void fiveVotersSurviveTwoDown() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(5, dir); KvClient client = connect(cluster, Duration.ofSeconds(10))) {
      cluster.waitForLeader(Duration.ofSeconds(30));
      serves(client, "five/k");
      assertEquals(5, client.admin().clusterStatus().voters().size());
      List<Integer> down = followers(cluster, 5).subList(0, 2);
      for (int i : down) {
        cluster.stop(i);
      }
      client.put("five/k", "with two down");
      assertEquals("with two down", client.get("five/k").valueUtf8());
    }
  }

  /**
   * Three voters and two listeners, configured with {@code :listener}. The listeners do not count
   * toward the quorum, either way: with both listeners and one voter down (2 of 5 nodes) writes go on;
   * with two voters down (3 of 5 nodes up) writes stop. FOLLOWER reads are served by listeners, even
   * with every voter down.
   */
  @Test
  void threeVotersAndTwoListeners() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, 2, dir, Map.of());
        KvClient client = connect(cluster, Duration.ofSeconds(10));
        KvClient impatient = connect(cluster, SHORT)) {
      cluster.waitForLeader(Duration.ofSeconds(30));
      serves(client, "mixed/k");
      ClusterStatus status = client.admin().clusterStatus();
      assertEquals(List.of("n1", "n2", "n3"), status.voters().stream().map(ClusterStatus.Member::id).toList());
      assertEquals(List.of("n4", "n5"), status.listeners().stream().map(ClusterStatus.Member::id).toList());
      assertTrue(NodeInternals.division(cluster.node(3)).getInfo().isListener());
      assertTrue(NodeInternals.division(cluster.node(4)).getInfo().isListener());

      // Listeners and one voter down: 2 of 5 nodes, but 2 of 3 voters.
      int voter = followers(cluster, 3).get(0);
      cluster.stop(3);
      cluster.stop(4);
      cluster.stop(voter);
      KvResult.Put acked = client.put("mixed/k", "listeners down");
      cluster.restart(3);
      cluster.restart(4);
      cluster.restart(voter);
      // Fully caught up: the FOLLOWER read below, with every voter down, must find on a listener the
      // highest index this client has seen (clusterStatus shows it the leader's); a lag of a few entries
      // allowed here once failed that read in CI.
      Eventually.assertTrue(Duration.ofSeconds(30), () -> client.admin().clusterStatus().listeners()
          .stream().allMatch(m -> m.lagEntries() == 0),
          "listeners caught up");

      // Two voters down: 3 of 5 nodes up, but 1 of 3 voters; no write can commit.
      for (int i : followers(cluster, 3)) {
        cluster.stop(i);
      }
      KvException e = assertThrows(KvException.class, () -> impatient.put("mixed/k", "no quorum"));
      assertTrue(e instanceof KvIndeterminateException || e instanceof KvUnavailableException, e.toString());
      LOG.info("write with 1 of 3 voters up (and both listeners): {}", e.toString());

      // Every voter down: the listeners still serve FOLLOWER reads, at least as new as this client saw.
      for (int i = 0; i < 3; i++) {
        cluster.stop(i); // the last voter has stepped down by now: it lost contact with a majority
      }
      KvResult.Get read = client.get("mixed/k", ReadConsistency.FOLLOWER);
      assertTrue(read.index() >= acked.index());
      assertTrue(List.of("listeners down", "no quorum").contains(read.valueUtf8()), read.toString());

      for (int i = 0; i < 3; i++) {
        cluster.restart(i);
      }
      cluster.waitForLeader(Duration.ofSeconds(30));
      client.put("mixed/k", "back");
      assertEquals("back", client.get("mixed/k").valueUtf8());
    }
  }
}
