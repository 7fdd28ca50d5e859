package quorumkv.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.client.KvCompactedException;
import quorumkv.client.KvException;
import quorumkv.client.KvPermissionDeniedException;
import quorumkv.client.KvRejectedException;
import quorumkv.client.Watch;
import quorumkv.client.WatchListener;
import quorumkv.client.WatchOptions;
import quorumkv.client.connect.KvClients;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Event;
import quorumkv.raftlog.command.Permission;
import quorumkv.server.HttpCalls;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.testing.LocalCluster;

/** Watches end to end: order, revisions together, resume across node failures, compaction, grants, bad input. */
public class WatchIT {
  @TempDir
  Path dir;

  /** Records what a listener hears. */
  public static final class Recorder implements WatchListener {
    public final List<Event> events = new CopyOnWriteArrayList<>();
    public final List<Long> revisions = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final List<Long> progress = new CopyOnWriteArrayList<>();
    final AtomicReference<KvException> error = new AtomicReference<>();

    @Override
    public void onEvents(long revision, List<Event> batch) {
      revisions.add(revision);
      batchSizes.add(batch.size());
      events.addAll(batch);
    }

    @Override
    public void onProgress(long next) {
      progress.add(next);
    }

    @Override
    public void onError(KvException e) {
      error.set(e);
    }

    public List<String> described() {
      return events.stream().map(e -> e.type() + " " + e.kv().key().toStringUtf8() + "=" + e.kv().value().toStringUtf8()
          + (e.previous() == null ? "" : " prev " + e.previous().value().toStringUtf8())).toList();
    }
  }

