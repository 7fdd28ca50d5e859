package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.connect.KvClients;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/** Every node down: calls fail definitely within their deadline, and the same client recovers. */
class OutageIT {
  private static final Duration DEADLINE = Duration.ofSeconds(3);
  private static final long SLACK_MS = 5000;

  @TempDir
  Path dir;

  @Test
  void allNodesDownThenBack() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, dir)) {
      cluster.waitForLeader(Duration.ofSeconds(30));
      try (KvClient client = KvClients.connect(ClientItKit.configFor(cluster).deadline(DEADLINE).build())) {
        client.put("outage/k", "before");
        for (int i = 0; i < 3; i++) {
          cluster.stop(i);
        }
        // Nothing is listening: no attempt can reach a node, so even a write is definitely not applied.
        KvUnavailableException write = timed(() -> assertThrows(KvUnavailableException.class,
            () -> client.put("outage/k", "during")));
        assertTrue(write.isDefinite());
        timed(() -> assertThrows(KvUnavailableException.class, () -> client.get("outage/k")));
        timed(() -> assertThrows(KvUnavailableException.class,
            () -> client.get("outage/k", ReadConsistency.FOLLOWER)));

        for (int i = 0; i < 3; i++) {
          cluster.restart(i);
        }
        Eventually.assertTrue(Duration.ofSeconds(60), () -> {
          try {
            timed(() -> client.put("outage/k", "after"));
            return true;
          } catch (KvUnavailableException | KvIndeterminateException e) {
            return false;
          }
        }, "the same client writes again");
        assertEquals("after", client.get("outage/k").valueUtf8());
      }
    }
  }

  /** Runs {@code call} and checks it returned or threw within the deadline plus slack. */
  private static <T> T timed(Supplier<T> call) {
    long t0 = System.nanoTime();
    try {
      return call.get();
    } finally {
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms <= DEADLINE.toMillis() + SLACK_MS, "call took " + ms + " ms");
    }
  }
}
