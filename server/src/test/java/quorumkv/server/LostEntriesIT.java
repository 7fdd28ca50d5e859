package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.client.KvException;
import quorumkv.client.ReadOptions;
import quorumkv.client.connect.KvClients;
import quorumkv.server.cli.QuorumkvCommand;
import quorumkv.server.config.ConfigException;
import quorumkv.server.ratis.LostEntries;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * A node that lost log entries it had (a tail cut off after they were applied, or a damaged log that
 * `quorumkv repair` moved aside) heals from the cluster without ever voting before it has them again: it
 * rejoins as a listener and is promoted back once caught up. The test that can fail: an entry E is on the
 * leader and one follower F only; F's tail (with E) is cut and the leader is down: the cluster must not
 * elect a leader without E, so it stays unavailable until the old leader returns, and E survives.
 */
class LostEntriesIT {
  private static final Duration HEAL = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  void aFollowerWhoseAppliedTailWasCutRejoinsAsAListenerAndIsPromotedBack() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      long last = 0;
      for (int i = 0; i < 40; i++) {
        last = client.put("k" + i, "v" + i).index();
      }
      int follower = (leader + 1) % 3;
      long target = last;
      Eventually.assertTrue(HEAL, () -> cluster.node(follower).appliedIndex() >= target, "the follower applied all");
      cluster.stop(follower);
      cutTail(cluster.config(follower).raftDir(), 300);

      cluster.restart(follower); // Ratis alone would start it wedged (INCONSISTENCY every 5 s)
      assertTrue(Files.exists(cluster.config(follower).dataDir().resolve(LostEntries.MARKER)), "marked to rejoin");
      assertRejoinsAndServes(cluster, client, follower, "after-heal");
      try (Stream<Path> kept = Files.list(cluster.config(follower).dataDir())) {
        assertTrue(kept.anyMatch(p -> p.getFileName().toString().startsWith("damaged-")), "the old state is kept");
      }
    }
  }

  @Test
  void aRepairedDamagedLogRejoinsAsAListener() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      for (int i = 0; i < 20; i++) {
        client.put("k" + i, "v" + i);
      }
      int follower = (leader + 1) % 3;
      cluster.stop(follower);
      Path segment = newestSegment(cluster.config(follower).raftDir());
      byte[] bytes = Files.readAllBytes(segment);
      bytes[dataEnd(bytes) - 6] ^= (byte) 0xFF;
      Files.write(segment, bytes);
      ConfigException refused = assertThrows(ConfigException.class, () -> cluster.restart(follower));
      assertTrue(refused.getMessage().contains("quorumkv repair --data-dir"), refused.getMessage());

      Path dataDir = cluster.config(follower).dataDir();
      assertEquals(0, QuorumkvCommand.commandLine().execute("repair", "--data-dir", dataDir.toString()));
      cluster.restart(follower);
      assertRejoinsAndServes(cluster, client, follower, "after-repair");
    }
  }

  @Test
  void aClusterDoesNotElectALeaderWithoutAnEntryOnlyTheCutFollowerHad() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      int follower = (leader + 1) % 3;
      int other = (leader + 2) % 3;
      client.put("before", "all three");
      cluster.stop(other);
      long e = client.put("E", "on the leader and one follower").index();
      Eventually.assertTrue(HEAL, () -> cluster.node(follower).appliedIndex() >= e, "F applied E");
      cluster.stop(leader);
      cluster.stop(follower);
      cutTail(cluster.config(follower).raftDir(), 300);

      cluster.restart(other);
      cluster.restart(follower);
      KvClient impatient = KvClients.connect(cluster.clientConfig().deadline(Duration.ofSeconds(2)).build());
      try (impatient) {
        long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (System.nanoTime() < end) {
          assertFalse(cluster.node(other).isLeader(), "a leader without E was elected");
          assertThrows(KvException.class, () -> impatient.get("E"), "no leader, no linearizable read");
          Thread.sleep(200);
        }
      }

      cluster.restart(leader); // the only node left with E
      assertEquals("on the leader and one follower", client.get("E").value().toStringUtf8(), "E survived");
      assertRejoinsAndServes(cluster, client, follower, "after-return");
    }
  }

  private static void assertRejoinsAndServes(LocalCluster cluster, KvClient client, int node, String key)
      throws Exception {
    String id = cluster.nodeId(node);
    Eventually.assertTrue(HEAL, () -> cluster.node(node).listenerRejoinStatus() == null,
        "node " + id + " promoted back (last status: " + cluster.node(node).listenerRejoinStatus() + ")");
    assertTrue(client.admin().clusterStatus().member(id).orElseThrow().isVoter(), id + " is a voter again");
    assertFalse(Files.exists(cluster.config(node).dataDir().resolve(LostEntries.MARKER)), "marker cleared");
    long index = client.put(key, "x").index();
    Eventually.assertTrue(HEAL, () -> cluster.node(node).appliedIndex() >= index, id + " applies new writes");
    assertEquals("x", client.get(key, ReadOptions.follower().atReplica(id).atLeastIndex(index)).value().toStringUtf8(),
        id + " serves reads from its own state");
  }

  /**
   * Cuts {@code bytes} off the end of the data of the newest segment (Ratis pads segments with zeros),
   * and removes the snapshot Ratis took when the node stopped: a node killed with -9 has none, so its
   * store is then ahead of its log (these tests write far fewer entries than the snapshot threshold).
   */
  private static void cutTail(Path raftDir, int bytes) throws IOException {
    try (Stream<Path> files = Files.walk(raftDir)) {
      for (Path snapshot : files.filter(p -> p.getFileName().toString().startsWith("snapshot.")).toList()) {
        org.apache.ratis.util.FileUtils.deleteFully(snapshot);
      }
    }
    Path segment = newestSegment(raftDir);
    byte[] all = Files.readAllBytes(segment);
    int end = dataEnd(all);
    Files.write(segment, java.util.Arrays.copyOf(all, Math.max(9, end + 1 - bytes)));
  }

  private static int dataEnd(byte[] bytes) {
    int end = bytes.length - 1;
    while (end > 0 && bytes[end] == 0) {
      end--;
    }
    return end;
  }

  private static Path newestSegment(Path raftDir) throws IOException {
    try (Stream<Path> files = Files.walk(raftDir)) {
      return files.filter(p -> LogSegmentPath.matchLogSegment(p) != null)
          .max(Comparator.comparing(p -> LogSegmentPath.matchLogSegment(p).getStartEnd()))
          .orElseThrow(() -> new IOException("no log segment under " + raftDir));
    }
  }
}
