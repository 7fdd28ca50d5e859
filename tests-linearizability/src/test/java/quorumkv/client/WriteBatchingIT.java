package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.connect.KvClients;
import quorumkv.raftlog.command.Bytes;
import quorumkv.server.testing.LocalCluster;

/**
 * Write batching end to end: concurrent writes of one client share log entries, each still gets its own
 * result, a key never changes twice at one revision, and batches retried across a leader kill apply
 * once.
 */
class WriteBatchingIT {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBatchingIT.class);
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  /** One call in flight: everything else queues into the next batch. */
  private static final KvClientConfig.WriteBatching MOST = new KvClientConfig.WriteBatching(64, 1);

  @TempDir
  static Path dir;
  static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClientItKit.startCluster(3, dir);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static KvClient newClient(KvClientConfig.WriteBatching batching) {
    return KvClients.connect(ClientItKit.configFor(cluster)
        .deadline(DEADLINE).writeBatching(batching).build());
  }

  @Test
  void concurrentWritesShareEntriesAndEachGetsItsOwnResult() throws Exception {
    try (KvClient client = newClient(MOST)) {
      int writes = 400;
      Set<Long> revisions = putNewKeysAtOnce(client, "batch/k", writes);
      LOG.info("{} concurrent puts through one client went into {} log entries", writes, revisions.size());
      assertTrue(revisions.size() < writes / 4,
          writes + " concurrent puts took " + revisions.size() + " entries: they did not share entries");
      assertEachReadsBack(client, "batch/k", writes);
    }
  }

  /**
   * Puts keys {@code prefix + i} (new keys) all at once through {@code client}; returns the revisions
   * they got (one per log entry). A previous value would mean a write applied twice.
   */
  private static Set<Long> putNewKeysAtOnce(KvClient client, String prefix, int writes) throws Exception {
    List<CompletableFuture<KvResult.Put>> puts = new ArrayList<>();
    for (int i = 0; i < writes; i++) {
      puts.add(client.async().put(Bytes.utf8(prefix + i), Bytes.utf8("v" + i)));
    }
    Set<Long> revisions = ConcurrentHashMap.newKeySet();
    for (CompletableFuture<KvResult.Put> f : puts) {
      KvResult.Put r = f.get(DEADLINE.toMillis() * 2, TimeUnit.MILLISECONDS);
      assertNull(r.previous(), "every key is new: a previous value means a write applied twice");
      revisions.add(r.revision());
    }
    return revisions;
  }

  private static void assertEachReadsBack(KvClient client, String prefix, int writes) {
    for (int i = 0; i < writes; i++) {
      assertEquals("v" + i, client.get(prefix + i).valueUtf8(), prefix + i);
    }
  }

  /**
   * Coalesced gets (read batching, issue 16) of the largest values: 80 gets of a 1,000,000-byte value
   * would make an 80 MB reply, past Ratis's 64 MB gRPC message limit, and fail on every node; the client
   * puts at most as many gets in one request as fit 32 MB at the limits' largest value, so each answers.
   */
  @Test
  void coalescedGetsOfTheLargestValuesStayWithinTheMessageLimit() throws Exception {
    byte[] big = new byte[1_000_000];
    java.util.Arrays.fill(big, (byte) 'b');
    try (KvClient client = KvClients.connect(ClientItKit.configFor(cluster).deadline(Duration.ofSeconds(30))
        .readBatching(new KvClientConfig.ReadBatching(128, 1)).build())) {
      client.put(quorumkv.raftlog.command.Bytes.utf8("big"), quorumkv.raftlog.command.Bytes.wrap(big));
      List<CompletableFuture<KvResult.Get>> gets = new ArrayList<>();
      for (int i = 0; i < 81; i++) {
        gets.add(client.async().get("big"));
      }
      for (CompletableFuture<KvResult.Get> g : gets) {
        assertEquals(big.length, g.get(60, TimeUnit.SECONDS).keyValue().value().size());
      }
    }
  }

  /**
   * A cluster whose nodes accept fewer operations per request than the client batches (8 here, the
   * client's limit is the default 128): the nodes refuse the big batches before the log, and the client
   * re-queues their writes and halves its batches until the nodes accept them. Every write applies
   * exactly once, and the writes still share entries.
   */
  @Test
  void batchesRefusedAsTooBigByTheNodesShrinkUntilAccepted(@TempDir Path own) throws Exception {
    try (LocalCluster strict = LocalCluster.start(3, own, Map.of("quorumkv.limits.max-operations", "8"));
        KvClient client = KvClients.connect(KvClientConfig.builder().addresses(strict.addresses())
            .clusterId(strict.clusterId()).deadline(DEADLINE).writeBatching(MOST)
            .tls(strict.clientTls(LocalCluster.ADMIN_CLIENT)).build())) {
      strict.waitForLeader(Duration.ofSeconds(30));
      int writes = 200;
      Set<Long> revisions = putNewKeysAtOnce(client, "strict/k", writes);
      LOG.info("{} puts against max-operations=8 nodes went into {} log entries", writes, revisions.size());
      assertTrue(revisions.size() <= writes / 4, "batches of up to 8 once the client learnt: " + revisions.size());
      assertEachReadsBack(client, "strict/k", writes);
      KvResult.Range all = client.range("strict/", "strict0", 1000);   // '0' follows '/'
      assertEquals(writes, all.keyValues().size(), "nothing extra, nothing missing");
    }
  }

  @Test
  void aKeyNeverChangesTwiceAtOneRevision() throws Exception {
    try (KvClient client = newClient(MOST)) {
      // Many queued writes on one key: each must go in an entry of its own, in submission order.
      List<CompletableFuture<KvResult.Put>> puts = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        puts.add(client.async().put(Bytes.utf8("same/k"),
            Bytes.utf8("v" + i)));
      }
      Set<Long> revisions = ConcurrentHashMap.newKeySet();
      for (CompletableFuture<KvResult.Put> f : puts) {
        assertTrue(revisions.add(f.get(DEADLINE.toMillis() * 2, TimeUnit.MILLISECONDS).revision()),
            "two writes of one key got the same revision");
      }
      KvResult.Get last = client.get("same/k");
      assertEquals(50, revisions.size());
      assertEquals(revisions.stream().mapToLong(Long::longValue).max().getAsLong(), last.modRevision());
    }
  }

  @Test
  void batchedWritesSurviveALeaderKillAndApplyOnce() throws Exception {
    try (KvClient client = newClient(MOST)) {
      Writers writers = new Writers(client, "batched-failover/", 8).start();
      writers.awaitProgress(200, Duration.ofSeconds(30), "before the kill");
      int leader = cluster.waitForLeader(Duration.ofSeconds(15));
      cluster.stop(leader);
      writers.awaitProgress(100, Duration.ofSeconds(30), "without n" + (leader + 1));
      cluster.restart(leader);
      writers.awaitProgress(100, Duration.ofSeconds(30), "after the restart");
      LOG.info("batched writers across a leader kill: {}", writers.stopAndVerify(DEADLINE.multipliedBy(3)));
      assertTrue(writers.slowestMillis() <= DEADLINE.plusSeconds(5).toMillis(),
          "a call took " + writers.slowestMillis() + " ms");
    }
  }
}
