package quorumkv.server.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.client.KvElection;
import quorumkv.client.KvLock;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvResult;
import quorumkv.client.KvUnavailableException;
import quorumkv.client.TxnBuilder;
import quorumkv.client.Watch;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.RequestLimits;
import quorumkv.server.testing.LocalCluster;
import quorumkv.server.watch.WatchIT;

/** Locks and elections end to end: FIFO with growing fencing tokens, fencing a paused holder, elections, bad input. */
class LockIT {
  @TempDir
  Path dir;

  /** 32 waiters on one client instance: one holder at a time, served in arrival order, tokens strictly growing. */
  @Test
  void thirtyTwoWaitersOnOneClientGetStrictlyIncreasingTokensOneAtATime() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      int waiters = 32;
      AtomicInteger holders = new AtomicInteger();
      List<Long> acquired = new CopyOnWriteArrayList<>();
      List<String> overlaps = new CopyOnWriteArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(waiters);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
          done.add(pool.submit(() -> {
            try (KvLock lock = client.lock("jobs/q", Duration.ofSeconds(10), Duration.ofSeconds(90))) {
              if (holders.incrementAndGet() != 1) {
                overlaps.add("token " + lock.fencingToken() + " held with another holder");
              }
              acquired.add(lock.fencingToken());
              assertTrue(lock.fenced(TxnBuilder.put("jobs/q-owner", "" + lock.fencingToken())).succeeded());
              Thread.sleep(10);
              holders.decrementAndGet();
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(List.of(), overlaps);
      assertEquals(waiters, acquired.size());
      for (int i = 1; i < acquired.size(); i++) {
        assertTrue(acquired.get(i) > acquired.get(i - 1), "tokens in acquisition order: " + acquired);
      }
      assertTrue(client.prefix("jobs/q/", 0).keyValues().isEmpty(), "every holder released its key");
    }
  }

  /**
   * A holder paused past its lease's TTL (no keep-alives: its lease expires) wakes up after a new holder
   * took the lock and tries a fenced write: the store refuses it, and accepts the new holder's.
   */
  @Test
  void aPausedOldHolderThatWakesUpIsFencedOff() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient paused = cluster.connect();
        KvClient next = cluster.connect()) {
      // The paused holder follows the recipe by hand, so that no keep-alive runs while it "sleeps".
      KvResult.Lease lease = paused.leases().grant(Duration.ofSeconds(2));
      Bytes key = Bytes.utf8("svc/lock/" + String.format("%016x", lease.id()));
      assertTrue(paused.txn(TxnBuilder.when(new Guard(key, Guard.Target.CREATE_REVISION, Guard.Op.EQUAL, 0,
          Bytes.EMPTY)).then(new Command.Put(key, Bytes.EMPTY, lease.id())).build()).succeeded());
      long token = paused.get(key).keyValue().createRevision();
      Guard stillMine = new Guard(key, Guard.Target.CREATE_REVISION, Guard.Op.EQUAL, token, Bytes.EMPTY);
      assertTrue(paused.txn(TxnBuilder.when(stillMine).then(TxnBuilder.put("svc/record", "old")).build()).succeeded());
      long waitStarted = System.nanoTime();
      try (KvLock newer = next.lock("svc/lock", Duration.ofSeconds(10), Duration.ofSeconds(30))) {
        long waitedMillis = (System.nanoTime() - waitStarted) / 1_000_000;
        assertTrue(waitedMillis <= 2_000 + LeaseIT.SLACK.toMillis(), "took over " + waitedMillis + " ms after the pause");
        assertTrue(newer.fencingToken() > token);
        KvResult.Txn stale = paused.txn(TxnBuilder.when(stillMine).then(TxnBuilder.put("svc/record", "stale")).build());
        assertFalse(stale.succeeded(), "the old holder's fenced write was refused");
        assertTrue(newer.fenced(TxnBuilder.put("svc/record", "new")).succeeded());
        assertEquals("new", next.get("svc/record").keyValue().value().toStringUtf8());
        newer.close();
        assertFalse(newer.isHeld());
        assertFalse(newer.fenced(TxnBuilder.put("svc/record", "after release")).succeeded());
      }
    }
  }

  @Test
  void electionsFollowTheOldestLiveCandidateAndObserversSeeEachChange() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient a = cluster.connect(); KvClient b = cluster.connect();
        KvClient c = cluster.connect(); KvClient watcher = cluster.connect()) {
      Duration ttl = Duration.ofSeconds(2);
      List<String> seen = new CopyOnWriteArrayList<>();
      KvElection observed = watcher.election("svc/leader", ttl);
      try (Watch w = observed.observe(l -> seen.add(l.map(KvElection.Leader::proposal).orElse("-")))) {
        KvLock first = a.election("svc/leader", ttl).campaign("a:1");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
          Future<KvLock> second = pool.submit(() -> b.election("svc/leader", ttl).campaign("b:1"));
          Thread.sleep(300);
          Future<KvLock> third = pool.submit(() -> c.election("svc/leader", ttl).campaign("c:1"));
          Thread.sleep(300);
          assertEquals(Optional.of("a:1"), observed.leader().map(KvElection.Leader::proposal));
          first.close(); // resign
          KvLock bLeads = second.get(10, TimeUnit.SECONDS);
          assertEquals("b:1", observed.leader().orElseThrow().proposal());
          assertEquals(bLeads.fencingToken(), observed.leader().orElseThrow().fencingToken());
          long died = System.nanoTime();
          b.close(); // the leader's process dies: keep-alives stop, its lease expires
          KvLock cLeads = third.get(10, TimeUnit.SECONDS);
          long tookMillis = (System.nanoTime() - died) / 1_000_000;
          assertTrue(tookMillis <= ttl.plus(LeaseIT.SLACK).toMillis(), "a new leader after " + tookMillis + " ms");
          assertTrue(cLeads.fencingToken() > bLeads.fencingToken());
          WatchIT.await("the observer saw c lead", Duration.ofSeconds(10), () -> seen.contains("c:1"));
          cLeads.close();
          WatchIT.await("the observer saw nobody lead", Duration.ofSeconds(10), () -> seen.get(seen.size() - 1).equals("-"));
        } finally {
          pool.shutdownNow();
        }
      }
      assertEquals(List.of("-", "a:1", "b:1", "c:1", "-"), seen, "each leader once, in order");
    }
  }

  @Test
  void badNamesAndTimeoutsLeaveNothingBehind() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      String tooLong = "n".repeat(RequestLimits.DEFAULT_MAX_KEY_BYTES - 10);
      KvRejectedException e = assertThrows(KvRejectedException.class, () -> client.lock(tooLong, Duration.ofSeconds(5)));
      assertEquals(ErrorCode.KEY_TOO_LARGE, e.code(), e.getMessage());
      assertEquals(ErrorCode.INVALID_ARGUMENT,
          assertThrows(KvRejectedException.class, () -> client.lock("", Duration.ofSeconds(5))).code());
      assertThrows(KvRejectedException.class, () -> client.election(tooLong, Duration.ofSeconds(5)));
      assertThrows(KvRejectedException.class, () -> client.lock("bad-ttl", Duration.ZERO));
      try (KvLock held = client.lock("busy", Duration.ofSeconds(10))) {
        assertThrows(KvUnavailableException.class, () -> client.lock("busy", Duration.ofSeconds(10),
            Duration.ofMillis(500)));
        assertEquals(1, client.prefix("busy/", 0).keyValues().size(), "the timed-out waiter left no key");
      }
      assertTrue(client.prefix("bad-ttl/", 0).keyValues().isEmpty());
    }
  }
}
