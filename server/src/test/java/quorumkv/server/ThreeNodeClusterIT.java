package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.store.RocksKvStore;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.ratis.NodeInternals;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;
import quorumkv.server.testing.RawKv;

/** Three real nodes on loopback: replication, leader failover, full restart, catch-up by snapshot. */
class ThreeNodeClusterIT {
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void writesReachAllThreeReplicas() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); RawKv kv = new RawKv(cluster)) {
      cluster.waitForLeader(LEADER_TIMEOUT);
      for (int i = 0; i < 50; i++) {
        kv.put("k" + i, "v" + i);
      }
      Eventually.assertTrue(Duration.ofSeconds(20), () -> sameDigest(cluster), "replicas converge");
      for (int i = 0; i < 3; i++) {
        assertEquals(kv.get("k0"), "v0");
      }
    }
  }

  /**
   * One write at a time costs one log entry: revisions are log indexes, so consecutive writes get
   * consecutive revisions. With Ratis's commit-metadata entries on (quorumkv.raft.log.commit-metadata)
   * every commit would add an entry in between, doubling the fsynced, replicated entries per write.
   */
  @Test
  void oneWriteAtATimeCostsOneLogEntry() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); RawKv kv = new RawKv(cluster)) {
      cluster.waitForLeader(LEADER_TIMEOUT);
      long previous = kv.put("warm", "up");
      for (int i = 0; i < 20; i++) {
        long revision = kv.put("seq" + i, "v");
        assertEquals(previous + 1, revision, "write " + i + " after revision " + previous);
        previous = revision;
      }
    }
  }

  /**
   * A leader that loses both followers steps down ("lost majority heartbeats"). Ratis then keeps it from
   * campaigning for leader-step-down wait time, 10 s by default. When one follower returns, the deposed
   * leader may be the only node whose log is complete enough to win, so with that default the cluster
   * stayed leaderless for up to 10 s (seen in the namespace harness: isolate a leader, heal, isolate the
   * next one). We set the wait to the maximum election timeout.
   */
  @Test
  void deposedLeaderLeadsAgainSoonAfterAFollowerReturns() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); RawKv kv = new RawKv(cluster)) {
      int leader = cluster.waitForLeader(LEADER_TIMEOUT);
      kv.put("before", "v");
      int back = (leader + 1) % 3;
      cluster.stop(back);
      kv.put("while-away", "v");   // committed by the other two: the returning follower lacks it
      cluster.stop((leader + 2) % 3);
      Eventually.assertTrue(Duration.ofSeconds(10), () -> !cluster.node(leader).isLeader(),
          "a leader without a majority steps down");
      cluster.restart(back);
      long start = System.nanoTime();
      int newLeader = cluster.waitForLeader(LEADER_TIMEOUT);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(leader, newLeader, "only the old leader's log is complete");
      assertTrue(millis < 6_000, "leader after " + millis + " ms (Ratis's default step-down wait: ~10 s)");
      assertEquals("v", kv.get("before"));
    }
  }

  @Test
  void leaderKilledNewLeaderHasEveryAcknowledgedWrite() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); RawKv kv = new RawKv(cluster)) {
      Map<String, String> acknowledged = new LinkedHashMap<>();
      int leader = cluster.waitForLeader(LEADER_TIMEOUT);
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 30; i++) {
          String key = "r" + round + "-" + i;
          kv.put(key, "value-" + key);
          acknowledged.put(key, "value-" + key);
        }
        cluster.stop(leader);
        int newLeader = cluster.waitForLeader(LEADER_TIMEOUT);
        assertNotEquals(leader, newLeader);
        for (var e : acknowledged.entrySet()) {
          assertEquals(e.getValue(), kv.get(e.getKey()), "acknowledged write " + e.getKey());
        }
        cluster.restart(leader);
        leader = newLeader;
      }
    }
  }

  @Test
  void fullRestartLosesNothingAcknowledged() throws Exception {
    Map<String, String> acknowledged = new LinkedHashMap<>();
    try (LocalCluster cluster = LocalCluster.start(3, dir); RawKv kv = new RawKv(cluster)) {
      cluster.waitForLeader(LEADER_TIMEOUT);
      for (int i = 0; i < 100; i++) {
        kv.put("k" + i, "v" + i);
        acknowledged.put("k" + i, "v" + i);
      }
      for (int i = 0; i < 3; i++) {
        cluster.stop(i);
      }
      for (int i = 0; i < 3; i++) {
        cluster.restart(i);
      }
      cluster.waitForLeader(LEADER_TIMEOUT);
      for (var e : acknowledged.entrySet()) {
        assertEquals(e.getValue(), kv.get(e.getKey()));
      }
      // Revisions continue upward after the restart: nothing was applied twice or reset.
      long before = NodeInternals.stateMachine(cluster.node(cluster.waitForLeader(LEADER_TIMEOUT)))
          .withStore(RocksKvStore::applied).index();
      assertTrue(kv.put("after", "restart") > 100, "revision after restart must exceed the earlier writes");
      assertTrue(before >= 100);
      Eventually.assertTrue(Duration.ofSeconds(20), () -> sameDigest(cluster), "replicas converge after restart");
    }
  }

  @Test
  void followerBehindPurgedLogCatchesUpBySnapshot() throws Exception {
    Map<String, String> small = Map.of(
        ConfigKeys.SNAPSHOT_ENTRIES, "50",
        ConfigKeys.PURGE_GAP, "1",
        ConfigKeys.SEGMENT_SIZE, "4KB");
    try (LocalCluster cluster = LocalCluster.start(3, dir, small); RawKv kv = new RawKv(cluster)) {
      int leader = cluster.waitForLeader(LEADER_TIMEOUT);
      int follower = (leader + 1) % 3;
      kv.put("before", "down");
      cluster.stop(follower);
      for (int i = 0; i < 400; i++) {
        kv.put("k" + i, "x".repeat(100) + i);
      }
      long snapshotIndex = cluster.takeSnapshot(leader);
      assertTrue(snapshotIndex > 300, "leader snapshot at " + snapshotIndex);
      Path leaderLog = cluster.config(leader).raftDir();
      Eventually.assertTrue(Duration.ofSeconds(20), () -> firstLogIndex(leaderLog) > 10,
          "leader purged its log behind the snapshot");
      cluster.restart(follower);
      Eventually.assertTrue(Duration.ofSeconds(60), () -> sameDigest(cluster), "follower caught up");
      var followerDir = cluster.config(follower).raftDir();
      assertTrue(hasInstalledSnapshot(followerDir), "follower installed a snapshot");
      // The follower serves the data after catching up, and again after its own restart.
      cluster.stop(follower);
      cluster.restart(follower);
      Eventually.assertTrue(Duration.ofSeconds(60), () -> sameDigest(cluster), "same data after restart");
    }
  }

  /**
   * Raft dissertation 6.3: a retried call applies once. The retry reaches a leader that caught up by
   * installing a snapshot (so Ratis's in-memory retry cache never saw the call), and then a cluster
   * restarted from disk; both times the recorded result comes back and nothing applies twice.
   */
  @Test
  void retriedCallAppliesOnceAfterSnapshotInstallAndFullRestart() throws Exception {
    Map<String, String> small = Map.of(ConfigKeys.SNAPSHOT_ENTRIES, "50", ConfigKeys.PURGE_GAP, "1",
        ConfigKeys.SEGMENT_SIZE, "4KB");
    try (LocalCluster cluster = LocalCluster.start(3, dir, small); RawKv kv = new RawKv(cluster)) {
      int leader = cluster.waitForLeader(LEADER_TIMEOUT);
      int lagging = (leader + 1) % 3;
      cluster.stop(lagging);
      java.util.UUID session = java.util.UUID.randomUUID();
      var counter = quorumkv.raftlog.command.Bytes.utf8("counter");
      // "Increment" as a CAS on the current mod revision: applying it twice would be visible.
      var first = new quorumkv.raftlog.command.Request.Write(session, 1, 1, java.util.List.of(
          new quorumkv.raftlog.command.Command.PutIfAbsent(counter, quorumkv.raftlog.command.Bytes.utf8("1"))));
      var original = kv.send(first);
      for (int i = 0; i < 300; i++) {
        kv.put("fill" + i, "x".repeat(100));
      }
      cluster.takeSnapshot(leader);
      cluster.restart(lagging);
      Eventually.assertTrue(Duration.ofSeconds(60), () -> sameDigest(cluster), "lagging node caught up");
      assertTrue(hasInstalledSnapshot(cluster.config(lagging).raftDir()));
      // Make the node that installed the snapshot the leader: stop the other two in turn.
      cluster.stop(leader);
      cluster.stop((leader + 2) % 3);
      cluster.restart((leader + 2) % 3);
      Eventually.assertTrue(Duration.ofSeconds(30), () -> cluster.node(lagging) != null && cluster.node(lagging).isLeader()
          || cluster.node((leader + 2) % 3) != null && cluster.node((leader + 2) % 3).isLeader(), "a leader");
      assertEquals(original, kv.send(first), "retry after snapshot install returns the recorded result");
      cluster.restart(leader);
      for (int i = 0; i < 3; i++) {
        cluster.stop(i);
      }
      for (int i = 0; i < 3; i++) {
        cluster.restart(i);
      }
      cluster.waitForLeader(LEADER_TIMEOUT);
      assertEquals(original, kv.send(first), "retry after a full restart returns the recorded result");
      var current = (quorumkv.raftlog.command.Result.GetResult) kv.read(
          new quorumkv.raftlog.command.Command.Get(counter)).results().get(0);
      assertEquals(1, current.kv().version(), "applied exactly once");
    }
  }

  static boolean sameDigest(LocalCluster cluster) {
    byte[] first = null;
    for (int i = 0; i < cluster.size(); i++) {
      var node = cluster.node(i);
      if (node == null) {
        return false;
      }
      byte[] d;
      try {
        d = node.contentDigest();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (first == null) {
        first = d;
      } else if (!java.util.Arrays.equals(first, d)) {
        return false;
      }
    }
    return true;
  }

  /** The lowest index of any closed or open log segment file under the Raft dir. */
  static long firstLogIndex(Path raftDir) {
    try (Stream<Path> s = Files.walk(raftDir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("log_"))
          .mapToLong(n -> Long.parseLong(n.replace("log_inprogress_", "").replace("log_", "").split("-")[0]))
          .min().orElse(-1);
    } catch (Exception e) {
      return -1;
    }
  }

  static boolean hasInstalledSnapshot(Path raftDir) {
    try (Stream<Path> s = Files.walk(raftDir)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith("snapshot."));
    } catch (Exception e) {
      return false;
    }
  }

}
