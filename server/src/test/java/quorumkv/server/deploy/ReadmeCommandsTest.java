package quorumkv.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every shell command README.md shows is in {@link #INVENTORY}, which says what runs it: a test, a CI step
 * in {@code .ci/run}, or nothing, with the reason and what stands in for it. A command added to README
 * without an entry fails this test, and so does an entry whose command left README, a test that does not
 * exist or does not contain what the entry says it runs, and a CI step missing from {@code .ci/run}.
 * Commands are counted after README's notation is expanded ({@link ReadmeCommands#expand}).
 */
class ReadmeCommandsTest {
  private static final String CLUSTER_SCRIPT_IT = "server/src/test/java/quorumkv/server/deploy/ClusterScriptIT.java";
  private static final String README_COMMANDS_IT = "server/src/test/java/quorumkv/server/deploy/ReadmeCommandsIT.java";
  private static final String COMPOSE_FILE_TEST = "server/src/test/java/quorumkv/server/deploy/ComposeFileTest.java";
  private static final String KV_SERVER_PROCESS_IT = "server/src/test/java/quorumkv/server/KvServerProcessIT.java";
  private static final String CHECK_HISTORY_SCRIPT_IT =
      "tests-linearizability/src/test/java/quorumkv/linearizability/scripts/CheckHistoryScriptIT.java";
  private static final String BENCH_SCRIPT_IT =
      "tests-linearizability/src/test/java/quorumkv/linearizability/scripts/BenchScriptIT.java";
  private static final String CI_RUN = ".ci/run";
  private static final String COMPOSE_CHECK = ".ci/compose-check";
  private static final String SERVER_POM = "server/pom.xml";

  private static final String BENCH_IS_LONG = "a measurement, not a test: 4 to 18 minutes and needs etcd";

  enum Kind {
    /** A test runs the command (from README's text, or as a literal it checks README still shows). */
    TEST,
    /** {@code .ci/run} runs the command verbatim. */
    CI_STEP,
    /** Not run; {@code why} says why and {@code standIn}, if set, what runs instead. */
    NOT_RUN,
    /** Tells how a documented result was obtained; not rerun. */
    RECORD,
    /** README notation for a command listed under another entry. */
    SAME_AS
  }

  /**
   * {@code file} (repository-relative) must contain {@code evidence}; for a README block (anchor set), the
   * command must also be one of that block's commands, which the test runs all of.
   */
  record Proof(String file, String evidence, String anchor) {}

  record Coverage(Kind kind, String why, Proof proof) {}

  private static Coverage runsBlock(String test, String anchorConstant, String anchor) {
    return new Coverage(Kind.TEST, "runs every command of README's block after '" + anchor + "'",
        new Proof(test, anchorConstant, anchor));
  }

  /** The test holds the command verbatim (and checks README still shows it) and runs it. */
  private static Coverage runsLiteral(String test, String how) {
    return new Coverage(Kind.TEST, how, new Proof(test, null, null));
  }

  private static Coverage runs(String test, String evidence, String how) {
    return new Coverage(Kind.TEST, how, new Proof(test, evidence, null));
  }

  private static Coverage ciStep(String why) {
    return new Coverage(Kind.CI_STEP, why, new Proof(CI_RUN, null, null));
  }

  private static Coverage notRun(String why, String standInFile, String evidence) {
    return new Coverage(Kind.NOT_RUN, why, standInFile == null ? null : new Proof(standInFile, evidence, null));
  }

  private static Coverage record(String why, String standInFile, String evidence) {
    return new Coverage(Kind.RECORD, why, standInFile == null ? null : new Proof(standInFile, evidence, null));
  }

  private static Coverage sameAs(String command) {
    return new Coverage(Kind.SAME_AS, command, null);
  }

  /** README command (expanded) → what runs it. */
  static final Map<String, Coverage> INVENTORY = new LinkedHashMap<>();

  static {
    // Quick start.
    INVENTORY.put("bin/quorumkv-cluster up", runsBlock(CLUSTER_SCRIPT_IT, "QUICK_START", ReadmeCommands.QUICK_START));
    INVENTORY.put("mvn -B verify", ciStep("README's test command; .ci/run runs exactly it"));
    for (String c : List.of("bin/quorumkv put hello world", "bin/quorumkv get hello",
        "curl -s --cacert .quorumkv/cluster/pki/ca.pem --cert .quorumkv/cluster/pki/app.pem --key"
            + " .quorumkv/cluster/pki/app.key https://127.0.0.1:8082/v1/kv/hello",
        "curl -s --cacert .quorumkv/cluster/pki/ca.pem --cert .quorumkv/cluster/pki/app.pem --key"
            + " .quorumkv/cluster/pki/app.key -X PUT -H 'Content-Type: application/json' -d '{\"value\":\"hi\"}'"
            + " https://127.0.0.1:8082/v1/kv/greeting", "bin/quorumkv-cluster status", "bin/quorumkv-cluster kill 1",
        "bin/quorumkv-cluster down")) {
      INVENTORY.put(c, runsBlock(CLUSTER_SCRIPT_IT, "QUICK_START_EXAMPLES", ReadmeCommands.QUICK_START_EXAMPLES));
    }
    INVENTORY.put("docker-compose up -d --build", notRun("the regular Dockerfile's base images need a registry, which"
        + " CI does not reach; .ci/compose-check builds the image from Dockerfile.prebuilt over a debootstrapped base"
        + " and runs `docker-compose up -d` with it", COMPOSE_CHECK, "docker-compose up -d --no-build"));
    INVENTORY.put("docker-compose up -d", runs(COMPOSE_CHECK, "docker-compose up -d --no-build",
        "with the image it built from Dockerfile.prebuilt (no registry), then waits for three healthy nodes"));
    INVENTORY.put("docker-compose --profile async up -d", runs(COMPOSE_CHECK, "docker-compose --profile async up -d",
        "and checks that join-n4 ends 0 and member list shows n4 as a listener"));
    INVENTORY.put("docker-compose --profile async down", runs(COMPOSE_CHECK, "docker-compose --profile async down",
        "at the end, with -v --remove-orphans"));
    INVENTORY.put("docker-compose start n1", runs(COMPOSE_CHECK, "docker-compose start \"$leader\"",
        "on the killed leader's service, then reads the write made while it was down through it"));
    INVENTORY.put("mvn -q -B -pl server -am package -DskipTests", runs(COMPOSE_CHECK,
        "mvn -q -B -pl server -am package -DskipTests", "the host-built jars Dockerfile.prebuilt copies"));
    INVENTORY.put("bin/quorumkv-cluster up --async", runs(CLUSTER_SCRIPT_IT, "\"up\", \"--async\"",
        "n4 added as a listener; /v1/cluster and member list show exactly n1..n3 and n4; idempotent"));
    INVENTORY.put("docker-compose config", runs(COMPOSE_FILE_TEST, "\"config\", \"-q\"",
        "runs it as docker-compose -f docker-compose.yml [--profile async] config -q"));

    // Starting nodes by hand, and the CLI.
    INVENTORY.put("bin/quorumkv server --help", runsLiteral(README_COMMANDS_IT, "exit 0, lists the settings"));
    INVENTORY.put("bin/quorumkv certs --dir /tmp/qkv/pki --node n1 --node n2 --node n3 --client root",
        runsBlock(README_COMMANDS_IT, "MANUAL_START", ReadmeCommands.MANUAL_START));
    for (String node : List.of("n1", "n2", "n3")) {
      INVENTORY.put("bin/quorumkv server --node.id=" + node + " --raft.peers=n1=127.0.0.1:6871,n2=127.0.0.1:6872,"
          + "n3=127.0.0.1:6873 --storage.data-dir=/tmp/qkv/" + node + " --tls.ca-file=/tmp/qkv/pki/ca.pem"
          + " --tls.cert-file=/tmp/qkv/pki/" + node + ".pem --tls.key-file=/tmp/qkv/pki/" + node + ".key &",
          runsBlock(README_COMMANDS_IT, "MANUAL_START", ReadmeCommands.MANUAL_START));
    }
    INVENTORY.put("mvn -pl client -am dependency:tree -Dscope=runtime", ciStep("checks that the client's tree lists"
        + " exactly the runtime dependencies README names"));
    INVENTORY.put("mvn -o -B verify -pl server -am -Dtest=NoSuch -Dsurefire.failIfNoSpecifiedTests=false"
        + " -Dit.test=FailoverMetricsIT -Dfailover.kills=10 -Darchunit.skip", record("how the failover objective's"
        + " figures were measured (FailoverMetricsIT runs with 3 kills in mvn -B verify)",
        "server/src/test/java/quorumkv/server/FailoverMetricsIT.java", "failover.kills"));
    INVENTORY.put("bin/quorumkv backup verify FILE", runs("server/src/test/java/quorumkv/server/cli/BackupVerifyCommandTest.java",
        "\"backup\", \"verify\"", "runs it on a good backup (exit 0, revision and key count), a tampered and a truncated"
        + " one (exit 1) and bad usage (exit 2); RestoreDrillIT on a scheduled backup"));
    INVENTORY.put("mvn -q -B -pl client -am package -DskipTests dependency:build-classpath -DincludeScope=runtime"
        + " -Dmdep.outputFile=target/runtime.classpath", ciStep("runs README's line and checks that the classpath"
        + " holds exactly the runtime dependencies README names, no test library"));
    // Syntax for any command; its instances are the CLI block's lines.
    INVENTORY.put("bin/quorumkv <command>", sameAs("bin/quorumkv put app/config v1"));
    INVENTORY.put("bin/quorumkv --help", runsLiteral(README_COMMANDS_IT, "exit 0, lists every command README uses"));
    INVENTORY.put("bin/quorumkv <command> --help", runsLiteral(README_COMMANDS_IT,
        "for every command of the CLI block: exit 0"));
    INVENTORY.put("bin/quorumkv --endpoints 127.0.0.1:8081 get k", runsLiteral(README_COMMANDS_IT,
        "against the hand-started nodes: 8081 becomes n1's HTTP port 7871"));
    for (String line : List.of("bin/quorumkv put app/config v1", "bin/quorumkv get app/config",
        "bin/quorumkv cas app/config 12 v2", "bin/quorumkv del app/config [--prev-revision N]",
        "bin/quorumkv scan --prefix app/ --limit 10", "bin/quorumkv get k --consistency follower",
        "bin/quorumkv txn --file txn.json", "bin/quorumkv cluster status",
        "bin/quorumkv member list|add n4 host:9874 [--listener]|remove n4|promote n4|demote n4",
        "bin/quorumkv leader transfer n2", "bin/quorumkv user add alice", "bin/quorumkv role add app-reader",
        "bin/quorumkv role grant app-reader read app/", "bin/quorumkv user grant alice app-reader",
        "bin/quorumkv user list", "bin/quorumkv role list", "bin/quorumkv auth status|disable|enable",
        "bin/quorumkv role revoke app-reader read app/", "bin/quorumkv user delete alice",
        "bin/quorumkv snapshot save backup.qkv",
        "bin/quorumkv snapshot restore backup.qkv --node.id=n1 --raft.peers=... --storage.data-dir=...")) {
      for (String c : ReadmeCommands.expand(line)) {
        INVENTORY.put(c, runsBlock(README_COMMANDS_IT, "CLI_TOUR", ReadmeCommands.CLI_TOUR));
      }
    }
    for (String watch : List.of("bin/quorumkv watch app/ --prefix --rev 12 --prev", "bin/quorumkv watch")) {
      INVENTORY.put(watch, runs("server/src/test/java/quorumkv/server/OperatorSurfaceIT.java", "\"watch\", \"cli/a\", \"--rev\"",
          "OperatorSurfaceIT runs watch through the CLI's parser against a cluster: --rev, --prev, --count, --for, --prefix,"
          + " a future revision refused (the tour cannot: without --count or --for it runs until interrupted)"));
    }
    for (String line : List.of("bin/quorumkv lock jobs/report -- ./make-report.sh",
        "bin/quorumkv elect scheduler/leader host-1:9000", "bin/quorumkv elect scheduler/leader --listen")) {
      INVENTORY.put(line, runs("server/src/test/java/quorumkv/server/OperatorSurfaceIT.java", "\"elect\", \"cli/el\"",
          "OperatorSurfaceIT runs lock (a command's exit code and token, two holders never at once) and elect (campaign"
          + " with --for, --listen) through the CLI's parser against a cluster; both hold until interrupted, so the tour cannot"));
    }
    INVENTORY.put("bin/quorumkv certs --dir DIR --node n1 --host HOST --client NAME", runs(
        "server/src/test/java/quorumkv/server/cli/CertsCommandTest.java", "\"certs\", \"--dir\"",
        "CertsCommandTest runs the command through the CLI's parser (not the launcher script) with real names and"
        + " uses what it makes for mutual TLS"));
    INVENTORY.put("bin/quorumkv certs", sameAs("bin/quorumkv certs --dir DIR --node n1 --host HOST --client NAME"));
    INVENTORY.put("bin/quorumkv snapshot save FILE", sameAs("bin/quorumkv snapshot save backup.qkv"));
    INVENTORY.put("bin/quorumkv snapshot restore FILE <server settings>",
        sameAs("bin/quorumkv snapshot restore backup.qkv --node.id=n1 --raft.peers=... --storage.data-dir=..."));

    // Measurements and records.
    INVENTORY.put("mvn -B -pl tests-linearizability -am verify -Dit.test='quorumkv.client.*IT' -Dtest=NoSuchTest"
        + " -Dsurefire.failIfNoSpecifiedTests=false", record("how to rerun the client ITs whose numbers the"
        + " replication-mode table shows; those ITs run in mvn -B verify", CI_RUN, "mvn -B verify"));
    INVENTORY.put("mvn -pl server verify -Dit.test=KvServerProcessIT", record("how the kill -9 failover time was"
        + " measured (-pl without -am: it needs raft-log installed); KvServerProcessIT runs in mvn -B verify", KV_SERVER_PROCESS_IT, "class KvServerProcessIT"));

    INVENTORY.put("mvn -B -Plong verify -pl server -am", notRun("manual and long: every server test, OverloadIT's"
        + " floods for 60 s instead of 20 s (the profile sets quorumkv.flood.seconds); mvn -B verify runs the same"
        + " tests with the shorter floods", SERVER_POM, "<flood.seconds>60</flood.seconds>"));

    // Linearizability testing.
    INVENTORY.put("bin/check-history FILE...", runsLiteral(CHECK_HISTORY_SCRIPT_IT,
        "on corpus histories: exit 0 linearizable, 1 not, 2 malformed"));
    INVENTORY.put("bin/check-history FILE", runsLiteral(CHECK_HISTORY_SCRIPT_IT, "on one corpus history: exit 0"));
    INVENTORY.put("mvn -B -Plong verify -pl tests-linearizability -am -Dlin.long-minutes=30", notRun("manual and long:"
        + " 30 minutes of fault matrix after every module's tests (a documented record is in README); CI runs the same"
        + " profile for one minute", CI_RUN, "-Plong verify -pl tests-linearizability -am -Dit.test=LongMatrixIT"));
    INVENTORY.put("mvn -B -Plong verify -pl tests-linearizability -am -Dit.test=LongMatrixIT -Dtest=NoSuchTest"
        + " -Dsurefire.failIfNoSpecifiedTests=false -Dlin.long-minutes=7", record("the long-profile record (7 minutes);"
        + " CI runs this command with -Dlin.long-minutes=1", CI_RUN, "-Dsurefire.failIfNoSpecifiedTests=false"
        + " -Dlin.long-minutes=1"));

    // Performance.
    INVENTORY.put("apt-get install -y etcd-server etcd-client", notRun("installs system packages for bench's etcd side;"
        + " no test installs packages or needs etcd", null, null));
    INVENTORY.put("bin/bench", notRun(BENCH_IS_LONG + " (about 13 minutes); a seconds-long QuorumKV-only run stands in",
        BENCH_SCRIPT_IT, "--systems"));
    INVENTORY.put("bin/bench --quick", notRun(BENCH_IS_LONG, BENCH_SCRIPT_IT, "--systems"));
    INVENTORY.put("bin/bench --long", notRun(BENCH_IS_LONG, BENCH_SCRIPT_IT, "--systems"));
    INVENTORY.put("bin/bench --concurrency 1,8,32", notRun(BENCH_IS_LONG + "; the stand-in runs --systems quorumkv"
        + " --concurrency 1,8,32 with 1-second phases", BENCH_SCRIPT_IT, "--concurrency\", \"1,8,32"));
    INVENTORY.put("bin/bench --etcd-endpoints leader", notRun(BENCH_IS_LONG, null, null));
    INVENTORY.put("bin/bench --quick --tls both --no-wait", record("the measurement of what TLS costs; the stand-in"
        + " checks that --help offers every option README uses, --tls among them", BENCH_SCRIPT_IT, "bin/bench --help"));
    for (String setting : List.of("off", "64x1", "64x2", "64x4")) {
      INVENTORY.put("bin/bench --quick --systems quorumkv --concurrency 1,4,16,64 --write-batching " + setting,
          record("the measurements behind the write-batching default", BENCH_SCRIPT_IT, "\"--write-batching\""));
    }
    INVENTORY.put("bin/bench --systems quorumkv --write-batching off", notRun(BENCH_IS_LONG + "; the stand-in checks"
        + " that --help offers --write-batching and runs the QuorumKV-only benchmark for seconds", BENCH_SCRIPT_IT,
        "\"--write-batching\""));
    INVENTORY.put("bin/bench --phases watch", notRun(BENCH_IS_LONG + "; the stand-in runs every phase, the watch"
        + " phase with 100 watches", BENCH_SCRIPT_IT, "\"--watches\""));
    INVENTORY.put("bin/bench --phases watch --wait-minutes 5", record("the watch phase's measurement in README",
        BENCH_SCRIPT_IT, "\"--watches\""));
    INVENTORY.put("mvn -B verify -pl server -Dit.test=LeaseIT", runs("server/src/test/java/quorumkv/server/lease/LeaseIT.java",
        "not kept alive", "LeaseIT runs in .ci/run with the other server ITs and prints the expiry times README quotes"));
    INVENTORY.put("bin/bench --failover", notRun(BENCH_IS_LONG + " (about 12 minutes, as root for the isolate"
        + " fault); unit tests cover the failover driver (quorumkv.bench.Failover*Test)", null, null));
    INVENTORY.put("bin/bench --failover --systems quorumkv --rounds 2 --faults kill,stop", notRun(BENCH_IS_LONG
        + "; a short failover check", null, null));
    INVENTORY.put("bin/bench --failover --rounds 0 --quiet-minutes 10", notRun(BENCH_IS_LONG + "; 10 minutes per"
        + " system", null, null));
    INVENTORY.put("bin/bench --failover --systems etcd,quorumkv --quiet-minutes 10 --no-wait", record(
        "the failover measurement before the client's failover changes", null, null));
    INVENTORY.put("bin/bench --failover --systems etcd,quorumkv --no-wait", record(
        "the failover measurement the objective rests on", null, null));
    INVENTORY.put("bin/bench --failover --systems quorumkv --rounds 5", record(
        "the issue 16 failover levers, one row each (docs/performance.md)", null, null));
    INVENTORY.put("bin/bench --failover --systems quorumkv --rounds 0 --quiet-minutes 10", record(
        "the quiet run that guards the 100-200 ms election timeouts", null, null));
    INVENTORY.put("bin/bench --failover --systems quorumkv --rounds 8 --faults kill", record(
        "the kill rounds with a 50 ms backoff cap (an uncommitted experiment)", null, null));
    INVENTORY.put("bin/bench --failover --systems quorumkv --rounds 10 --faults kill", record(
        "the kill rounds' lever rows of the second failover round (docs/performance.md)", null, null));
    INVENTORY.put("bin/bench --failover --systems quorumkv --rounds 10 --faults kill --no-wait", record(
        "the kill rounds whose node logs were split at the new leader's first append", null, null));
    INVENTORY.put("bin/bench --failover --systems quorumkv --rounds 0 --quiet-minutes 10 --no-wait", record(
        "the quiet run with 100-200 ms election timeouts", null, null));
    INVENTORY.put("bin/bench --failover --max-load 1.5 --wait-minutes 2", record(
        "the issue 16 failover run README and docs/performance.md quote", null, null));
    INVENTORY.put("bin/bench --reference docs/bench/reference-results.tsv", notRun(BENCH_IS_LONG + "; EtcdDriftTest"
        + " covers the comparison with the reference run", null, null));
    INVENTORY.put("bin/bench --phases put,get,clients --max-load 1.5 --wait-minutes 3 --reference docs/bench/reference-results.tsv", record(
        "the issue 16 run docs/performance.md quotes (its rows are docs/bench/reference-results.tsv)", null, null));
    INVENTORY.put("bin/bench --tls tls --phases put,get,clients --max-load 1.5 --wait-minutes 3", record(
        "the issue 16 TLS row docs/performance.md quotes", null, null));
    INVENTORY.put("bin/bench --help", runsLiteral(BENCH_SCRIPT_IT, "exit 0; the usage names every option README uses"));
    INVENTORY.put("bin/bench --systems etcd --etcd-endpoints leader --quick", record("the etcd leader-only measurement",
        null, null));
  }

  private static Set<String> readmeCommands() {
    Set<String> expanded = new LinkedHashSet<>();
    for (String command : ReadmeCommands.load().allCommands()) {
      expanded.addAll(ReadmeCommands.expand(command));
    }
    return expanded;
  }

  @Test
  void everyReadmeCommandHasAnEntry() {
    List<String> missing = new ArrayList<>();
    for (String command : readmeCommands()) {
      if (!INVENTORY.containsKey(command)) {
        missing.add(command);
      }
    }
    assertTrue(missing.isEmpty(), "README commands with no entry in ReadmeCommandsTest.INVENTORY (say which test or CI"
        + " step runs each, or why nothing does):\n  " + String.join("\n  ", missing));
  }

  @Test
  void everyEntryIsStillInReadme() {
    List<String> stale = new ArrayList<>(INVENTORY.keySet());
    stale.removeAll(readmeCommands());
    assertTrue(stale.isEmpty(), "entries whose command is no longer in README:\n  " + String.join("\n  ", stale));
  }

  @Test
  void everyEntryNamesSomethingThatExistsAndRunsIt() throws IOException {
    ReadmeCommands readme = ReadmeCommands.load();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Coverage> e : INVENTORY.entrySet()) {
      String command = e.getKey();
      Coverage c = e.getValue();
      if (c.why() == null || c.why().isBlank()) {
        problems.add(command + ": no reason given");
      }
      if (c.kind() == Kind.SAME_AS) {
        Coverage target = INVENTORY.get(c.why());
        if (target == null || target.kind() == Kind.SAME_AS) {
          problems.add(command + ": same as '" + c.why() + "', which has no entry of its own");
        }
        continue;
      }
      if (c.kind() == Kind.TEST || c.kind() == Kind.CI_STEP) {
        if (c.proof() == null) {
          problems.add(command + ": names no test or step");
          continue;
        }
      }
      if (c.proof() == null) {
        continue;
      }
      Path file = ReadmeCommands.ROOT.resolve(c.proof().file());
      if (!Files.isRegularFile(file)) {
        problems.add(command + ": " + c.proof().file() + " does not exist");
        continue;
      }
      String source = Files.readString(file);
      String evidence = c.proof().evidence() != null ? c.proof().evidence()
          : c.kind() == Kind.CI_STEP ? command : "\"" + command + "\"";
      if (c.kind() == Kind.CI_STEP) {
        if (Stream.of(source.split("\n")).map(String::strip).noneMatch(l -> !l.startsWith("#") && l.contains(command))) {
          problems.add(command + ": not run by " + CI_RUN);
        }
      } else if (!source.contains(evidence)) {
        problems.add(command + ": " + c.proof().file() + " does not contain " + evidence);
      }
      if (c.proof().anchor() != null) {
        List<String> block = new ArrayList<>();
        readme.block(c.proof().anchor()).forEach(l -> block.addAll(ReadmeCommands.expand(l)));
        if (!block.contains(command)) {
          problems.add(command + ": not in README's block after '" + c.proof().anchor() + "'");
        }
        if (!source.contains("ReadmeCommands." + c.proof().evidence()) && !source.contains("(" + c.proof().evidence())) {
          problems.add(command + ": " + c.proof().file() + " does not read block " + c.proof().evidence());
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** The parser itself: README's notation expands as the class comment of ReadmeCommands says. */
  @Test
  void readmeNotationExpands() {
    assertEquals(List.of("bin/quorumkv member list", "bin/quorumkv member add n4 host:9874",
        "bin/quorumkv member add n4 host:9874 --listener", "bin/quorumkv member remove n4"),
        ReadmeCommands.expand("bin/quorumkv member list|add n4 host:9874 [--listener]|remove n4"));
    assertEquals(List.of("bin/bench --quick", "bin/bench --long", "bin/bench --help"),
        ReadmeCommands.expand("bin/bench --quick | --long | --help"));
    assertEquals(List.of("bin/quorumkv del k"), ReadmeCommands.expand("bin/quorumkv del k"));
    assertEquals("bin/quorumkv get hello", ReadmeCommands.withoutComment("bin/quorumkv get hello     # v1 (-w: more)"));
    assertFalse(ReadmeCommands.isCommand("docker-compose.yml"));
    assertTrue(ReadmeCommands.isCommand("bin/bench"));
  }

  @Test
  void readmeHasCommandsInBothPlaces() {
    ReadmeCommands readme = ReadmeCommands.load();
    // Guards the parser against silently finding nothing (a changed fence style, say).
    assertTrue(readme.fencedCommands().size() >= 20, readme.fencedCommands().toString());
    assertTrue(readme.inlineCommands().contains("docker-compose up -d --build"), readme.inlineCommands().toString());
    if (readme.inlineCommands().contains("bin/quorumkv-cluster")) {
      fail("a script's path alone is a name, not a command");
    }
  }
}
