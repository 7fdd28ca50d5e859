package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import quorumkv.server.backup.BackupReader;
import quorumkv.server.cli.Cli;
import quorumkv.server.cli.ExitCodes;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * Every HTTP endpoint and every CLI command against one 3-node cluster. Tests run in order: the
 * membership and readiness tests at the end disturb the cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorSurfaceIT {
  private Path dir;
  private LocalCluster cluster;
  private int leader;

  @BeforeAll
  void start() throws IOException {
    dir = Files.createTempDirectory("operator-it");
    // Plaintext, named so: the HTTP API's answers under test are the same behind TLS (HttpTlsIT).
    cluster = LocalCluster.startWithHttp(3, dir, LocalCluster.INSECURE_PLAINTEXT);
    leader = cluster.waitForLeader(Duration.ofSeconds(20));
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String http(int i) {
    return cluster.httpAddress(i);
  }

  private String ops(int i) {
    return cluster.opsAddress(i);
  }

  private int follower() {
    return (currentLeader() + 1) % 3;
  }

  /** The leader now (an early re-election can move it after start). */
  private int currentLeader() {
    leader = cluster.waitForLeader(Duration.ofSeconds(20));
    return leader;
  }

  private String endpoints() {
    return http(0) + "," + http(1) + "," + http(2);
  }

  @Test
  @Order(1)
  void kvApiOnAFollowerForwardsWritesAndServesBothReadConsistencies() {
    String f = http(follower());
    HttpCalls.Reply put = HttpCalls.putJson(f, "/v1/kv/app/config", "{\"value\":\"v1\"}");
    assertEquals(200, put.status(), put.body());
    long rev = put.json().get("revision").asLong();
    assertTrue(put.json().get("previous").isNull());

    JsonNode got = HttpCalls.get(f, "/v1/kv/app/config").json();
    assertEquals("v1", got.get("value").asText());
    assertEquals(rev, got.get("mod_revision").asLong());
    assertEquals(1, got.get("version").asLong());
    JsonNode stale = HttpCalls.get(http(2), "/v1/kv/app/config?consistency=follower&min_index=" + rev).json();
    assertEquals("v1", stale.get("value").asText(), "a follower read at min_index sees the write");

    HttpCalls.Reply conflict = HttpCalls.putJson(f, "/v1/kv/app/config?prev_revision=" + (rev - 1), "{\"value\":\"x\"}");
    assertEquals(409, conflict.status());
    assertEquals("compare_failed", conflict.json().get("error").asText());
    assertEquals(rev, conflict.json().get("current").get("mod_revision").asLong());
    HttpCalls.Reply cas = HttpCalls.putJson(f, "/v1/kv/app/config?prev_revision=" + rev, "{\"value\":\"v2\"}");
    assertEquals(200, cas.status(), cas.body());
    assertTrue(cas.json().get("revision").asLong() > rev);

    HttpCalls.Reply raw = HttpCalls.send(f, "PUT", "/v1/kv/app/raw", "text/plain", "plain text");
    assertEquals(200, raw.status(), raw.body());
    assertEquals(404, HttpCalls.get(f, "/v1/kv/app/missing").status());
    assertEquals("not_found", HttpCalls.get(f, "/v1/kv/app/missing").json().get("error").asText());

    JsonNode list = HttpCalls.get(f, "/v1/kv?prefix=app/&limit=1").json();
    assertEquals(1, list.get("count").asInt());
    assertTrue(list.get("more").asBoolean());
    assertEquals("app/config", list.get("kvs").get(0).get("key").asText());
    JsonNode all = HttpCalls.get(f, "/v1/kv?start=app/&end=app/z").json();
    assertEquals(2, all.get("count").asInt());

    HttpCalls.Reply del = HttpCalls.send(f, "DELETE", "/v1/kv/app/raw", null, null);
    assertTrue(del.json().get("deleted").asBoolean(), del.body());
    assertFalse(HttpCalls.send(f, "DELETE", "/v1/kv/app/raw", null, null).json().get("deleted").asBoolean());
    assertEquals(409, HttpCalls.send(f, "DELETE", "/v1/kv/app/config?prev_revision=1", null, null).status());
  }

  @Test
  @Order(2)
  void binaryKeysAndValuesTravelAsBase64() {
    byte[] key = {0, 1, (byte) 0xFF, '/', 'k'};
    byte[] value = {(byte) 0xC3, 0x28, 0};
    String urlKey = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    String body = "{\"value_base64\":\"" + Base64.getEncoder().encodeToString(value) + "\"}";
    assertEquals(200, HttpCalls.putJson(http(leader), "/v1/kv/" + urlKey + "?encoding=base64", body).status());
    JsonNode got = HttpCalls.get(http(leader), "/v1/kv/" + urlKey + "?encoding=base64").json();
    assertEquals(Base64.getEncoder().encodeToString(key), got.get("key_base64").asText());
    assertEquals(Base64.getEncoder().encodeToString(value), got.get("value_base64").asText());
    JsonNode utf8View = HttpCalls.get(http(leader), "/v1/kv/" + urlKey + "?encoding=base64").json();
    assertFalse(utf8View.has("value"), "invalid UTF-8 is never sent as text");
    assertEquals(200, HttpCalls.putJson(http(leader), "/v1/kv/caf%C3%A9%20%2B", "{\"value\":\"ok\"}").status());
    assertEquals("café +", HttpCalls.get(http(leader), "/v1/kv?prefix=caf").json().get("kvs").get(0).get("key").asText());
    assertEquals(400, HttpCalls.get(http(leader), "/v1/kv/%FF").status(), "percent-encoded non-UTF-8 needs base64");
  }

  @Test
  @Order(3)
  void transactionsRunOneBranchAtomically() {
    String txn = "{\"compare\":[{\"key\":\"t/a\",\"target\":\"version\",\"op\":\"=\",\"number\":0}],"
        + "\"success\":[{\"op\":\"put\",\"key\":\"t/a\",\"value\":\"1\"},{\"op\":\"put\",\"key\":\"t/b\",\"value\":\"2\"}],"
        + "\"failure\":[{\"op\":\"range\",\"prefix\":\"t/\"}]}";
    JsonNode first = HttpCalls.send(http(follower()), "POST", "/v1/txn", "application/json", txn).json();
    assertTrue(first.get("succeeded").asBoolean(), first.toString());
    JsonNode second = HttpCalls.send(http(follower()), "POST", "/v1/txn", "application/json", txn).json();
    assertFalse(second.get("succeeded").asBoolean());
    assertEquals(2, second.get("results").get(0).get("kvs").size());
  }

  @Test
  @Order(4)
  void healthReadyAndClusterStatus() {
    currentLeader();
    for (int i = 0; i < 3; i++) {
      assertEquals(200, HttpCalls.get(ops(i), "/health").status());
      int node = i;
      Eventually.assertTrue(Duration.ofSeconds(10), () -> HttpCalls.get(ops(node), "/ready").status() == 200, "n" + (i + 1) + " ready");
    }
    JsonNode s = HttpCalls.get(http(leader), "/v1/cluster").json();
    assertEquals("leader", s.get("role").asText());
    assertEquals("n" + (leader + 1), s.get("leader").asText());
    assertTrue(s.get("lags_known").asBoolean());
    assertEquals(3, s.get("members").size());
    for (JsonNode m : s.get("members")) {
      assertTrue(m.get("match_index").asLong() > 0, m.toString());
      assertTrue(m.get("lag_entries").asLong() >= 0, m.toString());
    }
    JsonNode fs = HttpCalls.get(http(follower()), "/v1/cluster").json();
    assertEquals("follower", fs.get("role").asText());
    assertFalse(fs.get("lags_known").asBoolean());
    assertTrue(fs.get("note").asText().contains("only on the leader"));
  }

  @Test
  @Order(5)
  void metricsScrapeParsesAsPrometheusText() {
    currentLeader();
    HttpCalls.Reply r = HttpCalls.get(ops(leader), "/metrics");
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
    PrometheusText.Parsed p = PrometheusText.parse(r.body());
    for (String family : new String[] {"quorumkv_raft_elections_total", "quorumkv_raft_leader_changes_total",
        "quorumkv_raft_leaderless_seconds", "quorumkv_raft_commit_seconds", "quorumkv_raft_apply_seconds",
        "quorumkv_http_requests_total", "quorumkv_http_request_seconds", "quorumkv_raft_follower_lag_entries",
        "quorumkv_snapshots_total", "quorumkv_snapshot_seconds", "quorumkv_snapshot_installs_total", "quorumkv_storage_bytes",
        "quorumkv_raft_term", "quorumkv_raft_commit_index", "quorumkv_raft_applied_index"}) {
      assertTrue(p.types().containsKey(family), "missing " + family + " in\n" + r.body());
    }
    assertEquals(1.0, p.value("quorumkv_raft_is_leader"));
    assertTrue(p.value("quorumkv_raft_commit_seconds_count") > 0, "the leader timed its commits");
    assertTrue(p.value("quorumkv_http_requests_total{op=\"kv_put\",outcome=\"ok\"}") >= 1);
    assertTrue(p.value("quorumkv_raft_leader_changes_total") >= 1);
    assertTrue(p.value("quorumkv_storage_bytes{part=\"raft\"}") > 0);
    PrometheusText.Parsed follower = PrometheusText.parse(HttpCalls.get(ops(follower()), "/metrics").body());
    assertEquals(0.0, follower.value("quorumkv_raft_is_leader"));
  }

  @Test
  @Order(6)
  void unknownPathsAndMethodsGetJsonErrors() {
    HttpCalls.Reply r = HttpCalls.get(http(0), "/nope");
    assertEquals(404, r.status());
    assertEquals("not_found", r.json().get("error").asText());
    HttpCalls.Reply m = HttpCalls.send(http(0), "POST", "/v1/kv/x", "application/json", "{}");
    assertEquals(405, m.status());
    HttpCalls.Reply bad = HttpCalls.putJson(http(0), "/v1/kv/x", "{\"value\": ");
    assertEquals(400, bad.status());
    assertEquals("invalid_json", bad.json().get("error").asText());
    assertEquals(400, HttpCalls.putJson(http(0), "/v1/kv/x", "{\"valeu\":\"typo\"}").status());
    assertEquals(415, HttpCalls.send(http(0), "PUT", "/v1/kv/x", "application/x-www-form-urlencoded", "a=b").status());
    assertEquals(400, HttpCalls.get(http(0), "/v1/kv/x?consistency=eventual").status());
    assertEquals(413, HttpCalls.putJson(http(0), "/v1/kv/" + "k".repeat(5000), "{\"value\":\"v\"}").status());
  }

  @Test
  @Order(7)
  void cliDataCommands() {
    String ep = endpoints();
    Cli.Run put = plainCli("put", "cli/a", "hello", "--endpoints", ep);
    assertEquals(ExitCodes.OK, put.exitCode(), put.toString());
    long rev = Long.parseLong(put.out().trim().replace("OK revision=", ""));
    Cli.Run get = plainCli("--endpoints", ep, "get", "cli/a");
    assertEquals("hello", get.out().trim(), get.toString());
    assertEquals(ExitCodes.NEGATIVE, plainCli("get", "cli/none", "--endpoints", ep).exitCode());
    assertEquals(ExitCodes.NEGATIVE, plainCli("cas", "cli/a", String.valueOf(rev - 1), "x", "--endpoints", ep).exitCode());
    assertEquals(ExitCodes.OK, plainCli("cas", "cli/a", String.valueOf(rev), "world", "--endpoints", ep).exitCode());
    Cli.Run json = plainCli("get", "cli/a", "--json", "--consistency", "follower", "--endpoints", ep);
    assertTrue(json.out().contains("\"value\""), json.toString());
    assertEquals(ExitCodes.OK, plainCli("put", "--base64", "AAE=", "AP8=", "--endpoints", ep).exitCode());
    assertEquals("AP8=", plainCli("get", "--base64", "AAE=", "--endpoints", ep).out().trim());
    Cli.Run scan = plainCli("scan", "--prefix", "cli/", "--endpoints", ep);
    assertTrue(scan.out().contains("cli/a = world"), scan.toString());
    Cli.Run del = plainCli("del", "cli/a", "--endpoints", ep);
    assertTrue(del.out().startsWith("deleted"), del.toString());
    // watch replays from a revision: put, the cas's put, the delete, each once, then stops at --count.
    Cli.Run watch = plainCli("watch", "cli/a", "--rev", String.valueOf(rev), "--count", "3", "--prev", "--for", "20",
        "--endpoints", ep);
    assertEquals(ExitCodes.OK, watch.exitCode(), watch.toString());
    java.util.List<String> lines = watch.out().lines().toList();
    assertEquals(3, lines.size(), watch.toString());
    assertTrue(lines.get(0).startsWith("PUT cli/a = hello  (revision " + rev + ")"), watch.toString());
    assertTrue(lines.get(1).startsWith("PUT cli/a = world") && lines.get(1).endsWith("previous: hello"), watch.toString());
    assertTrue(lines.get(2).startsWith("DELETE cli/a") && lines.get(2).endsWith("previous: world"), watch.toString());
    Cli.Run quiet = plainCli("watch", "cli/", "--prefix", "--for", "1", "--endpoints", ep);
    assertEquals(ExitCodes.OK, quiet.exitCode(), quiet.toString());
    assertEquals("", quiet.out(), "nothing changed under cli/ in that second");
    assertEquals(ExitCodes.REJECTED, plainCli("watch", "cli/a", "--rev", String.valueOf(Long.MAX_VALUE / 2), "--count", "1",
        "--endpoints", ep).exitCode(), "a start revision in the future is refused");
    Path txn = dir.resolve("txn.json");
    try {
      Files.writeString(txn, "{\"compare\":[{\"key\":\"cli/t\",\"target\":\"version\",\"op\":\">\",\"number\":0}],"
          + "\"success\":[{\"op\":\"delete\",\"key\":\"cli/t\"}],\"failure\":[{\"op\":\"put\",\"key\":\"cli/t\",\"value\":\"1\"}]}");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertEquals(ExitCodes.NEGATIVE, plainCli("txn", "--file", txn.toString(), "--endpoints", ep).exitCode());
    assertEquals(ExitCodes.OK, plainCli("txn", "--file", txn.toString(), "--endpoints", ep).exitCode());
    assertEquals(ExitCodes.REJECTED, plainCli("put", "k".repeat(5000), "v", "--endpoints", ep).exitCode());
    assertEquals(ExitCodes.UNAVAILABLE, plainCli("get", "x", "--endpoints", "127.0.0.1:1").exitCode());
    assertEquals(ExitCodes.USAGE, Cli.run("get").exitCode());
    assertEquals(ExitCodes.USAGE, Cli.run("frobnicate").exitCode());
  }

  /** lock runs a command holding the lock (one holder at a time, token in its environment); elect campaigns and listens. */
  @Test
  @Order(7)
  void cliLockAndElect() throws Exception {
    String ep = endpoints();
    Path token = dir.resolve("token.txt");
    // --insecure-plaintext before "--": everything after it is the command's.
    Cli.Run code = Cli.run("lock", "cli/lk", "--endpoints", ep, "--insecure-plaintext", "--", "sh", "-c",
        "echo $QUORUMKV_LOCK_TOKEN > '" + token + "'; exit 3");
    assertEquals(3, code.exitCode(), "the command's own exit code: " + code);
    assertTrue(Long.parseLong(Files.readString(token).trim()) > 0, "the fencing token: " + Files.readString(token));
    assertTrue(code.err().contains("holding lock cli/lk"), code.toString());
    Path held = dir.resolve("held");
    String critical = "mkdir '" + held + "' || exit 9; sleep 1; rmdir '" + held + "'";
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var first = pool.submit(() -> Cli.run("lock", "cli/lk", "--endpoints", ep, "--insecure-plaintext", "--", "sh", "-c",
          critical));
      var second = pool.submit(() -> Cli.run("lock", "cli/lk", "--endpoints", ep, "--insecure-plaintext", "--", "sh", "-c",
          critical));
      assertEquals(ExitCodes.OK, first.get(60, java.util.concurrent.TimeUnit.SECONDS).exitCode(), "never two holders");
      assertEquals(ExitCodes.OK, second.get(60, java.util.concurrent.TimeUnit.SECONDS).exitCode(), "never two holders");
      var leader = pool.submit(() -> plainCli("elect", "cli/el", "node-a", "--for", "3", "--endpoints", ep));
      Thread.sleep(1_500);
      Cli.Run listen = plainCli("elect", "cli/el", "--listen", "--for", "4", "--endpoints", ep);
      Cli.Run led = leader.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(ExitCodes.OK, led.exitCode(), led.toString());
      assertTrue(led.out().startsWith("elected: cli/el = node-a (fencing token "), led.toString());
      java.util.List<String> lines = listen.out().lines().toList();
      assertEquals(2, lines.size(), listen.toString());
      assertTrue(lines.get(0).startsWith("leader: node-a"), listen.toString());
      assertEquals("leader: none", lines.get(1), "it resigned: " + listen);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(ExitCodes.REJECTED, Cli.run("lock", "n".repeat(5000), "--endpoints", ep, "--insecure-plaintext", "--", "true")
        .exitCode());
    assertEquals(ExitCodes.USAGE, plainCli("elect", "cli/el", "--endpoints", ep).exitCode(), "neither proposal nor --listen");
  }

  @Test
  @Order(8)
  void cliClusterStatusAndSnapshotSave() throws IOException {
    currentLeader();
    Cli.Run status = plainCli("cluster", "status", "--endpoints", http(follower()) + "," + http(leader));
    assertEquals(ExitCodes.OK, status.exitCode(), status.toString());
    assertTrue(status.out().contains("leader n" + (leader + 1)), status.out());
    assertFalse(status.out().contains("lag unknown"), "the leader's view was used: " + status.out());
    Cli.Run json = plainCli("cluster", "status", "--json", "--endpoints", http(follower()));
    assertTrue(json.out().contains("\"members\""), json.toString());

    Path file = dir.resolve("backup.qkv");
    Cli.Run save = plainCli("snapshot", "save", file.toString(), "--endpoints", endpoints());
    assertEquals(ExitCodes.OK, save.exitCode(), save.toString());
    BackupReader.Verified v = BackupReader.verify(file);
    assertTrue(v.entries() >= 3, "keys written above are in the backup: " + v);
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        java.nio.file.Files.getPosixFilePermissions(file)), "a backup holds every key and value: owner-only");
  }

  @Test
  @Order(9)
  void cliMembershipAndLeaderTransfer() {
    String ep = endpoints();
    int target = follower();
    String targetId = "n" + (target + 1);
    Cli.Run transfer = plainCli("leader", "transfer", targetId, "--endpoints", ep);
    assertEquals(ExitCodes.OK, transfer.exitCode(), transfer.toString());
    Eventually.assertTrue(Duration.ofSeconds(10), () -> cluster.node(target).isLeader(), targetId + " leads");
    leader = target;

    int other = (leader + 1) % 3;
    String otherId = "n" + (other + 1);
    Cli.Run demote = plainCli("member", "demote", otherId, "--endpoints", ep);
    assertEquals(ExitCodes.OK, demote.exitCode(), demote.toString());
    assertTrue(demote.out().contains(otherId + "       listener"), demote.out());
    assertEquals(ExitCodes.REJECTED, plainCli("member", "demote", otherId, "--endpoints", ep).exitCode());
    Cli.Run promote = plainCli("member", "promote", otherId, "--endpoints", ep);
    assertEquals(ExitCodes.OK, promote.exitCode(), promote.toString());
    assertTrue(promote.out().contains(otherId + "       voter"), promote.out());

    String address = cluster.addresses().get(other);
    Cli.Run remove = plainCli("member", "remove", otherId, "--endpoints", http(leader));
    assertEquals(ExitCodes.OK, remove.exitCode(), remove.toString());
    assertFalse(remove.out().contains(otherId), remove.out());
    Cli.Run add = plainCli("member", "add", otherId, address, "--endpoints", http(leader));
    assertEquals(ExitCodes.OK, add.exitCode(), add.toString());
    Cli.Run list = plainCli("member", "list", "--endpoints", http(leader));
    assertTrue(list.out().contains(otherId), list.out());
    assertEquals(200, HttpCalls.putJson(http(other), "/v1/kv/after-membership", "{\"value\":\"ok\"}").status(),
        "the re-added member serves writes");
  }

  @Test
  @Order(10)
  void readyTurnsFalseOnANodeThatLostBothPeersAndTrueWhenTheyReturn() throws IOException {
    int survivor = (leader + 1) % 3;
    Eventually.assertTrue(Duration.ofSeconds(10), () -> HttpCalls.get(ops(survivor), "/ready").status() == 200, "ready first");
    int a = (survivor + 1) % 3;
    int b = (survivor + 2) % 3;
    cluster.stop(a);
    cluster.stop(b);
    Eventually.assertTrue(Duration.ofSeconds(15), () -> HttpCalls.get(ops(survivor), "/ready").status() == 503, "not ready alone");
    HttpCalls.Reply notReady = HttpCalls.get(ops(survivor), "/ready");
    assertEquals("not_ready", notReady.json().get("error").asText(), notReady.body());
    assertEquals(200, HttpCalls.get(ops(survivor), "/health").status(), "alone but alive: healthy");
    cluster.restart(a);
    cluster.restart(b);
    Eventually.assertTrue(Duration.ofSeconds(20), () -> HttpCalls.get(ops(survivor), "/ready").status() == 200, "ready again");
  }

  /** The CLI against this plaintext cluster: it must be told so (--insecure-plaintext), as an operator would. */
  private static Cli.Run plainCli(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--insecure-plaintext";
    return Cli.run(all);
  }
}
