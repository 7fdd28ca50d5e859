package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.testing.ErrLog;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * Operator calls against a follower while it installs a snapshot from the leader (the store is closed and
 * replaced underneath): {@code /v1/cluster}, {@code /metrics}, {@code /health}, {@code /ready} and
 * {@code /v1/backup} run in loops on that node, before, during and after the install. Every answer must be
 * a clean one: 200, or a 503 with a JSON error body where the resource may refuse for now (health and
 * readiness while the store is swapped or the node catches up, a backup that cannot run now); never a 500,
 * a dropped connection or a crash, and no ERROR logged by our code. Every loop is bounded in calls and time.
 */
class OperatorCallsDuringSnapshotInstallIT {
  private static final Duration LOOP_TIME = Duration.ofSeconds(40);
  private static final int MAX_CALLS_PER_LOOP = 5_000;
  private static final int KEYS = 3_000;
  private static final String VALUE = "v".repeat(2_048);
  /** A line slf4j-simple writes for an ERROR from one of our loggers. */
  private static final Pattern OUR_ERROR = Pattern.compile("\\bERROR quorumkv\\.");

  @TempDir
  Path dir;
  /** HTTPS with the cluster's admin certificate (backups are for admins). */
  private static volatile HttpCalls.Client http;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void statusMetricsHealthAndBackupsAnswerCleanlyWhileAFollowerInstallsASnapshot() throws Exception {
    Map<String, String> small = Map.of(
        ConfigKeys.SNAPSHOT_ENTRIES, "50",
        ConfigKeys.PURGE_GAP, "1",
        ConfigKeys.SEGMENT_SIZE, "1MB",
        ConfigKeys.HTTP_CALL_TIMEOUT, "3s");
    ErrLog errLog = ErrLog.capture();
    ExecutorService loops = Executors.newFixedThreadPool(Endpoint.values().length);
    try (LocalCluster cluster = LocalCluster.startWithHttp(3, dir, small); KvClient client = cluster.connect()) {
      http = cluster.http();
      int leader = cluster.waitForLeader(Duration.ofSeconds(20));
      int follower = (leader + 1) % 3;
      client.put("before", "down");
      cluster.stop(follower);
      long started = System.nanoTime();
      writeKeys(client);
      System.out.printf("%d keys written in %d ms%n", KEYS, (System.nanoTime() - started) / 1_000_000);
      long snapshotIndex = cluster.takeSnapshot(leader);
      Path leaderLog = cluster.config(leader).raftDir();
      Eventually.assertTrue(Duration.ofSeconds(20), () -> ThreeNodeClusterIT.firstLogIndex(leaderLog) > snapshotIndex / 2,
          "the leader purged its log behind the snapshot at " + snapshotIndex);

      // The loops start before the node does: until it first answers, a refused connection is expected.
      String address = cluster.httpAddress(follower);
      String ops = cluster.opsAddress(follower);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicBoolean installed = new AtomicBoolean();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      List<Loop> running = new ArrayList<>();
      List<Future<?>> done = new ArrayList<>();
      for (Endpoint endpoint : Endpoint.values()) {
        Loop loop = new Loop(endpoint, endpoint.onOperationsPort ? ops : address, stop, installed, failures);
        running.add(loop);
        done.add(loops.submit(loop));
      }
      long restarted = System.nanoTime();
      cluster.restart(follower);

      // 20 s: Ratis's default install-snapshot timeouts kept a restarted follower waiting 24 s here.
      Eventually.assertTrue(Duration.ofSeconds(20), () -> installsSeen(ops) >= 1,
          "the restarted follower installed a snapshot within 20 s (quorumkv_snapshot_installs_total)");
      installed.set(true);
      System.out.printf("install seen %d ms after the restart began%n", (System.nanoTime() - restarted) / 1_000_000);
      long applied = cluster.node(follower).appliedIndex();
      assertTrue(applied >= snapshotIndex, "applied index jumped to the snapshot: " + applied + " >= " + snapshotIndex);
      Thread.sleep(1_000);   // a few more rounds against the node after the install
      stop.set(true);
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }

      for (Loop loop : running) {
        System.out.printf("%s: %d answers (%d before the install was seen), by status %s%n", loop.endpoint,
            loop.answered.get(), loop.answeredBeforeInstall.get(), loop.statuses);
      }
      assertEquals(List.of(), List.copyOf(failures), "every call answered cleanly");
      for (Loop loop : running) {
        assertTrue(loop.answered.get() > 0, loop.endpoint + " answered at least once");
        if (loop.endpoint != Endpoint.BACKUP) {   // a backup may take its whole call timeout
          assertTrue(loop.answeredBeforeInstall.get() > 0, loop.endpoint + " answered while the install ran: "
              + loop.answeredBeforeInstall + " before it was seen, " + loop.answered + " in all");
        }
      }
      Eventually.assertTrue(Duration.ofSeconds(30), () -> ThreeNodeClusterIT.sameDigest(cluster),
          "the follower holds the leader's data");
    } finally {
      loops.shutdownNow();
      errLog.release();
    }
    assertEquals(List.of(), errLog.lines(OUR_ERROR), "no ERROR logged by our code");
  }

  private static void writeKeys(KvClient client) throws Exception {
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      inFlight.add(client.async().put("k" + i, VALUE + i));
      if (inFlight.size() == 32) {
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        inFlight.clear();
      }
    }
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }

  private static double installsSeen(String address) {
    HttpCalls.Reply r = http.get(address, "/metrics");
    return r.status() == 200 ? PrometheusText.parse(r.body()).value("quorumkv_snapshot_installs_total") : 0;
  }

  /** One operator resource and the answers it may give while the node's store is being swapped. */
  enum Endpoint {
    STATUS("/v1/cluster", false, Set.of(200, 503)),
    METRICS("/metrics", true, Set.of(200)),
    HEALTH("/health", true, Set.of(200, 503)),
    READY("/ready", true, Set.of(200, 503)),
    BACKUP("/v1/backup", false, Set.of(200, 503));

    final String path;
    final boolean onOperationsPort;
    final Set<Integer> allowed;

    Endpoint(String path, boolean onOperationsPort, Set<Integer> allowed) {
      this.path = path;
      this.onOperationsPort = onOperationsPort;
      this.allowed = allowed;
    }
  }

  /** Calls one endpoint until told to stop, for at most {@link #MAX_CALLS_PER_LOOP} calls and {@link #LOOP_TIME}. */
  private static final class Loop implements Runnable {
    final Endpoint endpoint;
    final String address;
    final AtomicBoolean stop;
    final AtomicBoolean installed;
    final ConcurrentLinkedQueue<String> failures;
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger answeredBeforeInstall = new AtomicInteger();
    final Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();

    Loop(Endpoint endpoint, String address, AtomicBoolean stop, AtomicBoolean installed,
        ConcurrentLinkedQueue<String> failures) {
      this.endpoint = endpoint;
      this.address = address;
      this.stop = stop;
      this.installed = installed;
      this.failures = failures;
    }

    @Override
    public void run() {
      long deadline = System.nanoTime() + LOOP_TIME.toNanos();
      for (int call = 0; call < MAX_CALLS_PER_LOOP && !stop.get() && System.nanoTime() - deadline < 0; call++) {
        boolean beforeInstall = !installed.get();
        HttpCalls.Reply r;
        try {
          r = http.get(address, endpoint.path);
        } catch (RuntimeException e) {
          if (answered.get() > 0) {
            failures.add(endpoint + ": " + e);
          }
          pause(20);   // the node is not listening yet
          continue;
        }
        answered.incrementAndGet();
        statuses.merge(r.status(), 1, Integer::sum);
        if (beforeInstall) {
          answeredBeforeInstall.incrementAndGet();
        }
        if (!endpoint.allowed.contains(r.status())) {
          failures.add(endpoint + ": " + r.status() + " " + r.body());
        } else if (r.status() == 503 && !r.json().has("error")) {
          failures.add(endpoint + ": 503 without an error body: " + r.body());
        }
        pause(endpoint == Endpoint.BACKUP ? 100 : 5);
      }
    }

    private static void pause(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
