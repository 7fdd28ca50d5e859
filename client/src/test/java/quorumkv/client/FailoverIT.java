package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static quorumkv.client.Eventually.eventually;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
    cluster = LocalCluster.start(3, dir);
    cluster.waitForLeader(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static KvClient newClient() {
    return KvClient.connect(KvClientConfig.builder().addresses(cluster.addresses()).clusterId(cluster.clusterId())
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
   * Writers CAS-increment their own counter and put unique keys while the leader is killed and
   * restarted three times. Nobody else writes a writer's keys, so with exactly-once retries a CAS
   * against the revision this writer last saw never fails, and a unique put never finds a previous
   * value; a write applied twice would show up as one or the other. A reader checks that FOLLOWER
   * reads never go back in time.
   */
  @Test
  @Order(2)
  // QUARANTINED from the default test command (open bug, README "Open questions"): after an in-process
  // node restart, every writer of this test sometimes stalls for over 30 s although the cluster has a
  // leader and all nodes are up. Runs with -Pflaky (or -Dquorumkv.test.failover-under-load=true) until
  // fixed. Leader kills under load stay covered by tests-linearizability (both harnesses).
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "quorumkv.test.failover-under-load", matches = "true")
  void acknowledgedWritesSurviveLeaderKillsAndApplyOnce() throws Exception {
    int writers = 4;
    int maxOpsPerWriter = 300;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger acked = new AtomicInteger();
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    Map<String, String> ackedPuts = new ConcurrentHashMap<>();
    AtomicLong indeterminate = new AtomicLong();
    AtomicLong unavailable = new AtomicLong();
    AtomicLong slowest = new AtomicLong();
    long[] confirmedIncrements = new long[writers];
    long[] uncertainIncrements = new long[writers];

    try (KvClient client = newClient(); KvClient reader = newClient()) {
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int id = w;
        threads.add(new Thread(() -> {
          String counter = "w" + id + "/counter";
          long value = 0;
          long revision = 0;
          for (int op = 0; op < maxOpsPerWriter && !stop.get(); op++) {
            long t0 = System.nanoTime();
            try {
              if (op % 2 == 0) {
                KvResult.Cas r = client.compareAndSet(counter, revision, Long.toString(value + 1));
                if (!r.succeeded()) {
                  violations.add(counter + ": CAS at revision " + revision + " failed although only this writer"
                      + " writes it; current " + r.current());
                  return;
                }
                value++;
                revision = r.revision();
                confirmedIncrements[id]++;
              } else {
                String key = "w" + id + "/k" + op;
                KvResult.Put r = client.put(key, "v" + op);
                if (r.previous() != null) {
                  violations.add(key + " was applied twice: previous " + r.previous());
                }
                ackedPuts.put(key, "v" + op);
              }
              acked.incrementAndGet();
            } catch (KvIndeterminateException e) {
              indeterminate.incrementAndGet();
              if (op % 2 == 0) {
                uncertainIncrements[id]++;
                // Resynchronise: the increment may or may not have happened.
                KvResult.Get now = readUntilAvailable(client, counter, stop);
                if (now == null) {
                  return;
                }
                value = now.isPresent() ? Long.parseLong(now.valueUtf8()) : 0;
                revision = now.modRevision();
              }
            } catch (KvUnavailableException e) {
              unavailable.incrementAndGet();
            } finally {
              slowest.accumulateAndGet(System.nanoTime() - t0, Math::max);
            }
          }
        }, "writer-" + w));
      }
      AtomicLong followerReads = new AtomicLong();
      threads.add(new Thread(() -> {
        long lastIndex = 0;
        long lastValue = 0;
        while (!stop.get() && followerReads.get() < 5000) {
          try {
            KvResult.Get r = reader.get("w0/counter", ReadConsistency.FOLLOWER);
            long v = r.isPresent() ? Long.parseLong(r.valueUtf8()) : 0;
            if (r.index() < lastIndex || v < lastValue) {
              violations.add("FOLLOWER read went back: index " + lastIndex + " -> " + r.index() + ", value "
                  + lastValue + " -> " + v);
            }
            lastIndex = r.index();
            lastValue = v;
            followerReads.incrementAndGet();
          } catch (KvUnavailableException e) {
            // allowed during the election
          }
        }
      }, "follower-reader"));
      long start = System.nanoTime();
      threads.forEach(Thread::start);

      for (int kill = 0; kill < 3; kill++) {
        int before = acked.get();
        eventually(Duration.ofSeconds(30), "writers make progress", () -> acked.get() >= before + 40);
        int leader = cluster.waitForLeader(Duration.ofSeconds(15));
        LOG.info("stopping leader n{} after {} acknowledged writes", leader + 1, acked.get());
        cluster.stop(leader);
        int during = acked.get();
        eventually(Duration.ofSeconds(30), "writers make progress without n" + (leader + 1),
            () -> acked.get() >= during + 20);
        cluster.restart(leader);
      }
      int end = acked.get();
      eventually(Duration.ofSeconds(30), "writers make progress at the end", () -> acked.get() >= end + 20);
      stop.set(true);
      for (Thread t : threads) {
        t.join(DEADLINE.plus(SLACK).plus(SLACK).toMillis());
        assertTrue(!t.isAlive(), t.getName() + " did not finish");
      }
      LOG.info("{} s, {} acknowledged writes, {} indeterminate, {} unavailable, {} FOLLOWER reads, slowest call {} ms",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), acked.get(), indeterminate.get(),
          unavailable.get(), followerReads.get(), TimeUnit.NANOSECONDS.toMillis(slowest.get()));

      assertEquals(List.of(), List.copyOf(violations));
      assertTrue(slowest.get() <= DEADLINE.plus(SLACK).toNanos(), "a call took " + slowest.get() / 1_000_000 + " ms");
      for (Map.Entry<String, String> e : ackedPuts.entrySet()) {
        assertEquals(e.getValue(), client.get(e.getKey()).valueUtf8(), "acknowledged put of " + e.getKey());
      }
      for (int w = 0; w < writers; w++) {
        KvResult.Get c = client.get("w" + w + "/counter");
        long value = c.isPresent() ? Long.parseLong(c.valueUtf8()) : 0;
        assertTrue(value >= confirmedIncrements[w] && value <= confirmedIncrements[w] + uncertainIncrements[w],
            "counter w" + w + " = " + value + ", confirmed " + confirmedIncrements[w] + ", uncertain "
                + uncertainIncrements[w]);
      }
    }
  }

  private static KvResult.Get readUntilAvailable(KvClient client, String key, AtomicBoolean stop) {
    for (int i = 0; i < 10; i++) {
      try {
        return client.get(key);
      } catch (KvUnavailableException e) {
        if (stop.get()) {
          return null;
        }
      }
    }
    return null;
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
