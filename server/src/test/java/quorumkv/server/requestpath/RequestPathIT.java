package quorumkv.server.requestpath;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvClientConfig.WriteBatching;
import quorumkv.client.connect.KvClients;
import quorumkv.server.testing.LocalCluster;

/**
 * The put paths README's architecture section documents are the ones the code takes: real puts against a
 * three-node in-process cluster, batching off and on, while {@link StackProbes} record the QuorumKV
 * classes on the stack at the Ratis client's send and at the state machine's RocksDB write batch. A class
 * on a recorded stack that README does not name on that path fails the test, as does a path of more than
 * six files, or a probe that saw no put at all (so the test cannot pass vacuously).
 */
class RequestPathIT {
  private static final int MAX_FILES = 6;

  @TempDir
  static Path dir;

  private static DocumentedPaths documented;

  @BeforeAll
  static void probe() throws Exception {
    documented = DocumentedPaths.fromReadme();
    StackProbes.install();
  }

  @Test
  void aPutTakesTheDocumentedPathsWithAndWithoutBatching() throws Exception {
    assertTrue(documented.client().size() <= MAX_FILES, "README's client put path: " + documented.client());
    assertTrue(documented.server().size() <= MAX_FILES, "README's server put path: " + documented.server());
    try (LocalCluster cluster = LocalCluster.start(3, dir)) {
      cluster.waitForLeader(Duration.ofSeconds(30));
      for (boolean groupCommit : List.of(true, false)) {
        for (WriteBatching batching : List.of(WriteBatching.OFF, WriteBatching.DEFAULT)) {
          KvClientConfig config = cluster.clientConfig().deadline(Duration.ofSeconds(20)).writeBatching(batching)
              .serverGroupCommit(groupCommit).build();
          try (KvClient client = KvClients.connect(config)) {
            client.put("warm-up", "v");   // leader found, session open: later puts take the steady path
            StackProbe.clear();
            StackProbe.arm();
            try {
              putConcurrently(client, batching == WriteBatching.OFF ? 1 : 8, 10);
            } finally {
              StackProbe.disarm();
            }
            check(batching, groupCommit, StackProbe.stacks());
          }
        }
      }
    }
  }

  /** The check itself can fail: a class README does not name on the path, or the wrong module's class. */
  @Test
  void aClassOffTheDocumentedPathFails() {
    String send = StackProbes.SEND;
    List<String> documentedStack = List.of("quorumkv.client.internal.RaftTransport", "quorumkv.client.KvClient");
    checkProbe("fixture", Map.of(send, Set.of(documentedStack)), send, "quorumkv.client.", documented.client());
    for (String intruder : List.of("quorumkv.client.internal.Backoff", "quorumkv.server.node.KvServer",
        "quorumkv.raftlog.store.RocksKvStore")) {
      List<String> stack = List.of("quorumkv.client.internal.RaftTransport", intruder, "quorumkv.client.KvClient");
      assertThrows(AssertionError.class, () -> checkProbe("fixture", Map.of(send, Set.of(stack)), send,
          "quorumkv.client.", documented.client()), intruder);
    }
    assertThrows(AssertionError.class, () -> checkProbe("fixture", Map.of(), send, "quorumkv.client.",
        documented.client()), "no stack recorded");
  }

  private static void putConcurrently(KvClient client, int writers, int putsEach) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(pool.submit(() -> {
          for (int i = 0; i < putsEach; i++) {
            client.put("path-" + writer + "-" + i, "v" + i);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void check(WriteBatching batching, boolean groupCommit, Map<String, Set<List<String>>> stacks) {
    String run = "batching " + (batching == WriteBatching.OFF ? "off" : "on") + ", server group commit "
        + (groupCommit ? "on" : "off");
    checkProbe(run, stacks, groupCommit ? StackProbes.WRITE_SERVICE_SEND : StackProbes.SEND, "quorumkv.client.",
        documented.client());
    checkProbe(run, stacks, StackProbes.BATCH_PUT, "quorumkv.raftlog.", documented.server());
    checkProbe(run, stacks, StackProbes.DB_WRITE, "quorumkv.raftlog.", documented.server());
  }

  private static void checkProbe(String run, Map<String, Set<List<String>>> stacks, String probe,
      String module, Set<String> path) {
    Set<List<String>> seen = stacks.getOrDefault(probe, Set.of());
    assertFalse(seen.isEmpty(), run + ": no put reached " + probe + " (probes: " + stacks.keySet() + ")");
    Set<String> files = new LinkedHashSet<>();
    for (List<String> stack : seen) {
      for (String className : stack) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        boolean shared = className.startsWith("quorumkv.raftlog.command.") && documented.shared().contains(simple);
        if (shared) {
          continue;
        }
        if (!className.startsWith(module) || !path.contains(simple)) {
          fail(run + ": " + className + " is on the stack at " + probe + " but not on README's path "
              + path + " (shared: " + documented.shared() + "); stack, innermost first: " + stack);
        }
        files.add(simple);
      }
    }
    assertTrue(files.size() <= MAX_FILES, run + ": " + probe + " crossed " + files);
    System.out.printf("%s: %s crossed %s%n", run, probe, files);
  }
}
