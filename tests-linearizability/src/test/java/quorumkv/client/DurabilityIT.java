package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.connect.KvClients;
import quorumkv.server.ratis.NodeInternals;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * Per-call durability: {@link Durability#ALL} waits until every voter (not the listeners) has the write
 * committed, and with a voter down ends within its deadline with {@link KvReplicationIncompleteException},
 * the write applied. Three voters n1..n3 and one listener n4.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurabilityIT {
  private static final Logger LOG = LoggerFactory.getLogger(DurabilityIT.class);
  private static final Duration DEADLINE = Duration.ofSeconds(3);
  /** Scheduling slack on a loaded 2-core machine on top of the deadline. */
  private static final long SLACK_MS = 3000;
  private static final int LISTENER = 3;

  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static KvClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClientItKit.startCluster(3, 1, dir, Map.of());
    client = KvClients.connect(ClientItKit.configFor(cluster).deadline(DEADLINE).build());
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
  @Order(1)
  void viewsShareTheClient() {
    KvClient all = client.withDurability(Durability.ALL);
    assertEquals(Durability.QUORUM, client.durability());
    assertEquals(Durability.ALL, all.durability());
    assertSame(client, all.withDurability(Durability.QUORUM));
    assertSame(client.admin(), all.admin());
    KvResult.Put put = all.put("views/k", "v");
    assertTrue(client.lastSeenIndex() >= put.index(), "the view shares the seen index");
    all.close(); // a view owns nothing
    assertEquals("v", client.get("views/k").valueUtf8());
  }

  /** Every voter has the entry fsynced in its log when an ALL write returns; measured against QUORUM. */
  @Test
  @Order(2)
  void allWaitsForEveryVoter() throws Exception {
    KvClient all = client.withDurability(Durability.ALL);
    Latencies.of(100, () -> client.put("warm/k", "v")); // JIT warm-up
    Latencies.of(100, () -> all.put("warm/k", "v"));
    AtomicInteger n = new AtomicInteger();
    Latencies quorum = Latencies.of(200, () -> client.put("lat/q" + n.incrementAndGet(), "v"));
    Latencies everyVoter = Latencies.of(200, () -> {
      KvResult.Put r = all.put("lat/a" + n.incrementAndGet(), "v");
      for (int i = 0; i < 3; i++) {
        long flushed = flushedIndex(i);
        assertTrue(flushed >= r.index(), "n" + (i + 1) + " has its log fsynced to " + flushed + " < " + r.index());
      }
    });
    LOG.info("sequential put latency, 3 voters + 1 listener: QUORUM {}; ALL {}", quorum, everyVoter);
    KvResult.Cas cas = all.async().putIfAbsent("async/k", "v").join();
    assertTrue(cas.succeeded());
  }

  private static long flushedIndex(int node) {
    try {
      return NodeInternals.division(cluster.node(node)).getRaftLog().getFlushIndex();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @Order(3)
  void listenersDoNotCountForAll() throws Exception {
    cluster.stop(LISTENER);
    try {
      Latencies l = Latencies.of(50, () -> client.withDurability(Durability.ALL).put("nolistener/k", "v"));
      LOG.info("ALL put latency with the listener down: {}", l);
      assertTrue(l.percentileMs(100) < DEADLINE.toMillis(), "ALL waited for a listener: " + l);
    } finally {
      cluster.restart(LISTENER);
    }
  }

  @Test
  @Order(4)
  void allWithAVoterDownEndsWithinTheDeadlineApplied() throws Exception {
    int leader = cluster.waitForLeader(Duration.ofSeconds(10));
    int follower = (leader + 1) % 3;
    cluster.stop(follower);
    try {
      KvClient all = client.withDurability(Durability.ALL);
      for (int i = 0; i < 3; i++) {
        String key = "down/k" + i;
        long t0 = System.nanoTime();
        KvReplicationIncompleteException e = assertThrows(KvReplicationIncompleteException.class,
            () -> all.put(key, "applied"));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        LOG.info("ALL put with voter n{} down ended in {} ms: {}", follower + 1, ms, e.getMessage());
        assertTrue(ms <= DEADLINE.toMillis() + SLACK_MS, "took " + ms + " ms");
        assertFalse(e.isDefinite());
        KvResult.Put put = e.result(KvResult.Put.class);
        assertTrue(put.revision() > 0);
        assertEquals(put.index(), e.index());
        KvResult.Get got = client.get(key);
        assertEquals("applied", got.valueUtf8(), "the write applied");
        assertEquals(put.revision(), got.modRevision());
      }
      // The same through the async facet: the future fails with the exception, wrapped once.
      CompletionException ce = assertThrows(CompletionException.class,
          () -> all.async().delete("down/k0").join());
      KvReplicationIncompleteException e = assertInstanceOf(KvReplicationIncompleteException.class, ce.getCause());
      assertTrue(e.result(KvResult.Delete.class).deleted());
      assertFalse(client.get("down/k0").isPresent());
      // QUORUM writes are unaffected meanwhile.
      Latencies quorum = Latencies.of(50, () -> client.put("down/q", "v"));
      LOG.info("QUORUM put latency with a voter down: {}", quorum);
    } finally {
      cluster.restart(follower);
    }
    Eventually.assertTrue(Duration.ofSeconds(30), () -> {
      try {
        client.withDurability(Durability.ALL).put("down/back", "v");
        return true;
      } catch (KvReplicationIncompleteException e) {
        return false;
      }
    }, "ALL writes succeed again once the voter is back");
  }
}
