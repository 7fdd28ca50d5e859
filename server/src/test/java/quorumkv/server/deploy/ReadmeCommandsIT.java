package quorumkv.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static quorumkv.server.deploy.ReadmeCommands.CLI_TOUR;
import static quorumkv.server.deploy.ReadmeCommands.MANUAL_START;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.server.HttpCalls;
import quorumkv.server.testing.Eventually;

/**
 * README's "Starting a node by hand" lines and its CLI block, run for real and taken from README.md at test
 * time, so that README cannot show a command that does not work.
 *
 * <p>The three start lines run as written, but for the data-dir prefix ({@code /tmp/qkv/} becomes a temp
 * dir) and the trailing {@code &} (each is its own process here). Then every command of the CLI block runs,
 * expanded as {@link ReadmeCommands#expand} says, with README's placeholders filled in:
 * {@code 12} in {@code cas} is the revision the {@code put} printed (README's comment: "OK revision=12");
 * {@code N} is the key's mod revision (and, first, a stale one, which must exit 3); {@code host} is
 * 127.0.0.1; in {@code snapshot restore}, {@code --raft.peers=...} is a new one-voter cluster
 * {@code n1=127.0.0.1:6871} and {@code --storage.data-dir=...} an empty dir (one node keeps the test cheap;
 * that node is then started and must serve the backup). Every command runs with {@code bin/quorumkv} given
 * by its absolute path from a temp working dir (where {@code txn.json} and {@code backup.qkv} live) and with
 * {@code QUORUMKV_ENDPOINTS} set to the nodes' HTTP ports (Raft port + 1000), which README's CLI section
 * documents. The membership commands need n4: it is started as README's "Replication modes" section says
 * (the group's members plus itself as a listener in its peers).
 *
 * <p>Ports are README's: Raft 6871..6874, HTTP 7871..7874. If another process holds one, the test is
 * skipped with the reason (it fails instead under {@code CI=true}). Every node is stopped with SIGTERM at
 * the end, whatever happened.
 */
class ReadmeCommandsIT {
  private static final Path ROOT = ReadmeCommands.ROOT;
  private static final String QUORUMKV = ROOT.resolve("bin/quorumkv").toString();
  private static final String ENDPOINTS = "127.0.0.1:7871,127.0.0.1:7872,127.0.0.1:7873";
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  /** README's inline commands this test runs; each must still be in README. */
  private static final String HELP = "bin/quorumkv --help";
  private static final String COMMAND_HELP = "bin/quorumkv <command> --help";
  private static final String SERVER_HELP = "bin/quorumkv server --help";
  private static final String ENDPOINTS_FIRST = "bin/quorumkv --endpoints 127.0.0.1:8081 get k";

  @TempDir
  Path dir;
  private final Map<String, Process> nodes = new LinkedHashMap<>();
  private final ReadmeCommands readme = ReadmeCommands.load();
  private int runs;