  public static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  @Test
  void eventsArriveInOrderWithEachRevisionTogetherAndPreviousValuesOnRequest() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      Recorder all = new Recorder();
      Recorder one = new Recorder();
      try (Watch prefix = client.watch(WatchOptions.prefix("w/").withPreviousValue(), all);
          Watch key = client.watch(WatchOptions.key("w/a"), one)) {
        await("both watches confirmed", Duration.ofSeconds(20), () -> prefix.nextRevision() > 0 && key.nextRevision() > 0);
        client.put("w/a", "1");
        client.put("other", "x");
        client.txn(quorumkv.client.TxnBuilder.when().then(new Command.Put(Bytes.utf8("w/a"), Bytes.utf8("2")),
            new Command.Put(Bytes.utf8("w/b"), Bytes.utf8("3"))).build());
        client.delete("w/a");
        await("four events", Duration.ofSeconds(20), () -> all.events.size() == 4 && one.events.size() == 3);
        assertEquals(List.of("PUT w/a=1", "PUT w/a=2 prev 1", "PUT w/b=3", "DELETE w/a= prev 2"), all.described());
        assertEquals(List.of(1, 2, 1), all.batchSizes, "the transaction's two events came together");
        assertEquals(List.of("PUT w/a=1", "PUT w/a=2", "DELETE w/a="), one.described(), "no previous values unasked");
        assertTrue(all.revisions.get(0) < all.revisions.get(1) && all.revisions.get(1) < all.revisions.get(2));
        long quietFrom = prefix.nextRevision();
        await("progress on a quiet watch", Duration.ofSeconds(10), () -> !all.progress.isEmpty());
        assertTrue(prefix.nextRevision() >= quietFrom);
        assertNull(all.error.get());
      }
      // From a past revision: the history replays what happened since.
      Recorder replay = new Recorder();
      long first = all.revisions.get(0);
      try (Watch w = client.watch(WatchOptions.prefix("w/").fromRevision(first), replay)) {
        await("replayed", Duration.ofSeconds(20), () -> replay.events.size() == 4);
        assertEquals(List.of("PUT w/a=1", "PUT w/a=2", "PUT w/b=3", "DELETE w/a="), replay.described());
      }
    }
  }

  @Test
  void aWatchLosesNoEventAndRepeatsNoneWhileItsNodesAreStoppedAndRestarted() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      Recorder r = new Recorder();
      List<Long> acked = new ArrayList<>();
      try (Watch w = client.watch(WatchOptions.prefix("f/"), r)) {
        await("confirmed", Duration.ofSeconds(20), () -> w.nextRevision() > 0);
        int n = 0;
        for (int round = 0; round < 3; round++) {
          for (int i = 0; i < 40; i++, n++) {
            acked.add(client.put("f/" + n, "v" + n).revision());
          }
          // Stop each node in turn (the one the watch is on among them), writing meanwhile.
          cluster.stop(round);
          for (int i = 0; i < 40; i++, n++) {
            acked.add(client.put("f/" + n, "v" + n).revision());
          }
          cluster.restart(round);
        }
        int total = n;
        await("every acknowledged write seen", Duration.ofSeconds(60), () -> r.events.size() >= total);
        TimeUnit.MILLISECONDS.sleep(500);
        List<Long> seen = r.events.stream().map(Event::revision).toList();
        assertEquals(acked, seen, "each acknowledged write exactly once, in order");
        for (int i = 0; i < total; i++) {
          assertEquals("f/" + i, r.events.get(i).kv().key().toStringUtf8());
        }
        assertNull(r.error.get());
        assertTrue(w.isOpen());
      }
    }
  }

  @Test
  void aWatchFromACompactedRevisionFailsWithTheOldestRevision() throws Exception {
    Map<String, String> small = Map.of(ConfigKeys.WATCH_HISTORY_REVISIONS, "10", ConfigKeys.WATCH_HISTORY_AGE, "1ms");
    try (LocalCluster cluster = LocalCluster.startWithHttp(3, dir, small); KvClient client = cluster.connect()) {
      long first = client.put("c/0", "x").revision();
      for (int i = 1; i < 60; i++) {
        client.put("c/" + i, "x");
      }
      Recorder r = new Recorder();
      // The leader compacts within a few checks (every 5 s); until then the watch replays and is closed.
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      KvException error = null;
      while (error == null && System.nanoTime() < end) {
        Recorder attempt = new Recorder();
        try (Watch w = client.watch(WatchOptions.prefix("c/").fromRevision(first), attempt)) {
          await("an answer", Duration.ofSeconds(20), () -> attempt.error.get() != null || attempt.events.size() >= 60);
          error = attempt.error.get();
        }
        if (error == null) {
          TimeUnit.SECONDS.sleep(1);
        }
      }
      KvCompactedException compacted = assertInstanceOf(KvCompactedException.class, error);
      assertTrue(compacted.oldestRevision() > first, compacted.getMessage());
      assertTrue(compacted.isDefinite());
      // The HTTP long poll says the same: 410 with the oldest revision kept.
      HttpCalls.Reply gone = cluster.http().get(cluster.httpAddress(0), "/v1/watch?prefix=c/&timeout=100ms&start_revision=" + first);
      assertEquals(410, gone.status(), gone.body());
      assertEquals("compacted", gone.json().get("error").asText());
      assertTrue(gone.json().get("oldest").asLong() > first, gone.body());
      // From the oldest revision on, the watch works.
      try (Watch w = client.watch(WatchOptions.prefix("c/").fromRevision(compacted.oldestRevision()), r)) {
        await("events from the oldest revision", Duration.ofSeconds(20), () -> !r.events.isEmpty());
        assertNull(r.error.get());
      }
    }
  }

  @Test
  void theHttpLongPollAnswersAtTheFirstChangeAndItsNextRevisionMissesNothing() throws Exception {
    try (LocalCluster cluster = LocalCluster.startWithHttp(3, dir, Map.of()); KvClient client = cluster.connect()) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(30));
      HttpCalls.Client http = cluster.http();
      String node = cluster.httpAddress((leader + 1) % 3); // a follower serves it as well
      // Nothing yet: the poll ends at its timeout with no events and a revision to go on from.
      HttpCalls.Reply quiet = http.get(node, "/v1/watch?prefix=h/&timeout=300ms");
      assertEquals(200, quiet.status(), quiet.body());
      assertEquals(0, quiet.json().get("events").size());
      long next = quiet.json().get("next").asLong();
      assertTrue(next > 0, quiet.body());
      // A waiting poll answers when the change is applied, well before its 20 s timeout.
      var waiting = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> http.get(node, "/v1/watch?prefix=h/&timeout=20s&start_revision=" + quiet.json().get("next").asLong()));
      TimeUnit.MILLISECONDS.sleep(300);
      long started = System.nanoTime();
      client.put("h/1", "a");
      HttpCalls.Reply woken = waiting.get(30, TimeUnit.SECONDS);
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15), "the poll waited for its timeout");
      assertEquals(200, woken.status(), woken.body());
      assertEquals("put", woken.json().get("events").get(0).get("type").asText());
      assertEquals("a", woken.json().get("events").get(0).get("kv").get("value").asText());
      // Polling with each answer's next sees every change once, in order.
      client.put("h/2", "b");
      client.put("other", "x");
      client.delete("h/1");
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 10 && seen.size() < 3; i++) {
        HttpCalls.Reply r = http.get(node, "/v1/watch?prefix=h/&prev=true&timeout=2s&start_revision=" + next);
        assertEquals(200, r.status(), r.body());
        for (var e : r.json().get("events")) {
          seen.add(e.get("type").asText() + " " + e.get("kv").get("key").asText() + "=" + e.get("kv").get("value").asText()
              + (e.has("prev_kv") ? " prev " + e.get("prev_kv").get("value").asText() : ""));
        }
        next = r.json().get("next").asLong();
      }
      assertEquals(List.of("put h/1=a", "put h/2=b", "delete h/1= prev a"), seen);
      // Bad input: a clear 400 each.
      for (String bad : List.of("/v1/watch", "/v1/watch?key=a&prefix=b", "/v1/watch?key=a&start_revision=-1",
          "/v1/watch?key=a&timeout=46s", "/v1/watch?key=a&timeout=10", "/v1/watch?key=a&prev=maybe",
          "/v1/watch?key=a&start_revision=" + (next + 1_000_000),
          "/v1/watch?key=a&bogus=1")) {
        HttpCalls.Reply r = http.get(node, bad);
        assertEquals(400, r.status(), bad + ": " + r.body());
        assertTrue(r.json().get("message").asText().length() > 10, r.body());
      }
      // A caller sees only what it may read.
      cluster.issueClient("poller");
      LocalCluster.grant(client, "poller", Permission.read("h/"));
      Path pki = cluster.pki();
      HttpCalls.Client poller = HttpCalls.tls(pki.resolve(quorumkv.server.tls.DevPki.CA_CERT), pki.resolve("poller.pem"),
          pki.resolve("poller.key"));
      assertEquals(200, poller.get(node, "/v1/watch?prefix=h/&timeout=100ms").status());
      HttpCalls.Reply denied = poller.get(node, "/v1/watch?prefix=other&timeout=100ms");
      assertEquals(403, denied.status(), denied.body());
    }
  }

  @Test
  void aWatchNeedsReadAccessAndARevokeEndsIt() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient root = cluster.connect()) {
      cluster.issueClient("watcher");
      LocalCluster.grant(root, "watcher", Permission.read("app/"));
      try (KvClient watcher = KvClients.connect(cluster.clientConfig().tls(cluster.clientTls("watcher")).build())) {
        Recorder denied = new Recorder();
        watcher.watch(WatchOptions.prefix("other/"), denied);
        await("refused", Duration.ofSeconds(20), () -> denied.error.get() != null);
        assertInstanceOf(KvPermissionDeniedException.class, denied.error.get());
        Recorder allowed = new Recorder();
        Watch w = watcher.watch(WatchOptions.prefix("app/"), allowed);
        await("confirmed", Duration.ofSeconds(20), () -> w.nextRevision() > 0);
        root.put("app/x", "1");
        await("event", Duration.ofSeconds(20), () -> allowed.events.size() == 1);
        root.auth().revoke("watcher-role", Permission.read("app/"));
        await("ended by the revoke", Duration.ofSeconds(20), () -> allowed.error.get() != null);
        assertInstanceOf(KvPermissionDeniedException.class, allowed.error.get());
        root.put("app/y", "2");
        TimeUnit.MILLISECONDS.sleep(500);
        assertEquals(1, allowed.events.size(), "nothing after the revoke");
      }
    }
  }

  @Test
  void badStartRevisionsAreRefusedClearly() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> WatchOptions.key("k").fromRevision(-1));
    assertThrows(IllegalArgumentException.class, () -> WatchOptions.key(""));
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      long now = client.put("k", "v").revision();
      Recorder r = new Recorder();
      client.watch(WatchOptions.key("k").fromRevision(now + 1_000_000), r);
      await("refused", Duration.ofSeconds(20), () -> r.error.get() != null);
      KvRejectedException e = assertInstanceOf(KvRejectedException.class, r.error.get());
      assertTrue(e.getMessage().contains("future"), e.getMessage());
      assertNotNull(e.code());
    }
  }
}
