package quorumkv.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import quorumkv.server.config.ConfigLoader;
import quorumkv.server.config.ServerConfig;

/**
 * The compose cluster is the tested cluster in all but the container: every variable docker-compose.yml
 * and the Dockerfiles set is one the server understands (the server rejects unknown QUORUMKV_ variables,
 * so a typo would stop the container), each compose node's environment loads into a valid config with
 * exactly the members that run (three voters; n4 of the async profile joins by a membership change), the
 * local script sets only variables the compose file sets, and Debian's docker-compose accepts the file.
 * The deployment frictions stay fixed: ports on loopback by default, one build, log rotation, a memory
 * limit the JVM's caps fit in, a build context without .git or target/, no failure hidden by {@code || true}.
 * .ci/compose-check runs the file for real (as root, with a Docker engine).
 */
class ComposeFileTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern ENV_LINE = Pattern.compile("^\\s+(QUORUMKV_[A-Z0-9_]+):\\s*\"?([^\"#]*?)\"?\\s*$");

  /** Variables per section of the compose file: "x-env" (shared) and each service. */
  static Map<String, Map<String, String>> composeEnvironment() throws Exception {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    for (Map.Entry<String, String> block : blocks().entrySet()) {
      for (String line : block.getValue().split("\n")) {
        Matcher m = ENV_LINE.matcher(line);
        if (m.matches()) {
          sections.computeIfAbsent(block.getKey(), k -> new LinkedHashMap<>()).put(m.group(1), m.group(2).trim());
        }
      }
    }
    return sections;
  }

  @Test
  void everyComposeNodeEnvironmentIsAValidServerConfig() throws Exception {
    Map<String, Map<String, String>> env = composeEnvironment();
    assertTrue(env.containsKey("x-env"), "shared environment found: " + env.keySet());
    for (String node : List.of("n1", "n2", "n3", "n4")) {
      Map<String, String> merged = new LinkedHashMap<>(env.get("x-env"));
      merged.putAll(env.get(node));
      ServerConfig c = ConfigLoader.load(List.of(), merged);   // throws on any unknown or bad variable
      assertEquals(node, c.nodeId());
      assertEquals(8080, c.http().port());
      assertEquals(9080, c.ops().port());
      // The voters know only the three voters: no member that the default profile does not run.
      String voters = "n1=n1:9871,n2=n2:9871,n3=n3:9871";
      assertEquals(node.equals("n4") ? voters + ",n4=n4:9871:listener" : voters, merged.get("QUORUMKV_RAFT_PEERS"), node);
    }
    assertEquals(Set.of("certs", "grants", "n1", "n2", "n3", "n4", "join-n4"), services(),
        "the services this test knows; a new one needs a look here");
  }

  /** The service names under services:. */
  private static Set<String> services() throws Exception {
    Set<String> names = new TreeSet<>(blocks().keySet());
    names.removeIf(n -> n.startsWith("x-"));
    return names;
  }

  /** The lines of each extension block (x-...) and each service, by name. */
  static Map<String, String> blocks() throws Exception {
    Map<String, String> blocks = new LinkedHashMap<>();
    String current = null;
    boolean inServices = false;
    for (String line : Files.readAllLines(ROOT.resolve("docker-compose.yml"))) {
      Matcher service = Pattern.compile("^  ([a-z0-9-]+):").matcher(line);
      if (!line.startsWith(" ") && !line.isBlank() && !line.startsWith("#")) {
        inServices = line.startsWith("services:");
        current = line.startsWith("x-") ? line.substring(0, line.indexOf(':')) : null;
      } else if (inServices && service.find()) {
        current = service.group(1);
      }
      if (current != null) {
        blocks.merge(current, line + "\n", String::concat);
      }
    }
    return blocks;
  }

  /** n4 joins through a membership change made by the async profile's one-shot service, not by configuration. */
  @Test
  void theAsyncProfileAddsN4AsAListenerThroughTheMembersApi() throws Exception {
    Map<String, String> blocks = blocks();
    String join = blocks.get("join-n4");
    assertTrue(join.contains("profiles: [\"async\"]") && blocks.get("n4").contains("profiles: [\"async\"]"), join);
    assertTrue(join.contains("/v1/cluster/members") && join.contains("\"role\":\"listener\"")
        && join.contains("\"address\":\"n4:9871\""), join);
    assertTrue(join.contains("condition: service_healthy") && join.contains("condition: service_started"), join);
  }

  @Test
  void portsArePublishedOnLoopbackUnlessTheOperatorSaysOtherwise() throws Exception {
    Matcher m = Pattern.compile("ports: \\[(.*)]").matcher(Files.readString(ROOT.resolve("docker-compose.yml")));
    int ports = 0;
    while (m.find()) {
      for (String port : m.group(1).split(",")) {
        assertTrue(port.strip().matches("\"\\$\\{QKV_PUBLISH_ADDR:-127\\.0\\.0\\.1}:\\d+:\\d+\""), port);
        ports++;
      }
    }
    assertEquals(8, ports, "HTTP and operations port of n1..n4");
  }

  /** One build (the certs service, which every node waits for), log rotation and a memory limit on every node. */
  @Test
  void theImageIsBuiltOnceAndEveryNodeHasLogRotationAndAMemoryLimit() throws Exception {
    Map<String, String> blocks = blocks();
    for (Map.Entry<String, String> b : blocks.entrySet()) {
      assertEquals(b.getKey().equals("certs"), b.getValue().contains("build:"), b.getKey() + ": only certs builds");
    }
    String node = blocks.get("x-node");
    assertTrue(node.contains("max-size:") && node.contains("max-file:") && node.contains("driver: json-file"), node);
    for (String n : List.of("n1", "n2", "n3", "n4")) {
      assertTrue(blocks.get(n).contains("<<: *node"), n + " uses the x-node block");
    }
  }

  /** The JVM's caps (heap, direct buffers, metaspace, code cache) fit the container's limit with room to spare. */
  @Test
  void theJvmCapsFitTheMemoryLimit() throws Exception {
    Matcher limit = Pattern.compile("mem_limit: (\\d+)([mg])").matcher(blocks().get("x-node"));
    assertTrue(limit.find(), "x-node has a mem_limit");
    long limitMb = Long.parseLong(limit.group(1)) * (limit.group(2).equals("g") ? 1024 : 1);
    for (String file : List.of("Dockerfile", "Dockerfile.prebuilt")) {
      Matcher opts = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(Files.readString(ROOT.resolve(file)));
      assertTrue(opts.find(), file);
      String flags = opts.group(1);
      long capped = 0;
      for (String flag : List.of("-Xmx", "-XX:MaxDirectMemorySize=", "-XX:MaxMetaspaceSize=", "-XX:ReservedCodeCacheSize=")) {
        Matcher v = Pattern.compile(Pattern.quote(flag) + "(\\d+)m").matcher(flags);
        assertTrue(v.find(), file + " caps " + flag + ": " + flags);
        capped += Long.parseLong(v.group(1));
      }
      // What no flag caps (RocksDB's memtables and caches, thread stacks, GC structures) needs the rest.
      assertTrue(capped <= limitMb * 3 / 4, file + ": " + capped + " MB capped of a " + limitMb + " MB limit");
      assertTrue(flags.contains("-XX:+UseG1GC"), "the serial collector a small container gets by default pauses too long: " + flags);
      // bin/quorumkv server (bin/quorumkv-cluster, bin/bench) runs with the same caps: the RSS that
      // docs/performance.md reports is the RSS a container gets.
      Matcher script = Pattern.compile("server_java_opts=\"([^\"]*)\"").matcher(Files.readString(ROOT.resolve("bin/quorumkv")));
      assertTrue(script.find(), "bin/quorumkv names the server's JVM options");
      assertEquals(flags, script.group(1), file + " and bin/quorumkv start the server with the same caps");
      assertTrue(Files.readString(ROOT.resolve(file)).contains("MALLOC_ARENA_MAX=2"), file + " limits malloc arenas");
    }
  }

  @Test
  void bothDockerfilesShareTheirRuntimePartAndHideNoFailure() throws Exception {
    String marker = "# --- runtime:";
    String regular = Files.readString(ROOT.resolve("Dockerfile"));
    String prebuilt = Files.readString(ROOT.resolve("Dockerfile.prebuilt"));
    assertTrue(regular.contains(marker) && prebuilt.contains(marker));
    assertEquals(regular.substring(regular.indexOf(marker)), prebuilt.substring(prebuilt.indexOf(marker)));
    for (String text : List.of(regular, prebuilt)) {
      assertFalse(text.contains("|| true"), "a failed step must fail the build");
      assertFalse(text.contains("--system"), "uid 10001 is no system uid: useradd --system warns");
    }
    // The dependency pre-fetch must cover the build: the real build runs offline.
    assertTrue(regular.contains("RUN mvn -o -B -q -pl server -am package -DskipTests"), regular);
  }

  @Test
  void theBuildContextLeavesOutGitStateAndBuildOutput() throws Exception {
    List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore"));
    assertTrue(ignore.containsAll(List.of(".git", ".quorumkv", "**/target")), ignore.toString());
    // Except what Dockerfile.prebuilt copies.
    assertTrue(ignore.containsAll(List.of("!server/target/quorumkv-server.jar", "!server/target/lib")), ignore.toString());
  }

  @Test
  void dockerfilesSetOnlyKnownVariables() throws Exception {
    for (String file : List.of("Dockerfile", "Dockerfile.prebuilt")) {
      Map<String, String> env = new LinkedHashMap<>();
      Matcher m = Pattern.compile("(QUORUMKV_[A-Z0-9_]+)=(\\S+)").matcher(Files.readString(ROOT.resolve(file)));
      while (m.find()) {
        env.put(m.group(1), m.group(2));
      }
      assertTrue(env.containsKey("QUORUMKV_HTTP_PORT"), file + ": " + env);
      env.putAll(Map.of("QUORUMKV_NODE_ID", "n1", "QUORUMKV_RAFT_PEERS", "n1=n1:9871"));
      ConfigLoader.load(List.of(), env);
    }
  }

  @Test
  void theLocalScriptSetsOnlyVariablesTheComposeFileSets() throws Exception {
    Set<String> compose = new TreeSet<>();
    composeEnvironment().values().forEach(e -> compose.addAll(e.keySet()));
    Matcher m = Pattern.compile("(QUORUMKV_[A-Z0-9_]+)=").matcher(Files.readString(ROOT.resolve("bin/quorumkv-cluster")));
    Set<String> script = new TreeSet<>();
    while (m.find()) {
      script.add(m.group(1));
    }
    script.removeIf(v -> v.startsWith("QUORUMKV_CLUSTER_") && !v.equals("QUORUMKV_CLUSTER_ID"));
    assertTrue(compose.containsAll(script), "script sets " + script + ", compose only " + compose);
  }

  /** `docker-compose config` validates the file (Debian's docker-compose; CI installs it). */
  @Test
  void theFailoverBenchRunsTheComposeFilesElectionTimeouts() throws Exception {
    // bin/bench's failover phase starts its own QuorumKV members; its figures stand for the shipped settings.
    Map<String, String> shared = composeEnvironment().get("x-env");
    String bench = Files.readString(ROOT.resolve("bin/bench"));
    for (String key : List.of("QUORUMKV_RAFT_ELECTION_TIMEOUT_MIN", "QUORUMKV_RAFT_ELECTION_TIMEOUT_MAX")) {
      Matcher m = Pattern.compile(key + "=(\\S+)").matcher(bench);
      assertTrue(m.find(), "bin/bench sets " + key);
      assertEquals(shared.get(key), m.group(1), key + " in bin/bench and docker-compose.yml");
    }
  }

  @Test
  void dockerComposeAcceptsTheFile() throws Exception {
    boolean present = new ProcessBuilder("sh", "-c", "command -v docker-compose").start().waitFor() == 0;
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(present, "CI=true: docker-compose must be installed to validate docker-compose.yml");
    }
    Assumptions.assumeTrue(present, "docker-compose not installed (apt-get install docker-compose)");
    for (List<String> cmd : List.of(List.of("docker-compose", "-f", "docker-compose.yml", "config", "-q"),
        List.of("docker-compose", "-f", "docker-compose.yml", "--profile", "async", "config", "-q"))) {
      Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }
  }
}