  /** One finished command. */
  record Result(String command, int exit, String out, String err) {
    @Override
    public String toString() {
      return command + " -> exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  @AfterEach
  void stopEveryNodeThisTestStarted() throws Exception {
    AssertionError first = null;
    for (String name : List.copyOf(nodes.keySet())) {
      try {
        stop(name);
      } catch (AssertionError e) {
        first = first == null ? e : first;
      }
    }
    keepLogs();
    if (first != null) {
      throw first;
    }
  }

  /** The nodes' logs outlive the temp dir, for a failure's post-mortem: target/readme-commands-it/. */
  private void keepLogs() throws IOException {
    Path keep = Path.of("target", "readme-commands-it");
    Files.createDirectories(keep);
    try (var logs = Files.newDirectoryStream(dir, "*.log")) {
      for (Path log : logs) {
        Files.copy(log, keep.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void helpOfEveryCommandReadmeUses() throws Exception {
    for (String literal : List.of(HELP, COMMAND_HELP, SERVER_HELP)) {
      assertTrue(readme.inlineCommands().contains(literal), "README no longer shows `" + literal + "`");
    }
    Result help = cli(HELP);
    assertEquals(0, help.exit(), help.toString());
    List<String> commands = cliBlockCommandNames();
    commands.add("server");
    for (String name : commands) {
      assertTrue(help.out().contains(name), "`bin/quorumkv --help` lists " + name + ": " + help.out());
      Result r = cli(COMMAND_HELP.replace("<command>", name));
      assertEquals(0, r.exit(), r.toString());
      assertTrue(r.out().toLowerCase(java.util.Locale.ROOT).contains("usage: quorumkv " + name), r.toString());
    }
    Result server = cli(SERVER_HELP);
    assertEquals(0, server.exit(), server.toString());
    for (String setting : List.of("node.id", "raft.peers", "storage.data-dir", "http.port")) {
      assertTrue(server.out().contains(setting), "server --help lists " + setting + ": " + server.out());
    }
  }

  /** The second word of each line of the CLI block: put, get, cas, ... */
  private List<String> cliBlockCommandNames() {
    List<String> names = new ArrayList<>();
    for (String line : readme.block(CLI_TOUR)) {
      String name = ReadmeCommands.words(line.replace("|", " ").replace("[", "").replace("]", "")).get(1);
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  // ---------------------------------------------------------------------------------------------------

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void handStartedNodesServeEveryCommandOfTheCliBlock() throws Exception {
    requireFreePorts(6871, 6872, 6873, 6874, 7871, 7872, 7873, 7874);
    long t0 = System.nanoTime();

    List<String> startLines = new ArrayList<>(readme.block(MANUAL_START));
    assertEquals(4, startLines.size(), "the certs line and three start lines: " + startLines);
    String certs = startLines.remove(0);
    assertTrue(certs.startsWith("bin/quorumkv certs --dir /tmp/qkv/pki "), certs);
    expectExit(0, certs.replace("/tmp/qkv/", dir.resolve("qkv") + "/"));
    http = HttpCalls.tls(pki().resolve("ca.pem"), pki().resolve("root.pem"), pki().resolve("root.key"));
    for (String line : startLines) {
      assertTrue(line.endsWith(" &") && line.contains("--storage.data-dir=/tmp/qkv/"), "start line as expected: " + line);
      String command = line.substring(0, line.length() - 2).replace("/tmp/qkv/", dir.resolve("qkv") + "/");
      start(nodeId(command), command);
    }
    for (String id : List.of("n1", "n2", "n3")) {
      awaitLog(id, Pattern.compile("node=" + id + " leader=n\\d"));
    }
    for (int ops = 8871; ops <= 8873; ops++) {   // the operations ports: HTTP port + 1000
      String address = "127.0.0.1:" + ops;
      Eventually.assertTrue(Duration.ofSeconds(60), () -> http.get(address, "/ready").status() == 200,
          address + " ready");
    }
    assertOwnNodesAlive("start");
    System.out.printf("three nodes up and ready after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

    // README's export line is exactly the environment every CLI call of this test gets (see inTempDir).
    assertEquals(List.of("export QUORUMKV_ENDPOINTS=" + ENDPOINTS + " QUORUMKV_DEV_PKI=/tmp/qkv/pki"),
        readme.block(ReadmeCommands.MANUAL_CLI), "README's line pointing the CLI at the hand-started nodes");

    Map<String, Step> steps = cliTourSteps();
    List<String> tour = new ArrayList<>();
    readme.block(CLI_TOUR).forEach(line -> tour.addAll(ReadmeCommands.expand(line)));
    // Every README command has a step here and every step is a README command: nothing is skipped or made up.
    assertEquals(new LinkedHashSet<>(tour), new LinkedHashSet<>(steps.keySet()),
        "README's CLI block (left) and this test's steps (right) differ: give a new line a step");
    for (Map.Entry<String, Step> step : steps.entrySet()) {
      long started = System.nanoTime();
      step.getValue().run(step.getKey());
      assertOwnNodesAlive(step.getKey());
      System.out.printf("%6d ms  %s%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), step.getKey());
    }
    System.out.printf("CLI block done after %d ms, %d commands run%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), runs);
  }

  private interface Step {
    void run(String readmeCommand) throws Exception;
  }

  /** The development CA README's certs line makes (under this test's stand-in for /tmp/qkv). */
  private Path pki() {
    return dir.resolve("qkv").resolve("pki");
  }

  /** HTTPS with README's CA and its admin client certificate, once the certs line ran. */
  private HttpCalls.Client http;

  private long putRevision;
  private long casRevision;
  private long backupRevision;
  private long backupKeys;
  private Path restoredDir;

  /** One step per expanded command of the CLI block, in the order they run. */
  private Map<String, Step> cliTourSteps() {
    Map<String, Step> s = new LinkedHashMap<>();
    s.put("bin/quorumkv put app/config v1", c -> {
      Result r = expectExit(0, c);
      putRevision = revision(r, "OK revision=(\\d+)");
    });
    s.put("bin/quorumkv get app/config", c -> {
      assertEquals("v1", expectExit(0, c).out().strip());
      Result withRevision = expectExit(0, c + " -w");   // README's comment: -w adds mod_revision and version
      assertEquals("v1\nmod_revision=" + putRevision + " version=1", withRevision.out().strip());
    });
    s.put("bin/quorumkv cas app/config 12 v2", c -> {
      String cas = replaceOnce(c, " 12 ", " " + putRevision + " ");
      casRevision = revision(expectExit(0, cas), "OK revision=(\\d+)");
      assertTrue(casRevision > putRevision);
      assertTrue(expectExit(3, cas).out().contains("compare failed"), "a stale revision is refused");
      assertEquals("v2", expectExit(0, "bin/quorumkv get app/config").out().strip());
    });
    s.put("bin/quorumkv del app/config --prev-revision N", c -> {
      assertTrue(expectExit(3, replaceOnce(c, " N", " " + putRevision)).out()
          .contains("compare failed: current mod_revision=" + casRevision), "a refused delete shows the current revision");
      assertTrue(expectExit(0, replaceOnce(c, " N", " " + casRevision)).out().contains("deleted revision="));
      assertEquals(404, http.get(n1(), "/v1/kv/app/config").status());
    });
    s.put("bin/quorumkv del app/config", c -> {
      httpPut("app/config", "v3");
      assertTrue(expectExit(0, c).out().contains("deleted revision="));
      assertTrue(expectExit(0, c).out().contains("not found"), "deleting an absent key succeeds and says so");
    });
    s.put("bin/quorumkv scan --prefix app/ --limit 10", c -> {
      httpPut("app/a", "1");
      httpPut("app/b", "2");
      httpPut("apq", "outside the prefix");
      List<String> lines = expectExit(0, c).out().strip().lines().toList();
      assertEquals(2, lines.size(), lines.toString());
      assertTrue(lines.get(0).startsWith("app/a = 1  (mod_revision "), lines.toString());
      assertTrue(lines.get(1).startsWith("app/b = 2  (mod_revision "), lines.toString());
      // README's comment: "or --start A --end B; --keys-only".
      assertEquals("app/a", expectExit(0, "bin/quorumkv scan --start app/a --end app/b --keys-only").out().strip());
    });
    s.put("bin/quorumkv get k --consistency follower", c -> {
      long index = http.putJson(n1(), "/v1/kv/k", "{\"value\":\"follower-read\"}").json().get("index").asLong();
      // A follower read may trail: wait (over HTTP, no JVM per try) until n1, the first endpoint, applied it.
      Eventually.assertTrue(Duration.ofSeconds(30),
          () -> http.get(n1(), "/v1/kv/k?consistency=follower&min_index=" + index).status() == 200, "n1 applied");
      assertEquals("follower-read", expectExit(0, c).out().strip());
    });
    s.put("bin/quorumkv txn --file txn.json", c -> {
      String txn = "{\"compare\":[{\"key\":\"k\",\"target\":\"value\",\"op\":\"=\",\"value\":\"follower-read\"}],"
          + "\"success\":[{\"op\":\"put\",\"key\":\"k\",\"value\":\"from-txn\"}],\"failure\":[{\"op\":\"get\",\"key\":\"k\"}]}";
      Files.writeString(dir.resolve("txn.json"), txn);
      assertTrue(expectExit(0, c).out().startsWith("SUCCESS"));
      assertEquals("from-txn", http.get(n1(), "/v1/kv/k").json().get("value").asText());
      // README's comment: "stdin without --file"; the guard no longer holds: exit 3.
      Result again = run(List.of(QUORUMKV, "txn"), txn);
      assertEquals(3, again.exit(), again.toString());
      assertTrue(again.out().startsWith("FAILURE"), again.toString());
      // README's CLI section: options may come before the command (8081 is the quick-start cluster's port;
      // these nodes serve HTTP on 7871).
      assertTrue(readme.inlineCommands().contains(ENDPOINTS_FIRST), "README no longer shows `" + ENDPOINTS_FIRST + "`");
      assertEquals("from-txn", expectExit(0, replaceOnce(ENDPOINTS_FIRST, ":8081 ", ":7871 ")).out().strip());
    });
    s.put("bin/quorumkv cluster status", c -> {
      String out = expectExit(0, c).out();
      assertTrue(Pattern.compile("^leader n[123] {2}term \\d+", Pattern.MULTILINE).matcher(out).find(), out);
      for (int i = 1; i <= 3; i++) {
        assertTrue(Pattern.compile("^n" + i + " +\\S+ +127\\.0\\.0\\.1:687" + i, Pattern.MULTILINE).matcher(out).find(), out);
      }
    });
    s.put("bin/quorumkv member list", c -> {
      String out = expectExit(0, c).out();
      for (String id : List.of("n1", "n2", "n3")) {
        assertTrue(memberLine(id, "voter").matcher(out).find(), out);
      }
      assertFalse(out.contains("n4"), out);
      startN4("n4");
    });
    s.put("bin/quorumkv member add n4 host:9874 --listener", c ->
        assertTrue(memberLine("n4", "listener").matcher(expectExit(0, replaceOnce(c, "host:9874", "127.0.0.1:6874")).out()).find()));
    s.put("bin/quorumkv member promote n4", c ->
        assertTrue(memberLine("n4", "voter").matcher(expectExit(0, c).out()).find()));
    s.put("bin/quorumkv member demote n4", c ->
        assertTrue(memberLine("n4", "listener").matcher(expectExit(0, c).out()).find()));
    s.put("bin/quorumkv member remove n4", c -> {
      assertFalse(expectExit(0, c).out().contains("n4"));
      // A removed node's Raft server closes once it learns it was removed (Ratis): it is stopped, and
      // started again (same settings, same data dir) before it is added back.
      stop("n4");
    });
    s.put("bin/quorumkv member add n4 host:9874", c -> {
      startN4("n4-again");
      assertTrue(memberLine("n4", "voter").matcher(expectExit(0, replaceOnce(c, "host:9874", "127.0.0.1:6874")).out()).find());
      httpPut("after-n4-joined", "ok");
      Eventually.assertTrue(Duration.ofSeconds(30), () -> http.get("127.0.0.1:7874",
          "/v1/kv/after-n4-joined?consistency=follower").status() == 200, "n4 replicates as a voter");
      // Back to three voters before n4 stops, so that the rest runs on README's cluster.
      assertFalse(expectExit(0, "bin/quorumkv member remove n4").out().contains("n4"));
      stop("n4-again");
    });
    s.put("bin/quorumkv leader transfer n2", c -> {
      if ("n2".equals(leader())) {
        // Make the transfer a real one.
        assertEquals(200, http.send(n1(), "POST", "/v1/cluster/leader", "application/json", "{\"to\":\"n1\"}").status());
        Eventually.assertTrue(Duration.ofSeconds(15), () -> "n1".equals(leader()), "n1 leads");
      }
      assertEquals("leader is now n2", expectExit(0, c).out().strip());
      Eventually.assertTrue(Duration.ofSeconds(15),
          () -> "leader".equals(http.get("127.0.0.1:7872", "/v1/cluster").json().get("role").asText()), "n2 leads");
    });
    // Users, roles and grants (the admin's certificate, root, is the CLI's default here).
    s.put("bin/quorumkv user add alice", c -> assertEquals("ok", expectExit(0, c).out().strip()));
    s.put("bin/quorumkv role add app-reader", c -> assertEquals("ok", expectExit(0, c).out().strip()));
    s.put("bin/quorumkv role grant app-reader read app/", c -> assertEquals("ok", expectExit(0, c).out().strip()));
    s.put("bin/quorumkv user grant alice app-reader", c -> assertEquals("ok", expectExit(0, c).out().strip()));
    s.put("bin/quorumkv user list", c -> assertTrue(Pattern.compile("^alice +app-reader$", Pattern.MULTILINE)
        .matcher(expectExit(0, c).out()).find()));
    s.put("bin/quorumkv role list", c -> assertTrue(Pattern.compile("^app-reader +read 'app/'$", Pattern.MULTILINE)
        .matcher(expectExit(0, c).out()).find()));
    s.put("bin/quorumkv auth status", c ->
        assertEquals("authorization enabled; 1 users, 1 roles", expectExit(0, c).out().strip()));
    s.put("bin/quorumkv auth disable", c -> {
      assertEquals("ok", expectExit(0, c).out().strip());
      assertTrue(expectExit(0, "bin/quorumkv auth status").out().contains("DISABLED"));
    });
    s.put("bin/quorumkv auth enable", c -> {
      assertEquals("ok", expectExit(0, c).out().strip());
      assertTrue(expectExit(0, "bin/quorumkv auth status").out().startsWith("authorization enabled"));
    });
    s.put("bin/quorumkv role revoke app-reader read app/", c -> {
      assertEquals("ok", expectExit(0, c).out().strip());
      assertFalse(expectExit(0, "bin/quorumkv role list").out().contains("read 'app/'"));
    });
    s.put("bin/quorumkv user delete alice", c -> {
      assertEquals("ok", expectExit(0, c).out().strip());
      assertFalse(expectExit(0, "bin/quorumkv user list").out().contains("alice"));
    });
    s.put("bin/quorumkv snapshot save backup.qkv", c -> {
      Result r = expectExit(0, c);
      Matcher m = Pattern.compile("saved backup\\.qkv: revision (\\d+), (\\d+) keys").matcher(r.out());
      assertTrue(m.find(), r.toString());
      backupRevision = Long.parseLong(m.group(1));
      backupKeys = Long.parseLong(m.group(2));
      assertEquals(5, backupKeys, "app/a, app/b, apq, k and after-n4-joined: " + r);
      assertTrue(Files.size(dir.resolve("backup.qkv")) > 0);
    });
    s.put("bin/quorumkv snapshot restore backup.qkv --node.id=n1 --raft.peers=... --storage.data-dir=...", c -> {
      restoredDir = dir.resolve("restored/n1");
      String restore = replaceOnce(replaceOnce(c, "--raft.peers=...", "--raft.peers=n1=127.0.0.1:6871"),
          "--storage.data-dir=...", "--storage.data-dir=" + restoredDir);
      Result r = expectExit(0, restore);
      assertTrue(r.out().contains("restored " + backupKeys + " keys at revision " + backupRevision), r.toString());
      // Start the new cluster from the restored dir (its port is n1's: README's cluster stops first).
      for (String id : List.of("n1", "n2", "n3")) {
        stop(id);
      }
      start("restored-n1", "bin/quorumkv server --node.id=n1 --raft.peers=n1=127.0.0.1:6871 --storage.data-dir="
          + restoredDir + " --tls.ca-file=" + pki().resolve("ca.pem") + " --tls.cert-file=" + pki().resolve("n1.pem")
          + " --tls.key-file=" + pki().resolve("n1.key"));
      awaitLog("restored-n1", Pattern.compile("node=n1 leader=n1"));
      Eventually.assertTrue(Duration.ofSeconds(60), () -> http.get("127.0.0.1:8871", "/ready").status() == 200,
          "restored n1 ready");
      assertEquals("1", http.get(n1(), "/v1/kv/app/a").json().get("value").asText());
      assertEquals("from-txn", http.get(n1(), "/v1/kv/k").json().get("value").asText());
      long next = http.putJson(n1(), "/v1/kv/after-restore", "{\"value\":\"x\"}").json().get("revision").asLong();
      assertTrue(next > backupRevision, "revisions continue above the backup's: " + next + " > " + backupRevision);
    });
    return s;
  }

  /**
   * The nodes this test started are the ones answering: one that died (say, another cluster took its port)
   * would otherwise leave the CLI talking to someone else's nodes on README's ports.
   */
  private void assertOwnNodesAlive(String after) {
    nodes.forEach((name, p) -> assertTrue(p.isAlive(), name + " (pid " + p.pid() + ") exited, after: " + after));
  }

  /** Starts n4 as README says a new node starts: the group's members plus itself as a listener. */
  private void startN4(String name) throws Exception {
    String n3 = readme.block(MANUAL_START).get(3);   // after the certs line and n1, n2
    assertTrue(n3.contains("--node.id=n3 ") && n3.contains(",n3=127.0.0.1:6873 "), n3);
    if (!Files.exists(pki().resolve("n4.key"))) {
      expectExit(0, "bin/quorumkv certs --dir " + pki() + " --node n4");   // n4's certificate from README's CA
    }
    String n4 = n3.substring(0, n3.length() - 2)
        .replace("--node.id=n3 ", "--node.id=n4 ")
        .replace(",n3=127.0.0.1:6873 ", ",n3=127.0.0.1:6873,n4=127.0.0.1:6874:listener ")
        .replace("/tmp/qkv/pki/n3.", pki() + "/n4.")
        .replace("/tmp/qkv/pki/", pki() + "/")
        .replace("/tmp/qkv/n3", dir.resolve("qkv/n4").toString());
    start(name, n4);
    awaitLog(name, Pattern.compile("node=n4 HTTP on"));
  }

  private static Pattern memberLine(String id, String role) {
    return Pattern.compile("^" + id + " +" + role + " +127\\.0\\.0\\.1:\\d+", Pattern.MULTILINE);
  }

  // ---------------------------------------------------------------------------------------------------

  private static String n1() {
    return "127.0.0.1:7871";
  }

  private String leader() {
    return http.get(n1(), "/v1/cluster").json().get("leader").asText();
  }

  private void httpPut(String key, String value) {
    HttpCalls.Reply r = http.putJson(n1(), "/v1/kv/" + key, "{\"value\":\"" + value + "\"}");
    assertEquals(200, r.status(), r.body());
  }

  private static String replaceOnce(String command, String placeholder, String value) {
    assertTrue(command.contains(placeholder), "'" + placeholder + "' in " + command);
    return command.replace(placeholder, value);
  }

  private static long revision(Result r, String regex) {
    Matcher m = Pattern.compile(regex).matcher(r.out());
    assertTrue(m.find(), r.toString());
    return Long.parseLong(m.group(1));
  }

  private static String nodeId(String command) {
    Matcher m = Pattern.compile("--node\\.id=(\\S+)").matcher(command);
    assertTrue(m.find(), command);
    return m.group(1);
  }

  private static void requireFreePorts(int... ports) {
    for (int port : ports) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 300);
      } catch (IOException free) {
        continue;
      }
      String why = "127.0.0.1:" + port + " (a port of README's hand-started nodes) is in use by another process";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why);
      }
      Assumptions.abort(why);
    }
  }

  // ---------------------------------------------------------------------------------------------------

  private Result cli(String readmeCommand) throws Exception {
    assertTrue(readmeCommand.startsWith("bin/quorumkv "), readmeCommand);
    List<String> words = new ArrayList<>(ReadmeCommands.words(readmeCommand));
    words.set(0, QUORUMKV);
    return run(words, null);
  }

  private Result expectExit(int exit, String readmeCommand) throws Exception {
    Result r = cli(readmeCommand);
    assertEquals(exit, r.exit(), r.toString());
    return r;
  }

  private ProcessBuilder inTempDir(List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("QUORUMKV_"));
    pb.environment().put("QUORUMKV_ENDPOINTS", ENDPOINTS);
    pb.environment().put("QUORUMKV_DEV_PKI", pki().toString());   // README: QUORUMKV_DEV_PKI=/tmp/qkv/pki
    return pb;
  }

  private Result run(List<String> command, String stdin) throws Exception {
    int n = ++runs;
    Path out = dir.resolve("cli-" + n + ".out");
    Path err = dir.resolve("cli-" + n + ".err");
    ProcessBuilder pb = inTempDir(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    if (stdin == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    Process p = pb.start();
    if (stdin != null) {
      try (var in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String shown = String.join(" ", command).replace(QUORUMKV, "bin/quorumkv");
    if (!p.waitFor(CLI_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(shown + " did not end within " + CLI_TIMEOUT + "; stderr: " + Files.readString(err));
    }
    return new Result(shown, p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private void start(String name, String readmeCommand) throws IOException {
    List<String> words = new ArrayList<>(ReadmeCommands.words(readmeCommand));
    assertEquals("bin/quorumkv", words.get(0), readmeCommand);
    words.set(0, QUORUMKV);
    Path log = dir.resolve(name + ".log");
    Process p = inTempDir(words).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    nodes.put(name, p);
  }

  private void awaitLog(String name, Pattern pattern) throws Exception {
    Path log = dir.resolve(name + ".log");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log);
      if (pattern.matcher(text).find()) {
        return;
      }
      if (!nodes.get(name).isAlive()) {
        throw new AssertionError(name + " exited (" + nodes.get(name).exitValue() + ") before logging " + pattern + ":\n"
            + text);
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " did not log " + pattern + " within " + START_TIMEOUT + ":\n" + Files.readString(log));
  }

  /** SIGTERM (README: a node shuts down gracefully), then SIGKILL if it is still there after 30 s. */
  private void stop(String name) throws InterruptedException {
    Process p = nodes.remove(name);
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(name + " (pid " + p.pid() + ") ignored SIGTERM for 30 s");
    }
  }
}
