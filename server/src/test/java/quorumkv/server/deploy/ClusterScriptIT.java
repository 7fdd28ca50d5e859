package quorumkv.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's quick start, run for real: {@code bin/quorumkv-cluster up} brings up three nodes; put and get
 * through the CLI and HTTP work; killing the leader with the script leaves writes working; {@code down}
 * ends every process it started and nothing else.
 */
class ClusterScriptIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  @TempDir
  Path dir;
  private final int raftBase = 20_000 + 10 * ThreadLocalRandom.current().nextInt(500);
  private final int httpBase = raftBase + 5_000;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void down() throws Exception {
    run(60, "bin/quorumkv-cluster", "down");
  }

  private String run(int seconds, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
    env.put("QUORUMKV_CLUSTER_DIR", dir.toString());
    env.put("QUORUMKV_CLUSTER_RAFT_BASE", String.valueOf(raftBase));
    env.put("QUORUMKV_CLUSTER_HTTP_BASE", String.valueOf(httpBase));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", cmd) + " did not end: " + out);
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    return out;
  }

  private int exitCode(int seconds, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
    Process p = pb.start();
    assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", cmd) + " did not end");
    return p.exitValue();
  }

  private String endpoints() {
    return "127.0.0.1:" + (httpBase + 1) + ",127.0.0.1:" + (httpBase + 2) + ",127.0.0.1:" + (httpBase + 3);
  }

  /** The node the script's status reports as leader (1-based), waiting for one. */
  private int leader() throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      Matcher m = Pattern.compile("\"id\":\"n(\\d)\",\"state\":\"up\",\"pid\":\"\\d+\",\"role\":\"leader\"")
          .matcher(run(30, "bin/quorumkv-cluster", "status", "--json"));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no leader in status: " + run(30, "bin/quorumkv-cluster", "status"));
  }

  private String httpGet(int node, String key) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + (httpBase + node) + "/v1/kv/" + key)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  @Test
  void quickStartClusterServesSurvivesALeaderKillAndStopsCleanly() throws Exception {
    Process bystander = new ProcessBuilder("sleep", "300").start();   // must survive `down`
    try {
      String up = run(300, "bin/quorumkv-cluster", "up");
      assertTrue(up.contains("n3 started"), up);
      int leader = leader();
      assertTrue(run(60, "bin/quorumkv", "put", "--endpoints", endpoints(), "greeting", "hello").contains("OK"));
      assertEquals("hello", run(60, "bin/quorumkv", "get", "--endpoints", endpoints(), "greeting").strip());
      for (int node = 1; node <= 3; node++) {
        assertTrue(httpGet(node, "greeting").contains("\"value\":\"hello\""));
      }
      run(60, "bin/quorumkv-cluster", "kill", String.valueOf(leader));
      // Writes keep working: the node that takes the put waits (within its call timeout) for the survivors
      // to elect a leader. One put, sent right after the kill, no re-sending.
      assertEquals(0, exitCode(60, "bin/quorumkv", "put", "--endpoints", endpoints(), "after-kill", "still-here"),
          "a put sent right after the leader was killed succeeds");
      int survivor = leader % 3 + 1;
      assertTrue(httpGet(survivor, "after-kill").contains("still-here"));

      List<Long> pids = new ArrayList<>();
      for (int node = 1; node <= 3; node++) {
        Path pidFile = dir.resolve("n" + node + ".pid");
        if (Files.exists(pidFile)) {
          pids.add(Long.parseLong(Files.readString(pidFile).strip()));
        }
      }
      assertEquals(2, pids.size(), "two nodes running after the kill");
      run(120, "bin/quorumkv-cluster", "down");
      for (long pid : pids) {
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " ended");
      }
      assertTrue(bystander.isAlive(), "down touches only the processes the script started");
    } finally {
      bystander.destroyForcibly();
    }
  }
}
