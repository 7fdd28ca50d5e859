package quorumkv.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import quorumkv.client.tls.TlsFiles;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * README's quick start, run for real and taken from README.md at test time: {@code bin/quorumkv-cluster up}
 * brings up three nodes; then every command of the "Then, for example" block runs in README's order —
 * put and get through the CLI, curl, status, killing a node with the script (which leaves writes working)
 * and {@code down}, which ends every process it started and nothing else.
 *
 * <p>So that a developer's own quick-start cluster on README's ports is left alone, the script's ports
 * move ({@code QUORUMKV_CLUSTER_RAFT_BASE}/{@code _HTTP_BASE}), the CLI is pointed at them with
 * {@code QUORUMKV_ENDPOINTS} (both documented), and curl's port 8082 becomes n2's moved port. {@code kill 1}
 * kills the current leader instead of n1, so that it is always a failover.
 */
class ClusterScriptIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  @TempDir
  Path dir;
  private final int raftBase = 20_000 + 10 * ThreadLocalRandom.current().nextInt(500);
  private final int httpBase = raftBase + 5_000;
  private final int opsBase = raftBase + 6_000;
  /** Everything the run printed besides the node logs: command output, metrics, the cluster view, help, errors. */
  private final List<String> written = new ArrayList<>();

  @AfterEach
  void down() throws Exception {
    run(60, "bin/quorumkv-cluster", "down");
  }

  private String run(int seconds, String... cmd) throws Exception {
    String out = runAny(seconds, cmd);
    assertEquals(0, lastExit, String.join(" ", cmd) + ": " + out);
    return out;
  }

  private int lastExit;

  /** Runs {@code cmd}, whatever its exit code (in {@link #lastExit}); keeps its output in {@link #written}. */
  private String runAny(int seconds, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
    env.put("QUORUMKV_CLUSTER_DIR", dir.toString());
    env.put("QUORUMKV_CLUSTER_RAFT_BASE", String.valueOf(raftBase));
    env.put("QUORUMKV_CLUSTER_HTTP_BASE", String.valueOf(httpBase));
    env.put("QUORUMKV_CLUSTER_OPS_BASE", String.valueOf(opsBase));
    if (cmd[0].equals("bin/quorumkv")) {
      env.put("QUORUMKV_ENDPOINTS", endpoints());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", cmd) + " did not end: " + out);
    lastExit = p.exitValue();
    written.add(out);
    return out;
  }

  private int exitCode(int seconds, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
    pb.environment().put("QUORUMKV_ENDPOINTS", endpoints());
    pb.environment().put("QUORUMKV_CLUSTER_DIR", dir.toString());   // where the CLI finds the cluster's certificates
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

  /** GET of a key over HTTPS with the cluster's development CA and its app client certificate. */
  private String httpGet(int node, String key) throws Exception {
    return httpsGet("app", node, "/v1/kv/" + key);
  }

  /** GET over HTTPS from node's data API as {@code client} (a certificate of the cluster's pki); asserts 200. */
  private String httpsGet(String client, int node, String path) throws Exception {
    Path pki = dir.resolve("pki");
    try (TlsFiles tls = TlsFiles.open(pki.resolve("ca.pem"), pki.resolve(client + ".pem"), pki.resolve(client + ".key"),
        Duration.ofMinutes(1))) {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {tls.keyManager()}, new TrustManager[] {tls.trustManager()}, null);
      HttpClient https = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> r = https.send(HttpRequest.newBuilder(
          URI.create("https://127.0.0.1:" + (httpBase + node) + path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      return r.body();
    }
  }

  /** The member ids and roles of node's {@code GET /v1/cluster}, e.g. {@code [n1=voter, n2=voter, n3=voter]}. */
  private List<String> members(int node) throws Exception {
    String view = httpsGet("root", node, "/v1/cluster");
    List<String> members = new ArrayList<>();
    Matcher m = Pattern.compile("\\{\"id\":\"(n\\d)\",\"address\":\"[^\"]*\",\"role\":\"(\\w+)\"").matcher(view);
    while (m.find()) {
      members.add(m.group(1) + "=" + m.group(2));
    }
    assertFalse(members.isEmpty(), "members in " + view);
    return members;
  }

  /** Nothing in the node logs about a member that cannot be resolved or reached (the phantom n4 of old). */
  private void assertNoPhantomMemberInLogs() throws Exception {
    try (var logs = Files.list(dir)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        assertFalse(Files.readString(log).contains("UnknownHostException"), log + " logs an UnknownHostException");
      }
    }
  }

  private static String[] words(String command) {
    return ReadmeCommands.words(command).toArray(String[]::new);
  }

  @Test
  void quickStartClusterServesSurvivesALeaderKillAndStopsCleanly() throws Exception {
    ReadmeCommands readme = ReadmeCommands.load();
    String up = "bin/quorumkv-cluster up";
    assertTrue(readme.block(ReadmeCommands.QUICK_START).contains(up), "README's quick start still says " + up);
    List<String> examples = readme.block(ReadmeCommands.QUICK_START_EXAMPLES);
    Process bystander = new ProcessBuilder("sleep", "300").start();   // must survive `down`
    try {
      String upOut = run(300, words(up));
      assertTrue(upOut.contains("n3 started") && !upOut.contains("n4"), upOut);
      int[] leader = {leader()};
      // Three members configured, three running: every node's view holds exactly them.
      for (int node = 1; node <= 3; node++) {
        assertEquals(List.of("n1=voter", "n2=voter", "n3=voter"), members(node), "n" + node + "'s view");
      }
      // What an operator or a scraper sees, and what a mistake prints: none of it may hold a key (checked below).
      String ca = dir.resolve("pki/ca.pem").toString();
      assertTrue(runAny(30, "curl", "-sS", "--cacert", ca, "https://127.0.0.1:" + (opsBase + 1) + "/metrics")
          .contains("quorumkv_raft_term"), "metrics scraped");
      assertTrue(runAny(30, "curl", "-sS", "--cacert", ca, "--cert", dir.resolve("pki/root.pem").toString(), "--key",
          dir.resolve("pki/root.key").toString(), "https://127.0.0.1:" + (httpBase + 1) + "/v1/cluster")
          .contains("\"members\""), "the cluster view read");
      runAny(60, "bin/quorumkv", "--help");
      runAny(60, "bin/quorumkv", "server", "--help");
      runAny(60, "bin/quorumkv", "user", "--help");
      // Key and certificate swapped: the error names the problem without echoing the file.
      runAny(60, "bin/quorumkv", "get", "hello", "--cert", dir.resolve("pki/root.key").toString(), "--key",
          dir.resolve("pki/root.pem").toString());
      assertTrue(lastExit != 0, "a swapped key and certificate fail");
      Map<String, Step> steps = new LinkedHashMap<>();
      steps.put("bin/quorumkv put hello world", c -> assertTrue(run(60, words(c)).startsWith("OK revision="), c));
      steps.put("bin/quorumkv get hello", c -> {
        assertEquals("world", run(60, words(c)).strip());
        for (int node = 1; node <= 3; node++) {
          assertTrue(httpGet(node, "hello").contains("\"value\":\"world\""), "n" + node + " serves the key");
        }
      });
      steps.put("curl -s --cacert .quorumkv/cluster/pki/ca.pem --cert .quorumkv/cluster/pki/app.pem --key"
          + " .quorumkv/cluster/pki/app.key https://127.0.0.1:8082/v1/kv/hello", c -> {
        assertTrue(c.contains(":8082/") && c.contains(".quorumkv/cluster/pki/"), c);
        String out = run(60, words(c.replace(":8082/", ":" + (httpBase + 2) + "/")
            .replace(".quorumkv/cluster/pki/", dir.resolve("pki") + "/")));
        assertTrue(out.contains("\"key\":\"hello\",\"value\":\"world\""), out);
      });
      // A write with curl: JSON needs its content type. Run by bash, as a user types it (quotes included).
      steps.put("curl -s --cacert .quorumkv/cluster/pki/ca.pem --cert .quorumkv/cluster/pki/app.pem --key"
          + " .quorumkv/cluster/pki/app.key -X PUT -H 'Content-Type: application/json' -d '{\"value\":\"hi\"}'"
          + " https://127.0.0.1:8082/v1/kv/greeting", c -> {
        assertTrue(c.contains(":8082/") && c.contains(".quorumkv/cluster/pki/"), c);
        String out = run(60, "bash", "-c", c.replace(":8082/", ":" + (httpBase + 2) + "/")
            .replace(".quorumkv/cluster/pki/", dir.resolve("pki") + "/"));
        assertTrue(out.contains("\"revision\""), out);
        for (int node = 1; node <= 3; node++) {   // linearizable reads: every node serves the acknowledged write
          assertTrue(httpGet(node, "greeting").contains("\"value\":\"hi\""), "n" + node + " serves the key curl wrote");
        }
      });
      steps.put("bin/quorumkv-cluster status", c -> {
        String out = run(30, words(c));
        assertEquals(1, Pattern.compile("role=leader ").matcher(out).results().count(), out);
        assertEquals(3, Pattern.compile("^n\\d +up ", Pattern.MULTILINE).matcher(out).results().count(), out);
      });
      steps.put("bin/quorumkv-cluster kill 1", c -> {
        assertTrue(c.endsWith(" 1"), c);
        run(60, words(c.substring(0, c.length() - 1) + leader[0]));
        // Writes keep working: the node that takes the put waits (within its call timeout) for the survivors
        // to elect a leader. One put, sent right after the kill, no re-sending.
        assertEquals(0, exitCode(60, "bin/quorumkv", "put", "after-kill", "still-here"),
            "a put sent right after the leader was killed succeeds");
        int survivor = leader[0] % 3 + 1;
        assertTrue(httpGet(survivor, "after-kill").contains("still-here"));
      });
      steps.put("bin/quorumkv-cluster down", c -> {
        List<Long> pids = new ArrayList<>();
        for (int node = 1; node <= 3; node++) {
          Path pidFile = dir.resolve("n" + node + ".pid");
          if (Files.exists(pidFile)) {
            pids.add(Long.parseLong(Files.readString(pidFile).strip()));
          }
        }
        assertEquals(2, pids.size(), "two nodes running after the kill");
        run(120, words(c));
        for (long pid : pids) {
          assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " ended");
        }
        assertTrue(bystander.isAlive(), "down touches only the processes the script started");
      });
      assertEquals(examples, List.copyOf(steps.keySet()),
          "README's quick-start examples (left) and this test's steps (right) differ: give a new line a step");
      for (Map.Entry<String, Step> step : steps.entrySet()) {
        step.getValue().run(step.getKey());
      }
      assertNoSecretInLogs();
      assertNoPhantomMemberInLogs();
    } finally {
      bystander.destroyForcibly();
    }
  }

  /**
   * {@code up --async}, the script's twin of compose's async profile: n4 starts and joins the running
   * three-node group as a listener through a membership change, so that every view lists exactly the four
   * members that run; it receives the writes, a second {@code up --async} changes nothing, the script then
   * counts n4 among its nodes (status, {@code kill 4}, {@code down}), and the leader's log holds no failure to
   * reach it.
   */
  @Test
  void upAsyncAddsN4AsAListenerThroughAMembershipChange() throws Exception {
    assertTrue(run(300, "bin/quorumkv-cluster", "up").contains("n3 started"));
    leader();
    assertEquals(List.of("n1=voter", "n2=voter", "n3=voter"), members(1));
    String noN4 = runAny(30, "bin/quorumkv-cluster", "kill", "4");
    assertEquals(2, lastExit, "no n4 before it joined: " + noN4);
    assertEquals(3, Pattern.compile("^n\\d +up ", Pattern.MULTILINE).matcher(run(30, "bin/quorumkv-cluster", "status")).results().count());

    String asyncOut = run(300, "bin/quorumkv-cluster", "up", "--async");
    assertTrue(asyncOut.contains("n4 started") && asyncOut.contains("n4 is a member"), asyncOut);
    assertTrue(asyncOut.contains("n1 already running"), "the running voters are left alone: " + asyncOut);
    List<String> four = List.of("n1=voter", "n2=voter", "n3=voter", "n4=listener");
    for (int node = 1; node <= 3; node++) {
      assertEquals(four, members(node), "n" + node + "'s view");
    }
    String memberList = run(60, "bin/quorumkv", "member", "list");
    assertTrue(Pattern.compile("^n4 +listener +127\\.0\\.0\\.1:" + (raftBase + 4), Pattern.MULTILINE).matcher(memberList).find(),
        memberList);
    assertEquals(4, memberList.strip().lines().count(), memberList);

    // n4 receives the log: a put through n1 becomes readable on n4 (a follower read from its own state, bounded wait).
    assertTrue(run(60, "bin/quorumkv", "put", "async/k", "v1").startsWith("OK revision="));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String seen = "";
    while (System.nanoTime() < until && !seen.contains("\"value\":\"v1\"")) {
      seen = runAny(30, "curl", "-sS", "--cacert", dir.resolve("pki/ca.pem").toString(), "--cert",
          dir.resolve("pki/app.pem").toString(), "--key", dir.resolve("pki/app.key").toString(),
          "https://127.0.0.1:" + (httpBase + 4) + "/v1/kv/async/k?consistency=follower");
      Thread.sleep(seen.contains("\"value\":\"v1\"") ? 0 : 500);
    }
    assertTrue(seen.contains("\"value\":\"v1\""), "n4 serves the write: " + seen);

    String again = run(120, "bin/quorumkv-cluster", "up", "--async");
    assertTrue(again.contains("n4 already running") && again.contains("n4 is a member"), again);
    assertEquals(four, members(1), "a second up --async changes nothing");
    String status = run(30, "bin/quorumkv-cluster", "status");
    assertEquals(4, Pattern.compile("^n\\d +up ", Pattern.MULTILINE).matcher(status).results().count(), status);
    assertTrue(status.contains("role=listener"), status);

    run(60, "bin/quorumkv-cluster", "kill", "4");
    assertFalse(Files.exists(dir.resolve("n4.pid")), "kill 4 ended n4");
    assertEquals(four, members(1), "a listener down stays a member");
    assertTrue(run(60, "bin/quorumkv", "put", "async/k", "v2").startsWith("OK revision="), "writes go on without the listener");
    List<Long> pids = new ArrayList<>();
    for (int node = 1; node <= 3; node++) {
      pids.add(Long.parseLong(Files.readString(dir.resolve("n" + node + ".pid")).strip()));
    }
    run(120, "bin/quorumkv-cluster", "down");
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " ended");
    }

    // n4's data gone while it stays in the configuration (as in a cluster made when n4 was always configured):
    // up starts the three voters and says that n4 is a member that does not run, and how to fix it.
    deleteTree(dir.resolve("n4"));
    String upAgain = run(300, "bin/quorumkv-cluster", "up");
    assertTrue(upAgain.contains("warning: n4 is a member of this cluster but does not run here")
        && upAgain.contains("bin/quorumkv member remove n4") && !upAgain.contains("n4 started"), upAgain);
    run(120, "bin/quorumkv-cluster", "down");
    assertNoSecretInLogs();
  }

  private static void deleteTree(Path root) throws Exception {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** No private key, whole or in part, in anything the nodes logged or the run printed. */
  private void assertNoSecretInLogs() throws Exception {
    List<String> secrets = new ArrayList<>();
    try (var keys = Files.list(dir.resolve("pki"))) {
      for (Path key : keys.filter(p -> p.toString().endsWith(".key")).toList()) {
        Files.readAllLines(key).stream().filter(l -> !l.startsWith("-----") && l.length() > 20).forEach(secrets::add);
      }
    }
    assertFalse(secrets.isEmpty(), "the cluster's keys were read");
    Map<String, String> texts = new LinkedHashMap<>();
    try (var logs = Files.list(dir)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        texts.put(log.toString(), Files.readString(log));
      }
    }
    for (int i = 0; i < written.size(); i++) {
      texts.put("command output " + i, written.get(i));
    }
    assertTrue(texts.size() > written.size(), "the node logs were read");
    for (Map.Entry<String, String> t : texts.entrySet()) {
      assertFalse(t.getValue().contains("PRIVATE KEY"), t.getKey() + " holds a private key");
      for (String secret : secrets) {
        assertFalse(t.getValue().contains(secret), t.getKey() + " holds a line of a private key");
      }
    }
  }

  private interface Step {
    void run(String readmeCommand) throws Exception;
  }
}
