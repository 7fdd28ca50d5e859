package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumkv.raftlog.command.ClusterIds;
import quorumkv.raftlog.command.RequestLimits;

class KvClientConfigTest {

  @Test
  void defaults() {
    KvClientConfig c = KvClientConfig.builder().addresses("127.0.0.1:9000").build();
    assertEquals(List.of("127.0.0.1:9000"), c.addresses());
    assertEquals(ClusterIds.DEFAULT_CLUSTER_ID, c.clusterId());
    assertEquals(KvClientConfig.DEFAULT_DEADLINE, c.deadline());
    assertEquals(KvClientConfig.DEFAULT_RPC_TIMEOUT, c.rpcTimeout());
    assertEquals(RequestLimits.DEFAULTS, c.limits());
    assertEquals(KvClientConfig.WriteBatching.DEFAULT, c.writeBatching());
  }

  @Test
  void toBuilderKeepsEverything() {
    KvClientConfig c = KvClientConfig.builder().addresses("a:1", "b:2").clusterId("x").deadline(Duration.ofSeconds(3))
        .rpcTimeout(Duration.ofMillis(700)).backoff(Duration.ofMillis(5), Duration.ofMillis(80))
        .hedgeAfter(Duration.ofMillis(90)).writeBatching(new KvClientConfig.WriteBatching(8, 2)).build();
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void rejectsBadSettings() {
    assertThrows(IllegalArgumentException.class, () -> KvClientConfig.builder().build());
    assertThrows(IllegalArgumentException.class, () -> KvClientConfig.builder().addresses("nohost").build());
    assertThrows(IllegalArgumentException.class, () -> KvClientConfig.builder().addresses("h:0").build());
    assertThrows(IllegalArgumentException.class, () -> KvClientConfig.builder().addresses("h:x").build());
    assertThrows(IllegalArgumentException.class, () -> KvClientConfig.builder().addresses(":9").build());
    assertThrows(IllegalArgumentException.class,
        () -> KvClientConfig.builder().addresses("h:1").clusterId(" ").build());
    assertThrows(IllegalArgumentException.class,
        () -> KvClientConfig.builder().addresses("h:1").deadline(Duration.ZERO).build());
    assertThrows(IllegalArgumentException.class,
        () -> KvClientConfig.builder().addresses("h:1").backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build());
    assertThrows(IllegalArgumentException.class,
        () -> KvClientConfig.builder().addresses("h:1").hedgeAfter(Duration.ofMillis(-1)).build());
    KvClientConfig.builder().addresses("h:1").hedgeAfter(Duration.ZERO).build();   // zero: never hedge
    assertThrows(IllegalArgumentException.class, () -> new KvClientConfig.WriteBatching(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new KvClientConfig.WriteBatching(8, 0));
  }
}
