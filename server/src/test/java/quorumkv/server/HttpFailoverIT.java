package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.server.testing.Eventually;

/**
 * Leader changes under HTTP writes, with real node processes: puts sent to a follower, which forwards
 * them to the leader, while the leader dies (kill -9) or hands leadership over. Every put must be
 * answered 200 once the new leader is in place, within the call timeout, and apply exactly once: the
 * node retries with its client session, so a put that already reached the log is not applied again,
 * and a put the old leader refused is not reported as "outcome unknown" (504). The server's old Ratis
 * gateway answered 504 for puts that a leader stepping down had refused before its log
 * (LeaderSteppingDownException), although nothing had applied.
 */
class HttpFailoverIT {
  private static final int WRITERS = 3;
  /** The default quorumkv.http.call-timeout. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  @TempDir
  Path dir;
  private ProcessCluster cluster;

  /** One put as the HTTP caller saw it. */
  record Put(String key, String value, long startNanos, long endNanos, int status, String body) {
    long millis() {
      return (endNanos - startNanos) / 1_000_000;
    }

    boolean overlaps(long fromNanos, long toNanos) {
      return startNanos < toNanos && endNanos > fromNanos;
    }
  }

  @AfterEach
  void stopEverythingWeStarted() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void putsInFlightWhenTheLeaderIsKilledAreAnsweredAndAppliedOnce() throws Exception {
    int leader = startCluster();
    String entry = cluster.http((leader + 1) % 3);
    Writers writers = new Writers(entry, cluster.client());
    long killStart;
    long killEnd;
    try {
      writers.await(60);
      killStart = System.nanoTime();
      cluster.process(leader).destroyForcibly();   // SIGKILL, with WRITERS puts outstanding
      assertTrue(cluster.process(leader).waitFor(10, TimeUnit.SECONDS));
      killEnd = System.nanoTime();
      writers.await(writers.done() + 30);
    } finally {
      writers.stop();
    }

    List<Put> puts = writers.puts();
    assertAllAnswered(puts);
    List<Put> straddling = puts.stream().filter(p -> p.startNanos() < killStart && p.endNanos() > killEnd).toList();
    System.out.println(puts.size() + " puts; in flight across the kill -9 of n" + (leader + 1) + ": " + describe(straddling));
    assertFalse(straddling.isEmpty(), "some put was in flight while the leader was killed");
    assertTrue(straddling.stream().anyMatch(p -> p.millis() >= 200),
        "some put in flight at the kill waited for the new leader (an election takes at least 300 ms)");
    String newLeader = cluster.client().get(entry, "/v1/cluster").json().get("leader").asText();
    assertNotEquals("n" + (leader + 1), newLeader, "the survivors elected a new leader");
    assertAppliedOnce(entry, puts);
  }

  @Test
  void putsDuringALeaderTransferAreAnsweredNotOutcomeUnknown() throws Exception {
    int leader = startCluster();
    String entry = cluster.http((leader + 1) % 3);
    String target = "n" + ((leader + 2) % 3 + 1);
    Writers writers = new Writers(entry, cluster.client());
    long transferStart;
    long transferEnd;
    try {
      writers.await(60);
      transferStart = System.nanoTime();
      HttpCalls.Reply transfer = cluster.client().send(entry, "POST", "/v1/cluster/leader", "application/json",
          "{\"to\":\"" + target + "\"}");
      transferEnd = System.nanoTime();
      assertEquals(200, transfer.status(), transfer.body());
      writers.await(writers.done() + 30);
    } finally {
      writers.stop();
    }

    List<Put> puts = writers.puts();
    assertAllAnswered(puts);
    List<Put> during = puts.stream().filter(p -> p.overlaps(transferStart, transferEnd)).toList();
    System.out.println(puts.size() + " puts; during the transfer from n" + (leader + 1) + " to " + target + " ("
        + (transferEnd - transferStart) / 1_000_000 + " ms): " + describe(during));
    assertFalse(during.isEmpty(), "some put ran while leadership moved");
    assertEquals(target, cluster.client().get(entry, "/v1/cluster").json().get("leader").asText());
    assertAppliedOnce(entry, puts);
  }

  /** Starts n1..n3 as processes with their HTTP API; returns the leader's index once every node is ready. */
  private int startCluster() throws IOException {
    cluster = ProcessCluster.start(dir, i -> List.of(), List.of());
    return cluster.waitForLeader(Duration.ofSeconds(60));
  }

  /** Every put was answered 200, within the call timeout plus slack. */
  private static void assertAllAnswered(List<Put> puts) {
    List<Put> failed = puts.stream().filter(p -> p.status() != 200).toList();
    assertTrue(failed.isEmpty(), failed.size() + " of " + puts.size() + " puts were not answered 200: " + failed);
    Put slowest = puts.stream().max(java.util.Comparator.comparingLong(Put::millis)).orElseThrow();
    assertTrue(slowest.millis() < CALL_TIMEOUT.toMillis() + 2000, "answered within the call timeout: " + slowest);
  }

  /** Each acknowledged put is its key's only version, at the revision it was answered with. */
  private void assertAppliedOnce(String entry, List<Put> puts) {
    for (Put p : puts) {
      long revision = new HttpCalls.Reply(p.status(), p.body(), "").json().get("revision").asLong();
      JsonNode kv = cluster.client().get(entry, "/v1/kv/" + p.key()).json();
      assertEquals(p.value(), kv.get("value").asText(), p.key());
      assertEquals(1, kv.get("version").asLong(), p.key() + " applied once: " + kv);
      assertEquals(revision, kv.get("mod_revision").asLong(), p.key() + " at the revision it was answered with");
      assertEquals(revision, kv.get("create_revision").asLong(), p.key());
    }
  }

  private static String describe(List<Put> puts) {
    return puts.stream().map(p -> p.key() + " " + p.status() + " in " + p.millis() + " ms").collect(Collectors.joining(", "));
  }

  /** {@link #WRITERS} threads, each putting fresh keys one after another through one node's HTTP API. */
  private static final class Writers {
    private final ConcurrentLinkedQueue<Put> puts = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger done = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    Writers(String entry, HttpCalls.Client http) {
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Thread t = new Thread(() -> {
          for (int i = 0; !stop.get(); i++) {
            String key = "failover/w" + writer + "/" + i;
            String value = "v" + i;
            long t0 = System.nanoTime();
            HttpCalls.Reply r;
            try {
              r = http.putJson(entry, "/v1/kv/" + key, "{\"value\":\"" + value + "\"}");
            } catch (RuntimeException e) {
              r = new HttpCalls.Reply(-1, e.toString(), "");
            }
            puts.add(new Put(key, value, t0, System.nanoTime(), r.status(), r.body()));
            done.incrementAndGet();
          }
        }, "http-writer-" + w);
        t.start();
        threads.add(t);
      }
    }

    int done() {
      return done.get();
    }

    void await(int count) {
      Eventually.assertTrue(CALL_TIMEOUT.plusSeconds(20), () -> done.get() >= count, count + " puts answered");
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(CALL_TIMEOUT.plusSeconds(20).toMillis());
        assertFalse(t.isAlive(), t.getName() + " ended");
      }
    }

    List<Put> puts() {
      return List.copyOf(puts);
    }
  }
}
