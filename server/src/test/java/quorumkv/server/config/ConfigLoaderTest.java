package quorumkv.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  private static final String PEERS = "n1=127.0.0.1:9871,n2=127.0.0.1:9872,n3=127.0.0.1:9873";

  private ServerConfig load(Map<String, String> env, String... args) {
    return ConfigLoader.load(List.of(args), env);
  }

  @Test
  void fileThenEnvironmentThenFlagsWin() throws Exception {
    Path file = dir.resolve("quorumkv.properties");
    Files.writeString(file, "quorumkv.node.id=n1\nquorumkv.raft.peers=" + PEERS
        + "\nquorumkv.storage.data-dir=" + dir.resolve("d") + "\nquorumkv.raft.election-timeout.min=200ms\n");
    ServerConfig c = load(Map.of("QUORUMKV_NODE_ID", "n2", "QUORUMKV_RAFT_ELECTION_TIMEOUT_MAX", "2s", "PATH", "/bin"),
        "--config", file.toString(), "--node.id=n3");
    assertEquals("n3", c.nodeId());
    assertEquals(Duration.ofMillis(200), c.raft().electionTimeoutMin());
    assertEquals(Duration.ofSeconds(2), c.raft().electionTimeoutMax());
    assertEquals(3, c.peers().size());
    assertEquals(9873, c.self().port());
    assertEquals("quorumkv", c.clusterId());
  }

  /**
   * Every QUORUMKV_ variable the scripts in bin/ read is a setting or a launcher variable the loader skips:
   * with QUORUMKV_CLUSTER_DIR exported (README's way to run a second local cluster), a restore or a server
   * started by hand failed with "unknown environment variable" (seen when a test inherited it).
   */
  @Test
  void everyVariableTheScriptsReadIsAcceptedInTheEnvironment() throws Exception {
    Path bin = Path.of("..").toAbsolutePath().normalize().resolve("bin");
    java.util.Set<String> names = new java.util.TreeSet<>();
    try (var files = Files.list(bin)) {
      for (Path f : files.toList()) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("QUORUMKV_[A-Z_]+").matcher(Files.readString(f));
        while (m.find()) {
          names.add(m.group());
        }
      }
    }
    assertTrue(names.contains("QUORUMKV_CLUSTER_DIR") && names.size() > 10, "names read from bin/: " + names);
    for (String name : names) {
      assertTrue(known(name), name + " (read by a script in bin/) is refused as an unknown environment variable");
    }
  }

  /** The loader takes {@code envName}: a launcher variable it skips, or a setting (whose value "x" may be invalid). */
  private boolean known(String envName) {
    try {
      load(Map.of(envName, "x"), "--node.id=n1", "--raft.peers=" + PEERS, "--storage.data-dir=" + dir);
      return true;
    } catch (ConfigException e) {
      return !e.getMessage().contains("unknown environment variable");
    }
  }

  @Test
  void commitMetadataEntriesAreOffUnlessAskedFor() {
    String data = "--storage.data-dir=" + dir;
    assertEquals(false, load(Map.of(), "--node.id=n1", "--raft.peers=" + PEERS, data).raft().commitMetadata());
    assertEquals(true, load(Map.of("QUORUMKV_RAFT_LOG_COMMIT_METADATA", "true"), "--node.id=n1", "--raft.peers=" + PEERS,
        data).raft().commitMetadata());
  }

  @Test
  void scheduledBackupsAreOffWithoutADirectoryAndNeverInsideTheDataDir() {
    String data = "--storage.data-dir=" + dir.resolve("data");
    ServerConfig off = load(Map.of(), "--node.id=n1", "--raft.peers=" + PEERS, data);
    assertEquals(false, off.backup().enabled());
    assertEquals(Duration.ofHours(1), off.backup().interval());
    assertEquals(7, off.backup().keep());
    ServerConfig on = load(Map.of("QUORUMKV_BACKUP_DIR", dir.resolve("mnt/backups").toString()), "--node.id=n1",
        "--raft.peers=" + PEERS, data, "--backup.interval=15m", "--backup.keep=3");
    assertEquals(dir.resolve("mnt/backups"), on.backup().dir());
    assertEquals(Duration.ofMinutes(15), on.backup().interval());
    assertEquals(3, on.backup().keep());
    assertEquals(2, on.backup().slotAt(30 * 60_000 + 1));
    assertEquals(30 * 60_000, on.backup().slotStart(2));
    assertEquals(Duration.ofHours(24), load(Map.of(), "--node.id=n1", "--raft.peers=" + PEERS, data,
        "--backup.interval=24h").backup().interval());
    assertError("overlaps the data dir", "--node.id=n1", "--raft.peers=" + PEERS, data,
        "--backup.dir=" + dir.resolve("data/backups"));
    assertError("overlaps the data dir", "--node.id=n1", "--raft.peers=" + PEERS, data, "--backup.dir=" + dir);
    assertEquals(dir.resolve("mnt/backups/.verify-scratch"), on.backup().scratchDir(),
        "verifications restore beside the backups by default, never in the data dir");
    assertEquals(dir.resolve("scratch"), load(Map.of(), "--node.id=n1", "--raft.peers=" + PEERS, data,
        "--backup.dir=" + dir.resolve("mnt/backups"), "--backup.verify-scratch-dir=" + dir.resolve("scratch"))
        .backup().scratchDir());
    assertError("overlaps the data dir", "--node.id=n1", "--raft.peers=" + PEERS, data,
        "--backup.dir=" + dir.resolve("mnt/backups"), "--backup.verify-scratch-dir=" + dir.resolve("data/scratch"));
    assertError("at least 1s", "--node.id=n1", "--raft.peers=" + PEERS, data, "--backup.interval=500ms");
    assertError("outside 1..", "--node.id=n1", "--raft.peers=" + PEERS, data, "--backup.keep=0");
  }

  @Test
  void selfHealingIsOffByDefaultWithAGraceAboveTheElectionTimeouts() {
    String data = "--storage.data-dir=" + dir.resolve("data");
    String peers = "--raft.peers=" + PEERS + ",n4=127.0.0.1:9874:listener";
    ServerConfig off = load(Map.of(), "--node.id=n1", peers, data);
    assertEquals(false, off.heal().enabled());
    assertEquals(Duration.ofSeconds(30), off.heal().grace());
    assertEquals(Duration.ofMinutes(5), off.heal().cooldown());
    assertEquals(1000, off.heal().maxLagEntries());
    assertEquals(3, off.configuredVoters());
    ServerConfig on = load(Map.of("QUORUMKV_HEAL_ENABLED", "true"), "--node.id=n1", peers, data, "--heal.grace=3s",
        "--heal.cooldown=1m", "--heal.max-lag-entries=50");
    assertEquals(true, on.heal().enabled());
    assertEquals(Duration.ofSeconds(3), on.heal().grace());
    assertEquals(Duration.ofMinutes(1), on.heal().cooldown());
    assertEquals(50, on.heal().maxLagEntries());
    assertError("at least 1s", "--node.id=n1", peers, data, "--heal.grace=900ms");
    assertError("above 3 x", "--node.id=n1", peers, data, "--heal.grace=1s", "--raft.election-timeout.max=400ms");
    assertError("must be above zero", "--node.id=n1", peers, data, "--heal.cooldown=0s");
    assertError("quorumkv.heal.enabled", "--node.id=n1", peers, data, "--heal.enabled=maybe");
  }

  @Test
  void listenersAreParsed() {
    ServerConfig c = load(Map.of(), "--node.id=n1", "--raft.peers=" + PEERS + ",n4=127.0.0.1:9874:listener",
        "--storage.data-dir=" + dir);
    assertEquals(PeerSpec.Role.LISTENER, c.peers().get(3).role());
  }

  @Test
  void badConfigurationsFailWithOneClearMessage() {
    String data = "--storage.data-dir=" + dir;
    assertError("is not among the peers", "--node.id=n9", "--raft.peers=" + PEERS, data);
    assertError("duplicate peer id 'n1'", "--node.id=n1", "--raft.peers=n1=a:1,n1=b:2", data);
    assertError("duplicate address", "--node.id=n1", "--raft.peers=n1=a:1,n2=a:1", data);
    assertError("is not id=host:port", "--node.id=n1", "--raft.peers=n1", data);
    assertError("outside 1..65535", "--node.id=n1", "--raft.peers=n1=a:70000", data);
    assertError("neither voter nor listener", "--node.id=n1", "--raft.peers=n1=a:1:boss", data);
    assertError("at least one voter", "--node.id=n1", "--raft.peers=n1=a:1:listener", data);
    assertError("quorumkv.node.id is required", "--raft.peers=" + PEERS, data);
    assertError("quorumkv.storage.data-dir is required", "--node.id=n1", "--raft.peers=" + PEERS);
    assertError("unknown flag --node.idd", "--node.idd=n1");
    assertError("not a duration", "--node.id=n1", "--raft.peers=" + PEERS, data, "--raft.election-timeout.min=fast");
    assertError("must be below", "--node.id=n1", "--raft.peers=" + PEERS, data, "--raft.election-timeout.min=2s");
    assertError("neither true nor false", "--node.id=n1", "--raft.peers=" + PEERS, data, "--read.leader-lease=yes");
    assertError("needs a value", "--node.id");
    assertError("unexpected argument", "n1");
    assertError("below Ratis's 4 MiB", "--node.id=n1", "--raft.peers=" + PEERS, data, "--limits.max-request-bytes=8MB");
    var e = assertThrows(ConfigException.class, () -> load(Map.of("QUORUMKV_NODE_IDD", "x")));
    assertTrue(e.getMessage().contains("unknown environment variable QUORUMKV_NODE_IDD"), e.getMessage());
    var missing = assertThrows(ConfigException.class, () -> load(Map.of(), "--config", dir.resolve("nope").toString()));
    assertTrue(missing.getMessage().contains("cannot read config file"), missing.getMessage());
  }

  @Test
  void tlsFilesComeTogetherAndInsecureIsAnExplicitChoice() {
    String[] base = {"--node.id=n1", "--raft.peers=" + PEERS, "--storage.data-dir=" + dir};
    ServerConfig plain = load(Map.of(), base);
    assertEquals(false, plain.tls().enabled());
    assertEquals(List.of("TLSv1.3"), plain.tls().protocols());
    ServerConfig tls = load(Map.of("QUORUMKV_TLS_CA_FILE", "ca.pem", "QUORUMKV_TLS_CERT_FILE", "n1.pem",
        "QUORUMKV_TLS_KEY_FILE", "n1.key", "QUORUMKV_TLS_PROTOCOLS", "TLSv1.3, TLSv1.2"), base);
    assertTrue(tls.tls().enabled() && tls.tls().caFile().isAbsolute());
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), tls.tls().protocols());
    String[] half = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.stream.Stream.of(
        "--tls.ca-file=ca.pem", "--tls.cert-file=n1.pem")).toArray(String[]::new);
    assertError("TLS is half configured: quorumkv.tls.ca-file, quorumkv.tls.cert-file set but not quorumkv.tls.key-file",
        half);
    String[] both = java.util.stream.Stream.concat(java.util.Arrays.stream(half), java.util.stream.Stream.of(
        "--tls.key-file=n1.key", "--insecure-plaintext=true")).toArray(String[]::new);
    assertError("contradicts the TLS files", both);
    assertError("'TLSv1.1' is not allowed", "--node.id=n1", "--raft.peers=" + PEERS, "--storage.data-dir=" + dir,
        "--tls.protocols=TLSv1.1");
    assertTrue(load(Map.of(), "--node.id=n1", "--raft.peers=" + PEERS, "--storage.data-dir=" + dir,
        "--insecure-plaintext=true").tls().insecure());
  }

  @Test
  void everyDocumentedKeyHasAnEnvironmentName() {
    for (String key : ConfigKeys.DOCUMENTED.keySet()) {
      assertTrue(ConfigKeys.envName(key).matches("QUORUMKV_[A-Z0-9_]+"), key);
    }
  }

  private void assertError(String expected, String... args) {
    var e = assertThrows(ConfigException.class, () -> load(Map.of(), args));
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
  }
}
