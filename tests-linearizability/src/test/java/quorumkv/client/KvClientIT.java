package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.connect.KvClients;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.Result;
import quorumkv.server.testing.LocalCluster;

/** Every operation end to end against a healthy three-node cluster. */
class KvClientIT {
  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static KvClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClientItKit.startCluster(3, dir);
    client = KvClients.connect(ClientItKit.configFor(cluster).build());
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
  void putGetDelete() {
    KvResult.Put put = client.put("basic/a", "1");
    assertNull(put.previous());
    assertTrue(put.index() > 0);
    KvResult.Get got = client.get("basic/a");
    assertEquals("1", got.valueUtf8());
    assertEquals(put.revision(), got.modRevision());
    assertTrue(got.index() >= put.index());

    KvResult.Put again = client.put("basic/a", "2");
    assertEquals("1", again.previous().value().toStringUtf8());
    assertEquals(2, client.get("basic/a").keyValue().version());

    KvResult.Delete deleted = client.delete("basic/a");
    assertTrue(deleted.deleted());
    assertFalse(client.get("basic/a").isPresent(), "an absent key is an empty result");
    assertFalse(client.delete("basic/a").deleted());
  }

  @Test
  void compareAndSetByRevisionAndByValue() {
    KvResult.Cas created = client.compareAndSet("cas/k", 0, "v1");
    assertTrue(created.succeeded());
    long rev = created.revision();
    KvResult.Cas lost = client.compareAndSet("cas/k", rev + 1000, "nope");
    assertFalse(lost.succeeded(), "a failed CAS is a result");
    assertEquals(rev, lost.current().modRevision());
    assertTrue(client.compareAndSet("cas/k", rev, "v2").succeeded());
    assertTrue(client.compareAndSet("cas/k", "v2", "v3").succeeded());
    assertFalse(client.compareAndSet("cas/k", "v2", "v4").succeeded());
    assertEquals("v3", client.get("cas/k").valueUtf8());
  }

  @Test
  void putIfAbsent() {
    assertTrue(client.putIfAbsent("pia/k", "first").succeeded());
    KvResult.Cas second = client.putIfAbsent("pia/k", "second");
    assertFalse(second.succeeded());
    assertEquals("first", second.current().value().toStringUtf8());
  }

  @Test
  void rangeAndPrefix() {
    for (int i = 0; i < 5; i++) {
      client.put("range/" + i, "v" + i);
    }
    client.put("rangez", "outside");
    KvResult.Range all = client.prefix("range/", 0);
    assertEquals(5, all.keyValues().size());
    assertFalse(all.more());
    KvResult.Range two = client.range("range/1", "range/4", 2);
    assertEquals(List.of("range/1", "range/2"), two.keyValues().stream().map(kv -> kv.key().toStringUtf8()).toList());
    assertTrue(two.more());
    KvResult.Range follower = client.prefix("range/", 0, ReadConsistency.FOLLOWER);
    assertEquals(5, follower.keyValues().size(), "a FOLLOWER read sees this client's own writes");
  }

  @Test
  void transaction() {
    long rev = client.put("txn/k", "a").revision();
    KvResult.Txn ok = client.txn(TxnBuilder.when(Guard.modRevisionIs(Bytes.utf8("txn/k"), rev))
        .then(TxnBuilder.put("txn/k", "b"), TxnBuilder.put("txn/other", "x"))
        .otherwise(TxnBuilder.get("txn/k")).build());
    assertTrue(ok.succeeded());
    assertEquals(2, ok.results().size());
    KvResult.Txn failed = client.txn(TxnBuilder.when(Guard.modRevisionIs(Bytes.utf8("txn/k"), rev))
        .then(TxnBuilder.put("txn/k", "c")).otherwise(TxnBuilder.get("txn/k")).build());
    assertFalse(failed.succeeded());
    Result.GetResult current = (Result.GetResult) failed.results().get(0);
    assertEquals("b", current.kv().value().toStringUtf8());
  }

  @Test
  void asyncFacet() {
    CompletableFuture<KvResult.Put> put = client.async().put("async/k", "v");
    CompletableFuture<KvResult.Get> get = put.thenCompose(p -> client.async().get("async/k"));
    assertEquals("v", get.join().valueUtf8());
  }

  @Test
  void oversizedAndInvalidRequestsAreRejectedBeforeSending() {
    KvRejectedException big = assertThrows(KvRejectedException.class,
        () -> client.put(Bytes.utf8("big"), Bytes.wrap(new byte[2 * 1024 * 1024])));
    assertEquals(ErrorCode.VALUE_TOO_LARGE, big.code());
    assertEquals(ErrorCode.INVALID_ARGUMENT,
        assertThrows(KvRejectedException.class, () -> client.put("", "v")).code());
  }

  @Test
  void theServerRejectsWhatItsOwnLimitsForbid() throws Exception {
    // A client configured with looser limits than the cluster: the server must refuse, definitely.
    KvClientConfig loose = ClientItKit.configFor(cluster)
        .limits(new quorumkv.raftlog.command.RequestLimits(1 << 20, 2 << 20, 1000, 3 << 20, 10_000)).build();
    try (KvClient c = KvClients.connect(loose)) {
      KvRejectedException e = assertThrows(KvRejectedException.class,
          () -> c.put(Bytes.wrap(new byte[8 * 1024]), Bytes.utf8("v")));
      assertEquals(ErrorCode.KEY_TOO_LARGE, e.code());
    }
  }

  @Test
  void aClientGivenOnlyOneFollowerFindsTheLeader() throws Exception {
    int leader = cluster.waitForLeader(Duration.ofSeconds(10));
    String follower = cluster.addresses().get((leader + 1) % 3);
    try (KvClient c = KvClients.connect(KvClientConfig.builder().addresses(follower)
        .clusterId(cluster.clusterId()).tls(cluster.clientTls(LocalCluster.ADMIN_CLIENT)).build())) {
      long t0 = System.nanoTime();
      c.put("follower-only/k", "v");
      assertEquals("v", c.get("follower-only/k").valueUtf8());
      assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(2)) < 0);
    }
  }
}
