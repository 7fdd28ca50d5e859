package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
import quorumkv.server.testing.LocalCluster;

/**
 * Leader failures under load (Raft paper section 5.2 and dissertation section 6.3: a client retries
 * against the new leader and its session makes the retry apply once).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverIT.class);
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  /** Scheduling slack on a loaded 2-core machine on top of the deadline. */
  private static final Duration SLACK = Duration.ofSeconds(5);

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

  static KvClient newClient() {
    return KvClients.connect(ClientItKit.configFor(cluster)
        .deadline(DEADLINE).build());
  }

  /**
   * Right after the leader dies, a linearizable read must complete quickly: the new leader has to
   * commit an entry of its term before it can serve ReadIndex (Raft dissertation section 6.4), which
   * takes one election plus one round trip, not seconds.
   */
  @Test
  @Order(1)
  void linearizableReadRightAfterFailoverIsFast() throws Exception {
    try (KvClient client = newClient()) {
      List<Long> millis = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        client.put("fast-read/k", "v" + round);
        int leader = cluster.waitForLeader(Duration.ofSeconds(10));
        cluster.stop(leader);
        long t0 = System.nanoTime();
        KvResult.Get got = client.get("fast-read/k");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        millis.add(ms);
        assertEquals("v" + round, got.valueUtf8());
        cluster.restart(leader);
        assertTrue(ms < 3000, "linearizable read after failover took " + ms + " ms");
      }
      LOG.info("linearizable read right after killing the leader: {} ms", millis);
    }
  }

  /**
   * Four writers (see {@link Writers}: CAS-increments of their own counter and unique puts, so a write
   * applied twice shows) run while the leader is killed and restarted three times; afterwards every
   * acknowledged write is present, none applied twice, and every call ended within its deadline. A
   * reader checks meanwhile that FOLLOWER reads never go back in time for one client.
   */
  @Test
  @Order(2)
  void acknowledgedWritesSurviveLeaderKillsAndApplyOnce() throws Exception {
    try (KvClient client = newClient(); KvClient reader = newClient()) {
      Writers writers = new Writers(client, "failover/", 4).start();
      FollowerReader followerReader = new FollowerReader(reader, "failover/w0/counter");
      followerReader.start();
      long start = System.nanoTime();
      for (int kill = 0; kill < 3; kill++) {
        writers.awaitProgress(40, Duration.ofSeconds(30), "before kill " + (kill + 1));
        int leader = cluster.waitForLeader(Duration.ofSeconds(15));
        LOG.info("stopping leader n{} after {} acknowledged writes", leader + 1, writers.acked());
        cluster.stop(leader);
        writers.awaitProgress(20, Duration.ofSeconds(30), "without n" + (leader + 1));
        cluster.restart(leader);
      }
      writers.awaitProgress(20, Duration.ofSeconds(30), "at the end");
      String summary = writers.stopAndVerify(DEADLINE.plus(SLACK).plus(SLACK));
      long followerReads = followerReader.stopAndVerify(DEADLINE.plus(SLACK));
      LOG.info("{} s: {}; {} FOLLOWER reads", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), summary,
          followerReads);
      assertTrue(writers.slowestMillis() <= DEADLINE.plus(SLACK).toMillis(),
          "a call took " + writers.slowestMillis() + " ms");
    }
  }

  /**
   * Once one call of a client has found the new leader, the client's other calls go there at once, not
   * at the end of their backoff pause. The pause here is 20 s (drawn from its upper half: at least 10 s)
   * so that a write which failed against the stopped leader can only finish within 8 s if another call's
   * success woke it. Writes unbatched, one call each: of three issued after the election, at least one
   * starts at a live node (round robin), which names or is the new leader.
   */
  @Test
  @Order(3)
  void aWriteWaitingOutItsBackoffFollowsTheNewLeaderOnceAnotherCallFoundIt() throws Exception {
    Duration pause = Duration.ofSeconds(20);
    try (KvClient client = KvClients.connect(ClientItKit.configFor(cluster).deadline(Duration.ofSeconds(60))
        .backoff(pause, pause).hedgeAfter(Duration.ZERO).writeBatching(KvClientConfig.WriteBatching.OFF).build())) {
      client.put("wake/warm", "x");
      int leader = cluster.waitForLeader(Duration.ofSeconds(10));
      cluster.stop(leader);
      long started = System.nanoTime();
      java.util.concurrent.CompletableFuture<KvResult.Put> waiting = client.async().put("wake/a", "a");
      cluster.waitForLeader(Duration.ofSeconds(15));
      // The stopped node refuses connections at once; by now the waiting write has failed there, and the
      // client no longer takes it for the leader, so the next three writes start at three different nodes.
      Thread.sleep(1_000);
      assertTrue(!waiting.isDone(), "the first write waits out its backoff");
      List<java.util.concurrent.CompletableFuture<KvResult.Put>> after = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        after.add(client.async().put("wake/b" + i, "b"));
      }
      waiting.get(8, TimeUnit.SECONDS);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(ms < 8_000, "the waiting write took " + ms + " ms");
      for (var f : after) {
        f.get(8, TimeUnit.SECONDS);
      }
      assertEquals("a", client.get("wake/a").valueUtf8());
      LOG.info("a write issued with the leader stopped finished {} ms later (its backoff pause: at least 10 s)", ms);
      cluster.restart(leader);
    }
  }

  /** Reads one key at FOLLOWER consistency in a loop and records any read older than the one before. */
  private static final class FollowerReader extends Thread {
    private final KvClient reader;
    private final String key;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicLong reads = new AtomicLong();

    FollowerReader(KvClient reader, String key) {
      super("follower-reader");
      this.reader = reader;
      this.key = key;
    }

    @Override
    public void run() {
      long lastIndex = 0;
      long lastValue = 0;
      // Bounded in count as well as by stop.
      while (!stop.get() && reads.get() < 200_000) {
        try {
          KvResult.Get r = reader.get(key, ReadConsistency.FOLLOWER);
          long v = r.isPresent() ? Long.parseLong(r.valueUtf8()) : 0;
          if (r.index() < lastIndex || v < lastValue) {
            violations.add("FOLLOWER read went back: index " + lastIndex + " -> " + r.index() + ", value "
                + lastValue + " -> " + v);
          }
          lastIndex = r.index();
          lastValue = v;
          reads.incrementAndGet();
        } catch (KvUnavailableException e) {
          // allowed during the election
        }
      }
    }

    long stopAndVerify(Duration joinTimeout) throws InterruptedException {
      stop.set(true);
      join(joinTimeout.toMillis());
      assertTrue(!isAlive(), "the follower reader did not finish");
      assertEquals(List.of(), List.copyOf(violations));
      assertTrue(reads.get() > 0, "no FOLLOWER read succeeded");
      return reads.get();
    }
  }

  @Test
  @Order(3)
  void followerReadsStayMonotonicForOneClientAcrossAFailover() throws Exception {
    try (KvClient client = newClient()) {
      long seen = 0;
      for (int round = 0; round < 2; round++) {
        KvResult.Put put = client.put("mono/k", "v" + round);
        KvResult.Get read = client.get("mono/k", ReadConsistency.FOLLOWER);
        assertEquals("v" + round, read.valueUtf8(), "read-your-writes on a follower");
        assertTrue(read.index() >= put.index() && read.index() >= seen);
        seen = read.index();
        int leader = cluster.waitForLeader(Duration.ofSeconds(10));
        cluster.stop(leader);
        KvResult.Get after = client.get("mono/k", ReadConsistency.FOLLOWER);
        assertNotNull(after.keyValue());
        assertTrue(after.index() >= seen, "FOLLOWER read after failover went back to " + after.index());
        seen = after.index();
        cluster.restart(leader);
      }
    }
  }
}
