package quorumkv.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/quorumkv-cluster} signals a pid from its pid file only while that pid is still the node it
 * started: once the node has ended, the pid may belong to an unrelated process. Stand-ins here are
 * {@code sleep} processes this test starts (no cluster): one with the node's environment, one without.
 */
class ClusterScriptPidTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  @TempDir
  Path dir;

  /** A process of this test that lives until killed; as the node's server if {@code asNode}. */
  private Process sleeper(boolean asNode) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sleep", "120");
    pb.environment().keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
    if (asNode) {
      pb.environment().put("QUORUMKV_STORAGE_DATA_DIR", dir.resolve("n1").toString()); // what start_node sets
    }
    return pb.start();
  }

  private String script(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "bin/quorumkv-cluster";
    System.arraycopy(args, 0, cmd, 1, args.length);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
    pb.environment().put("QUORUMKV_CLUSTER_DIR", dir.toString());
    // status asks running nodes on their ports: moved off README's, to ports nothing here listens on.
    int base = 30_000 + 10 * java.util.concurrent.ThreadLocalRandom.current().nextInt(2_000);
    pb.environment().put("QUORUMKV_CLUSTER_RAFT_BASE", String.valueOf(base));
    pb.environment().put("QUORUMKV_CLUSTER_HTTP_BASE", String.valueOf(base + 1_000));
    pb.environment().put("QUORUMKV_CLUSTER_OPS_BASE", String.valueOf(base + 2_000));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", cmd) + " did not end: " + out);
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    return out;
  }

  private void pidFile(Process p) throws Exception {
    Files.createDirectories(dir.resolve("n1"));
    Files.writeString(dir.resolve("n1.pid"), p.pid() + "\n");
  }

  @Test
  void aPidNowHeldByAnotherProcessIsNeverSignalled() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "the check reads /proc (Linux)");
    Process other = sleeper(false);
    try {
      pidFile(other);
      assertTrue(script("status").contains("n1  down"), "another process's pid is not n1 running");
      String out = script("kill", "1");
      assertTrue(out.contains("not signalled"), out);
      assertFalse(other.waitFor(1, TimeUnit.SECONDS), "the unrelated process was killed: " + out);
      assertFalse(Files.exists(dir.resolve("n1.pid")), "the stale pid file is removed");
      pidFile(other);
      script("down");
      assertTrue(other.isAlive(), "down killed an unrelated process");
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void theNodesOwnProcessIsStopped() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "the check reads /proc (Linux)");
    Process node = sleeper(true);
    try {
      pidFile(node);
      assertTrue(script("status").contains("n1  up"), "n1's own process is running");
      String out = script("kill", "1");
      assertTrue(node.waitFor(20, TimeUnit.SECONDS), "n1 was not killed: " + out);
      assertTrue(out.contains("n1 stopped (SIGKILL, pid " + node.pid() + ")"), out);
    } finally {
      node.destroyForcibly();
    }
  }
}
