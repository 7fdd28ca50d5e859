package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.connect.KvClients;
import quorumkv.server.testing.LocalCluster;

/**
 * {@link ReadOptions} against a real three-node cluster: a read aimed at one replica is served there and
 * nowhere else, and a minimum index makes it wait until that replica has applied so far, or fail as
 * unavailable at the deadline. This is what the HTTP front's local reads rely on.
 */
class ReadOptionsIT {
  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static KvClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClientItKit.startCluster(3, dir);
    client = ClientItKit.connect(cluster);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyReplicaServesItsOwnReadAtOrAboveTheIndexAsked() {
    KvResult.Put put = client.put("opts/each", "v");
    for (int i = 0; i < cluster.size(); i++) {
      String id = cluster.nodeId(i);
      KvResult.Get follower = client.get("opts/each", ReadOptions.follower().atReplica(id).atLeastIndex(put.index()));
      assertEquals("v", follower.valueUtf8(), id);
      assertTrue(follower.index() >= put.index(), id + " served at " + follower.index());
      KvResult.Get linearizable = client.get("opts/each", ReadOptions.linearizable().atReplica(id));
      assertEquals("v", linearizable.valueUtf8(), "ReadIndex through " + id);
    }
    KvResult.Range range = client.range(quorumkv.raftlog.command.Bytes.utf8("opts/"),
        quorumkv.raftlog.command.Bytes.utf8("opts0"), 0, ReadOptions.follower().atReplica(cluster.nodeId(1)));
    assertFalse(range.keyValues().isEmpty());
  }

  @Test
  void aReadAtAStoppedReplicaGoesNowhereElse() throws Exception {
    client.put("opts/stopped", "v");
    LocalCluster own = ClientItKit.startCluster(3, dir.resolve("stopped"));
    try (own; KvClient c = KvClients.connect(ClientItKit.configFor(own).deadline(Duration.ofSeconds(2)).build())) {
      c.put("k", "v");
      int leader = own.waitForLeader(Duration.ofSeconds(10));
      int victim = (leader + 1) % own.size();
      String victimId = own.nodeId(victim);
      assertEquals("v", c.get("k", ReadOptions.follower().atReplica(victimId)).valueUtf8());
      own.stop(victim);
      long t0 = System.nanoTime();
      assertThrows(KvUnavailableException.class, () -> c.get("k", ReadOptions.follower().atReplica(victimId)),
          "the other replicas are up, but the read may only be served by " + victimId);
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 2000 + 3000, "ended near its deadline");
      String otherId = own.nodeId((leader + 2) % own.size());
      assertEquals("v", c.get("k", ReadOptions.follower().atReplica(otherId)).valueUtf8());
    }
  }

  @Test
  void aMinimumIndexAheadOfTheLogWaitsUntilTheLogGetsThere() throws Exception {
    long now = client.put("opts/wait", "0").index();
    long wanted = now + 30;
    String replica = cluster.nodeId(2);
    CompletableFuture<KvResult.Get> read = client.async()
        .get("opts/wait", ReadOptions.follower().atReplica(replica).atLeastIndex(wanted));
    Thread.sleep(500);
    assertFalse(read.isDone(), "nothing served below index " + wanted + ": " + (read.isDone() ? read.join() : ""));
    for (int i = 1; i <= 40; i++) {
      client.put("opts/wait", String.valueOf(i));   // one at a time: one log entry each
    }
    KvResult.Get got = read.get(10, TimeUnit.SECONDS);
    assertTrue(got.index() >= wanted, "served at " + got.index() + ", asked for " + wanted);
  }

  @Test
  void aMinimumIndexNeverReachedEndsUnavailableAtTheDeadline() {
    try (KvClient shortDeadline = KvClients.connect(ClientItKit.configFor(cluster).deadline(Duration.ofSeconds(1))
        .build())) {
      long t0 = System.nanoTime();
      assertThrows(KvUnavailableException.class, () -> shortDeadline.get("opts/never",
          ReadOptions.follower().atReplica(cluster.nodeId(0)).atLeastIndex(Long.MAX_VALUE / 2)));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      // It gives up as soon as the next backoff pause (at most 500 ms by default) would cross the deadline.
      assertTrue(ms >= 1000 - 500 - 100 && ms < 1000 + 3000, "ended at its deadline: " + ms + " ms");
    }
  }
}
