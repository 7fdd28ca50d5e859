package quorumkv.server.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.client.KvException;
import quorumkv.client.KvLeaseNotFoundException;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvResult;
import quorumkv.client.KvUnavailableException;
import quorumkv.client.LeaseKeepAlive;
import quorumkv.client.TxnBuilder;
import quorumkv.client.Watch;
import quorumkv.client.WatchOptions;
import quorumkv.raftlog.command.RequestLimits;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Event;
import quorumkv.server.testing.LocalCluster;
import quorumkv.server.watch.WatchIT;

/**
 * Leases end to end on a three-node cluster: keys go with their lease, expiry within TTL plus slack and
 * never before, keep-alives that hold a lease across leader kills and transfers, an expiry proposed by a
 * leader that lost its quorum before committing it, and bad input.
 */
class LeaseIT {
  /** How late after its TTL an unkept lease's keys may go: the expirer's 200 ms checks, a commit, a loaded CI machine. */
  static final Duration SLACK = Duration.ofSeconds(3);

  @TempDir
  Path dir;

  @Test
  void keysGoWithTheirLeaseInOneRevisionAndBadInputIsRefused() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      KvResult.Lease lease = client.leases().grant(Duration.ofSeconds(30));
      assertEquals(Duration.ofSeconds(30), lease.ttl());
      client.put("l/a", "1", lease.id());
      client.put("l/b", "2", lease.id());
      client.txn(TxnBuilder.when().then(TxnBuilder.put("l/c", "3", lease.id())).build());
      long plain = client.put("l/plain", "4").revision();
      assertEquals(3, client.leases().timeToLive(lease.id()).keys());
      WatchIT.Recorder seen = new WatchIT.Recorder();
      try (Watch w = client.watch(WatchOptions.prefix("l/").fromRevision(plain + 1), seen)) {
        KvResult.Lease revoked = client.leases().revoke(lease.id());
        assertEquals(3, revoked.keys());
        WatchIT.await("the deletes", Duration.ofSeconds(10), () -> seen.events.size() == 3);
        assertEquals(1, seen.revisions.size(), "all three deletes in one revision: " + seen.revisions);
        assertTrue(seen.events.stream().allMatch(e -> e.type() == Event.Type.DELETE));
      }
      assertNull(client.get("l/a").keyValue());
      assertNotNull(client.get("l/plain").keyValue());
      assertThrows(KvLeaseNotFoundException.class, () -> client.leases().keepAliveOnce(lease.id()));
      assertThrows(KvLeaseNotFoundException.class, () -> client.leases().revoke(lease.id()));
      assertThrows(KvLeaseNotFoundException.class, () -> client.leases().timeToLive(lease.id()));
      assertThrows(KvLeaseNotFoundException.class, () -> client.leases().keepAliveOnce(987_654));
      assertThrows(KvLeaseNotFoundException.class, () -> client.put("l/late", "x", lease.id()));
      assertNull(client.get("l/late").keyValue(), "nothing written with a gone lease");
      for (Duration bad : List.of(Duration.ZERO, Duration.ofMillis(999), Duration.ofHours(25))) {
        KvRejectedException e = assertThrows(KvRejectedException.class, () -> client.leases().grant(bad));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), e.getMessage());
      }
      assertThrows(KvRejectedException.class, () -> client.leases().keepAliveOnce(0));
      String longKey = "k".repeat(RequestLimits.DEFAULT_MAX_KEY_BYTES + 1);
      assertThrows(KvRejectedException.class, () -> client.put(longKey, "v", 1));
    }
  }

  @Test
  void anUnkeptLeaseExpiresWithinItsTtlPlusSlackAndNeverBefore() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      Duration ttl = Duration.ofSeconds(2);
      for (int round = 0; round < 3; round++) {
        long sent = System.nanoTime();
        KvResult.Lease lease = client.leases().grant(ttl);
        client.put("e/" + round, "v", lease.id());
        long gone = waitUntilGone(client, "e/" + round, ttl.plus(SLACK).plusSeconds(2));
        long afterMillis = (gone - sent) / 1_000_000;
        System.out.println("lease of " + ttl.toMillis() + " ms, not kept alive: its key was gone " + afterMillis
            + " ms after the grant was sent (README quotes these)");
        assertTrue(afterMillis >= ttl.toMillis(), "gone " + afterMillis + " ms after the grant was sent, before its TTL");
        assertTrue(afterMillis <= ttl.plus(SLACK).toMillis(), "gone only " + afterMillis + " ms after the grant");
        assertThrows(KvLeaseNotFoundException.class, () -> client.leases().keepAliveOnce(lease.id()));
      }
    }
  }

  @Test
  void backgroundKeepAlivesHoldALeaseAcrossLeaderKillsAndTransfers() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      Duration ttl = Duration.ofSeconds(6);
      KvResult.Lease lease = client.leases().grant(ttl);
      AtomicReference<KvException> lost = new AtomicReference<>();
      WatchIT.Recorder seen = new WatchIT.Recorder();
      long written = client.put("h/key", "held", lease.id()).revision();
      try (Watch w = client.watch(WatchOptions.key("h/key").fromRevision(written + 1), seen);
          LeaseKeepAlive keeper = client.leases().keepAlive(lease, lost::set)) {
        for (int round = 0; round < 6; round++) {
          int leader = cluster.waitForLeader(Duration.ofSeconds(20));
          if (round % 2 == 0) {
            cluster.stop(leader);
            cluster.waitForLeader(Duration.ofSeconds(20));
            Thread.sleep(ttl.toMillis() / 2);
            cluster.restart(leader);
          } else {
            int target = (leader + 1) % 3;
            client.admin().transferLeadership(cluster.nodeId(target));
          }
          Thread.sleep(ttl.toMillis() / 2);
          assertNull(lost.get(), "the keeper lost the lease in round " + round + ": " + lost.get());
          assertTrue(seen.events.isEmpty(), "the key was deleted in round " + round + ": " + seen.described());
          assertEquals("held", client.get("h/key").keyValue().value().toStringUtf8());
        }
        assertTrue(keeper.isAlive());
        assertTrue(keeper.certainMillis() > 0);
      }
      // Keep-alives stopped (closed): the key goes within the TTL plus slack.
      waitUntilGone(client, "h/key", ttl.plus(SLACK).plusSeconds(2));
    }
  }

  /**
   * A leader that lost both followers proposes the expiry of an unkept lease but cannot commit it; it is
   * stopped, the followers elect a new leader without that entry, and the client's keep-alive reaches the
   * new leader: the lease lives (the new leader gives it its whole TTL), its key stays, and the old
   * leader's uncommitted expiry never applies once it rejoins.
   */
  @Test
  void anExpiryTheOldLeaderCouldNotCommitNeverAppliesAfterALeaderChange() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir); KvClient client = cluster.connect()) {
      Duration ttl = Duration.ofSeconds(2);
      int leader = cluster.waitForLeader(Duration.ofSeconds(20));
      KvResult.Lease lease = client.leases().grant(ttl);
      client.put("x/key", "kept", lease.id());
      List<Integer> followers = List.of((leader + 1) % 3, (leader + 2) % 3);
      for (int f : followers) {
        cluster.stop(f);
      }
      // Past the TTL: the lone leader's expirer proposes the expiry, which cannot commit.
      Thread.sleep(ttl.toMillis() + 1_500);
      cluster.stop(leader);
      for (int f : followers) {
        cluster.restart(f);
      }
      cluster.waitForLeader(Duration.ofSeconds(30));
      KvResult.Lease renewed = client.leases().keepAliveOnce(lease.id());
      assertEquals(ttl, renewed.remaining(), "the new leader renewed the lease");
      assertEquals("kept", client.get("x/key").keyValue().value().toStringUtf8());
      AtomicReference<KvException> lost = new AtomicReference<>();
      try (LeaseKeepAlive keeper = client.leases().keepAlive(renewed, lost::set)) {
        cluster.restart(leader);
        Thread.sleep(ttl.toMillis() * 2);
        assertNull(lost.get(), String.valueOf(lost.get()));
        assertEquals("kept", client.get("x/key").keyValue().value().toStringUtf8(),
            "the old leader's expiry was truncated, not applied");
      }
    }
  }

  @Test
  void aKeeperThatCannotReachTheClusterForItsTtlSaysSo() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir);
        KvClient client = cluster.connect()) {
      KvResult.Lease lease = client.leases().grant(Duration.ofSeconds(2));
      AtomicReference<KvException> lost = new AtomicReference<>();
      try (LeaseKeepAlive keeper = client.leases().keepAlive(lease, lost::set)) {
        for (int i = 0; i < 3; i++) {
          cluster.stop(i);
        }
        KvException e = keeper.lost().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(e instanceof KvUnavailableException, String.valueOf(e));
        assertEquals(e, lost.get(), "the callback heard the same");
        assertTrue(!keeper.isAlive());
      }
      for (int i = 0; i < 3; i++) {
        cluster.restart(i);
      }
      // Revoked meanwhile by another path: a keeper reports the lease gone.
      KvResult.Lease other = client.leases().grant(Duration.ofSeconds(30));
      AtomicReference<KvException> gone = new AtomicReference<>();
      try (LeaseKeepAlive keeper = client.leases().keepAlive(other, gone::set)) {
        client.leases().revoke(other.id());
        KvException e = keeper.lost().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(e instanceof KvLeaseNotFoundException, String.valueOf(e));
      }
    }
  }

  /** Waits until {@code key} is absent (linearizable reads); returns when it found it gone. */
  private static long waitUntilGone(KvClient client, String key, Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      if (client.get(key).keyValue() == null) {
        return System.nanoTime();
      }
      Thread.sleep(50);
    }
    throw new AssertionError(key + " still there after " + limit);
  }
}
