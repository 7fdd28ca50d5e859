package quorumkv.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * and the Dockerfile set is one the server understands (the server rejects unknown QUORUMKV_ variables,
 * so a typo would stop the container), each compose node's environment loads into a valid config, the
 * local script sets only variables the compose file sets, and Debian's docker-compose accepts the file.
 */
class ComposeFileTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern ENV_LINE = Pattern.compile("^\\s+(QUORUMKV_[A-Z0-9_]+):\\s*\"?([^\"#]*?)\"?\\s*$");

  /** Variables per section of the compose file: "x-env" (shared) and each service. */
  static Map<String, Map<String, String>> composeEnvironment() throws Exception {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    String section = null;
    for (String line : Files.readAllLines(ROOT.resolve("docker-compose.yml"))) {
      Matcher top = Pattern.compile("^(x-env|  n\\d):").matcher(line);
      if (top.find()) {
        section = top.group(1).trim();
      } else if (!line.startsWith(" ") && !line.isBlank()) {
        section = line.startsWith("services:") ? null : section;
      }
      Matcher m = ENV_LINE.matcher(line);
      if (m.matches() && section != null) {
        sections.computeIfAbsent(section, k -> new LinkedHashMap<>()).put(m.group(1), m.group(2).trim());
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
    }
  }

  @Test
  void dockerfileSetsOnlyKnownVariables() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(QUORUMKV_[A-Z0-9_]+)=(\\S+)").matcher(Files.readString(ROOT.resolve("Dockerfile")));
    while (m.find()) {
      env.put(m.group(1), m.group(2));
    }
    assertTrue(env.containsKey("QUORUMKV_HTTP_PORT"), env.toString());
    env.putAll(Map.of("QUORUMKV_NODE_ID", "n1", "QUORUMKV_RAFT_PEERS", "n1=n1:9871"));
    ConfigLoader.load(List.of(), env);
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
