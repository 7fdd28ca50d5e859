package quorumkv.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import quorumkv.raftlog.command.RequestLimits;
import quorumkv.raftlog.store.StoreOptions;

/**
 * Builds a {@link ServerConfig} from defaults, a properties file, environment variables and flags (later
 * wins), validating everything before anything starts. Unknown keys are errors, so a typo never silently
 * falls back to a default.
 */
public final class ConfigLoader {
  private static final String ENV_PREFIX = "QUORUMKV_";
  /**
   * Variables of the launch scripts and the CLI, not settings: config file, JVM options, CLI endpoints and
   * certificates, and what bin/quorumkv and bin/quorumkv-cluster read (a user who exported the cluster dir
   * for the cluster script could not run a restore or a server by hand: ConfigLoaderTest checks every
   * QUORUMKV_ name the scripts in bin/ use).
   */
  static final Set<String> LAUNCHER_ENV = Set.of("QUORUMKV_CONFIG", "QUORUMKV_JAVA_OPTS", "QUORUMKV_ENDPOINTS",
      "QUORUMKV_DEV_PKI", "QUORUMKV_CACERT", "QUORUMKV_CERT", "QUORUMKV_KEY", "QUORUMKV_CLI_CDS",
      "QUORUMKV_CLUSTER_DIR", "QUORUMKV_CLUSTER_RAFT_BASE", "QUORUMKV_CLUSTER_HTTP_BASE", "QUORUMKV_CLUSTER_OPS_BASE");

  private ConfigLoader() {}

  /** @param args flags: {@code --config FILE} and {@code --<key without "quorumkv.">=value} */
  public static ServerConfig load(List<String> args, Map<String, String> env) {
    Map<String, String> flags = parseFlags(args);
    Map<String, String> values = new LinkedHashMap<>();
    ConfigKeys.DOCUMENTED.forEach((k, doc) -> {
      if (doc[0] != null) {
        values.put(k, doc[0]);
      }
    });
    String file = flags.remove("quorumkv.config");
    if (file == null) {
      file = env.get("QUORUMKV_CONFIG");
    }
    if (file != null) {
      values.putAll(readFile(Path.of(file)));
    }
    values.putAll(fromEnv(env));
    values.putAll(flags);
    return build(values);
  }

  /** Builds a config from explicit key-value pairs over the defaults (for tests and embedding). */
  public static ServerConfig fromMap(Map<String, String> settings) {
    Map<String, String> values = new LinkedHashMap<>();
    ConfigKeys.DOCUMENTED.forEach((k, doc) -> {
      if (doc[0] != null) {
        values.put(k, doc[0]);
      }
    });
    settings.forEach((k, v) -> values.put(known(k, "setting"), v));
    return build(values);
  }

  private static Map<String, String> parseFlags(List<String> args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new ConfigException("unexpected argument '" + arg + "'; flags look like --node.id=n1");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new ConfigException("flag --" + name + " needs a value");
      }
      String key = "quorumkv." + name;
      flags.put(key.equals("quorumkv.config") ? key : known(key, "flag --" + name), value);
    }
    return flags;
  }

  private static Map<String, String> readFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : p.stringPropertyNames()) {
      out.put(known(name, "key in " + file), p.getProperty(name).trim());
    }
    return out;
  }

  private static Map<String, String> fromEnv(Map<String, String> env) {
    Map<String, String> byEnvName = new LinkedHashMap<>();
    for (String key : ConfigKeys.DOCUMENTED.keySet()) {
      byEnvName.put(ConfigKeys.envName(key), key);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!e.getKey().startsWith(ENV_PREFIX) || LAUNCHER_ENV.contains(e.getKey())) {
        continue;
      }
      String key = byEnvName.get(e.getKey());
      if (key == null) {
        throw new ConfigException("unknown environment variable " + e.getKey() + " (known: " + byEnvName.keySet() + ")");
      }
      out.put(key, e.getValue().trim());
    }
    return out;
  }

  private static String known(String key, String where) {
    if (!ConfigKeys.DOCUMENTED.containsKey(key)) {
      throw new ConfigException("unknown " + where + " '" + key + "'; known keys: " + ConfigKeys.DOCUMENTED.keySet());
    }
    return key;
  }

  private static ServerConfig build(Map<String, String> v) {
    String nodeId = required(v, ConfigKeys.NODE_ID);
    List<PeerSpec> peers = peers(required(v, ConfigKeys.PEERS));
    if (peers.stream().noneMatch(p -> p.id().equals(nodeId))) {
      throw new ConfigException(ConfigKeys.NODE_ID + ": '" + nodeId + "' is not among the peers " + ids(peers));
    }
    Duration min = Units.duration(ConfigKeys.ELECTION_TIMEOUT_MIN, v.get(ConfigKeys.ELECTION_TIMEOUT_MIN));
    Duration max = Units.duration(ConfigKeys.ELECTION_TIMEOUT_MAX, v.get(ConfigKeys.ELECTION_TIMEOUT_MAX));
    if (min.compareTo(max) >= 0) {
      throw new ConfigException(ConfigKeys.ELECTION_TIMEOUT_MIN + " (" + min.toMillis() + "ms) must be below "
          + ConfigKeys.ELECTION_TIMEOUT_MAX + " (" + max.toMillis() + "ms)");
    }
    boolean unsafeFlush = Units.bool(ConfigKeys.UNSAFE_FLUSH, v.get(ConfigKeys.UNSAFE_FLUSH));
    var raft = new ServerConfig.RaftSettings(min, max,
        Units.positiveLong(ConfigKeys.SNAPSHOT_ENTRIES, v.get(ConfigKeys.SNAPSHOT_ENTRIES)),
        Units.size(ConfigKeys.SEGMENT_SIZE, v.get(ConfigKeys.SEGMENT_SIZE)),
        (int) Units.positiveLong(ConfigKeys.PURGE_GAP, v.get(ConfigKeys.PURGE_GAP)),
        Units.bool(ConfigKeys.LEADER_LEASE, v.get(ConfigKeys.LEADER_LEASE)), unsafeFlush,
        Units.bool(ConfigKeys.COMMIT_METADATA, v.get(ConfigKeys.COMMIT_METADATA)),
        v.getOrDefault(ConfigKeys.RAFT_BIND_HOST, "").strip());
    RequestLimits limits;
    StoreOptions store;
    try {
      limits = new RequestLimits(
          (int) Units.size(ConfigKeys.MAX_KEY_BYTES, v.get(ConfigKeys.MAX_KEY_BYTES)),
          (int) Units.size(ConfigKeys.MAX_VALUE_BYTES, v.get(ConfigKeys.MAX_VALUE_BYTES)),
          (int) Units.positiveLong(ConfigKeys.MAX_OPERATIONS, v.get(ConfigKeys.MAX_OPERATIONS)),
          (int) Units.size(ConfigKeys.MAX_REQUEST_BYTES, v.get(ConfigKeys.MAX_REQUEST_BYTES)),
          (int) Units.positiveLong(ConfigKeys.MAX_RANGE_LIMIT, v.get(ConfigKeys.MAX_RANGE_LIMIT)));
      store = new StoreOptions(limits.maxRangeLimit(),
          Units.positiveLong(ConfigKeys.SESSION_TTL_ENTRIES, v.get(ConfigKeys.SESSION_TTL_ENTRIES)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("limits: " + e.getMessage(), e);
    }
    if (limits.maxRequestBytes() > 4 * 1024 * 1024 - 64 * 1024) {
      throw new ConfigException(ConfigKeys.MAX_REQUEST_BYTES + " must stay below Ratis's 4 MiB entry buffer");
    }
    String clusterId = required(v, ConfigKeys.CLUSTER_ID);
    Path dataDir = Path.of(required(v, ConfigKeys.DATA_DIR)).toAbsolutePath().normalize();
    String listen = v.getOrDefault(ConfigKeys.LISTEN_PORT, "").trim();
    int listenPort = listen.isEmpty() ? 0 : (int) Units.positiveLong(ConfigKeys.LISTEN_PORT, listen);
    if (listenPort > 65535) {
      throw new ConfigException(ConfigKeys.LISTEN_PORT + ": " + listenPort + " is outside 1..65535");
    }
    PeerSpec self = peers.stream().filter(p -> p.id().equals(nodeId)).findFirst().orElseThrow();
    int raftPort = listenPort > 0 ? listenPort : self.port();
    ServerConfig.HttpSettings http = http(v, raftPort);
    String floor = v.getOrDefault(ConfigKeys.FREE_SPACE_FLOOR, "auto").trim();
    var disk = new ServerConfig.DiskSettings(
        floor.equalsIgnoreCase("auto") ? -1 : Units.size(ConfigKeys.FREE_SPACE_FLOOR, floor),
        Units.duration(ConfigKeys.DISK_CHECK_INTERVAL, v.get(ConfigKeys.DISK_CHECK_INTERVAL)),
        Units.duration(ConfigKeys.RECOVERY_DEADLINE, v.get(ConfigKeys.RECOVERY_DEADLINE)));
    var watch = new ServerConfig.WatchSettings(
        Units.positiveLong(ConfigKeys.WATCH_HISTORY_REVISIONS, v.get(ConfigKeys.WATCH_HISTORY_REVISIONS)),
        Units.duration(ConfigKeys.WATCH_HISTORY_AGE, v.get(ConfigKeys.WATCH_HISTORY_AGE)),
        Units.duration(ConfigKeys.WATCH_PROGRESS_INTERVAL, v.get(ConfigKeys.WATCH_PROGRESS_INTERVAL)), 4096);
    if (watch.progressInterval().toMillis() < 10) {
      throw new ConfigException(ConfigKeys.WATCH_PROGRESS_INTERVAL + ": at least 10ms");
    }
    return new ServerConfig(nodeId, clusterId, peers, dataDir, listenPort, raft, limits, store, http,
        ops(v, raftPort, http), disk, tls(v), watch, backup(v, dataDir), heal(v, raft));
  }

  /** Self-healing membership: a grace long enough that a leader's normal silence never counts as lost. */
  private static ServerConfig.HealSettings heal(Map<String, String> v, ServerConfig.RaftSettings raft) {
    Duration grace = Units.duration(ConfigKeys.HEAL_GRACE, v.get(ConfigKeys.HEAL_GRACE));
    Duration floor = raft.electionTimeoutMax().multipliedBy(3);
    if (grace.toMillis() < 1000 || grace.compareTo(floor) <= 0) {
      throw new ConfigException(ConfigKeys.HEAL_GRACE + ": at least 1s and above 3 x " + ConfigKeys.ELECTION_TIMEOUT_MAX
          + " (" + floor.toMillis() + "ms), got " + grace.toMillis() + "ms");
    }
    Duration cooldown = Units.duration(ConfigKeys.HEAL_COOLDOWN, v.get(ConfigKeys.HEAL_COOLDOWN));
    return new ServerConfig.HealSettings(Units.bool(ConfigKeys.HEAL_ENABLED, v.get(ConfigKeys.HEAL_ENABLED)), grace,
        cooldown, Units.positiveLong(ConfigKeys.HEAL_MAX_LAG, v.get(ConfigKeys.HEAL_MAX_LAG)));
  }

  /** Scheduled backups: off without a directory; the directory outside the data dir. */
  private static ServerConfig.BackupSettings backup(Map<String, String> v, Path dataDir) {
    Duration interval = Units.duration(ConfigKeys.BACKUP_INTERVAL, v.get(ConfigKeys.BACKUP_INTERVAL));
    if (interval.toMillis() < 1000) {
      throw new ConfigException(ConfigKeys.BACKUP_INTERVAL + ": at least 1s");
    }
    int keep = (int) Units.positiveLong(ConfigKeys.BACKUP_KEEP, v.get(ConfigKeys.BACKUP_KEEP));
    Duration verifyTimeout = Units.duration(ConfigKeys.BACKUP_VERIFY_TIMEOUT, v.get(ConfigKeys.BACKUP_VERIFY_TIMEOUT));
    String dirValue = v.getOrDefault(ConfigKeys.BACKUP_DIR, "").strip();
    String scratchValue = v.getOrDefault(ConfigKeys.BACKUP_VERIFY_SCRATCH_DIR, "").strip();
    Path scratch = scratchValue.isEmpty() ? null : Path.of(scratchValue).toAbsolutePath().normalize();
    if (dirValue.isEmpty()) {
      return new ServerConfig.BackupSettings(null, interval, keep, verifyTimeout, scratch);
    }
    Path dir = Path.of(dirValue).toAbsolutePath().normalize();
    if (dir.startsWith(dataDir) || dataDir.startsWith(dir)) {
      throw new ConfigException(ConfigKeys.BACKUP_DIR + ": " + dir + " overlaps the data dir " + dataDir
          + "; backups belong on other storage (a mount of another machine), never with the data they protect");
    }
    if (scratch != null && (scratch.startsWith(dataDir) || dataDir.startsWith(scratch))) {
      throw new ConfigException(ConfigKeys.BACKUP_VERIFY_SCRATCH_DIR + ": " + scratch + " overlaps the data dir "
          + dataDir + "; a verification restores a whole copy there, which must not take the data dir's room");
    }
    return new ServerConfig.BackupSettings(dir, interval, keep, verifyTimeout, scratch);
  }

  /** The three TLS files together or none; insecure only when asked for, and never with TLS files. */
  private static ServerConfig.TlsSettings tls(Map<String, String> v) {
    List<String> fileKeys = List.of(ConfigKeys.TLS_CA_FILE, ConfigKeys.TLS_CERT_FILE, ConfigKeys.TLS_KEY_FILE);
    List<String> set = fileKeys.stream().filter(k -> !v.getOrDefault(k, "").isBlank()).toList();
    boolean insecure = Units.bool(ConfigKeys.INSECURE_PLAINTEXT, v.get(ConfigKeys.INSECURE_PLAINTEXT));
    if (!set.isEmpty() && set.size() < fileKeys.size()) {
      throw new ConfigException("TLS is half configured: " + String.join(", ", set) + " set but not "
          + String.join(", ", fileKeys.stream().filter(k -> !set.contains(k)).toList())
          + "; set all three (bin/quorumkv certs makes a development CA and node certificates)");
    }
    if (insecure && !set.isEmpty()) {
      throw new ConfigException(ConfigKeys.INSECURE_PLAINTEXT + "=true contradicts the TLS files that are set ("
          + String.join(", ", set) + "): choose one");
    }
    List<String> protocols = new ArrayList<>();
    for (String p : v.getOrDefault(ConfigKeys.TLS_PROTOCOLS, "TLSv1.3").split(",")) {
      String protocol = p.strip();
      if (!protocol.equals("TLSv1.3") && !protocol.equals("TLSv1.2")) {
        throw new ConfigException(ConfigKeys.TLS_PROTOCOLS + ": '" + (protocol.length() > 20 ? protocol.substring(0, 20) + "..." : protocol)
            + "' is not allowed; use TLSv1.3 or TLSv1.3,TLSv1.2");
      }
      if (!protocols.contains(protocol)) {
        protocols.add(protocol);
      }
    }
    Duration reload = Units.duration(ConfigKeys.TLS_RELOAD_INTERVAL, v.get(ConfigKeys.TLS_RELOAD_INTERVAL));
    List<String> admins = java.util.Arrays.stream(v.getOrDefault(ConfigKeys.AUTH_ADMINS, "root").split(","))
        .map(String::strip).filter(a -> !a.isEmpty()).toList();
    if (set.isEmpty()) {
      return new ServerConfig.TlsSettings(null, null, null, protocols, reload, insecure, admins);
    }
    return new ServerConfig.TlsSettings(path(v, ConfigKeys.TLS_CA_FILE), path(v, ConfigKeys.TLS_CERT_FILE),
        path(v, ConfigKeys.TLS_KEY_FILE), protocols, reload, false, admins);
  }

  private static Path path(Map<String, String> v, String key) {
    return Path.of(v.get(key).strip()).toAbsolutePath().normalize();
  }

  private static ServerConfig.OpsSettings ops(Map<String, String> v, int raftPort, ServerConfig.HttpSettings http) {
    String portValue = v.getOrDefault(ConfigKeys.OPS_PORT, "").trim();
    int port = portValue.isEmpty() ? http.port() + HttpDefaults.OPS_PORT_OFFSET
        : (int) Units.positiveLong(ConfigKeys.OPS_PORT, portValue);
    if (port > 65535) {
      throw new ConfigException(ConfigKeys.OPS_PORT + ": " + port + " is outside 1..65535"
          + (portValue.isEmpty() ? " (HTTP port + " + HttpDefaults.OPS_PORT_OFFSET + "); set it explicitly" : ""));
    }
    if (port == raftPort || port == http.port()) {
      throw new ConfigException(ConfigKeys.OPS_PORT + ": " + port + " is this node's "
          + (port == raftPort ? "Raft" : "HTTP") + " port; the operations port needs its own");
    }
    String host = v.getOrDefault(ConfigKeys.OPS_BIND_HOST, "").trim();
    return new ServerConfig.OpsSettings(host.isEmpty() ? http.bindHost() : host, port,
        (int) Units.positiveLong(ConfigKeys.OPS_MAX_CONNECTIONS, v.get(ConfigKeys.OPS_MAX_CONNECTIONS)));
  }

  /** The in-flight body budget: explicit (at least one max-size body), or auto (see ConfigKeys). */
  private static long inflightBytes(Map<String, String> v, int maxBody) {
    String value = v.getOrDefault(ConfigKeys.HTTP_MAX_INFLIGHT_BYTES, "auto").trim();
    if (value.equalsIgnoreCase("auto")) {
      return Math.max(maxBody, Math.min(64L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 16));
    }
    long bytes = Units.size(ConfigKeys.HTTP_MAX_INFLIGHT_BYTES, value);
    if (bytes < maxBody) {
      throw new ConfigException(ConfigKeys.HTTP_MAX_INFLIGHT_BYTES + ": " + value + " is less than "
          + ConfigKeys.HTTP_MAX_BODY + " (" + maxBody + " bytes): a request of the largest size could never be served");
    }
    return bytes;
  }

  private static ServerConfig.HttpSettings http(Map<String, String> v, int raftPort) {
    String portValue = v.getOrDefault(ConfigKeys.HTTP_PORT, "").trim();
    int port = portValue.isEmpty() ? raftPort + HttpDefaults.PORT_OFFSET
        : (int) Units.positiveLong(ConfigKeys.HTTP_PORT, portValue);
    if (port > 65535) {
      throw new ConfigException(ConfigKeys.HTTP_PORT + ": " + port + " is outside 1..65535"
          + (portValue.isEmpty() ? " (Raft port + " + HttpDefaults.PORT_OFFSET + "); set it explicitly" : ""));
    }
    if (port == raftPort) {
      throw new ConfigException(ConfigKeys.HTTP_PORT + ": " + port + " is this node's Raft port");
    }
    String host = required(v, ConfigKeys.HTTP_BIND_HOST);
    int maxBody = (int) Units.size(ConfigKeys.HTTP_MAX_BODY, v.get(ConfigKeys.HTTP_MAX_BODY));
    return new ServerConfig.HttpSettings(host, port, maxBody, inflightBytes(v, maxBody),
        (int) Units.positiveLong(ConfigKeys.HTTP_MAX_CONNECTIONS, v.get(ConfigKeys.HTTP_MAX_CONNECTIONS)),
        (int) Units.positiveLong(ConfigKeys.HTTP_MAX_CONNECTIONS_PER_ADDRESS,
            v.get(ConfigKeys.HTTP_MAX_CONNECTIONS_PER_ADDRESS)),
        Units.duration(ConfigKeys.HTTP_FIRST_BYTE_TIMEOUT, v.get(ConfigKeys.HTTP_FIRST_BYTE_TIMEOUT)),
        Units.duration(ConfigKeys.HTTP_REQUEST_TIMEOUT, v.get(ConfigKeys.HTTP_REQUEST_TIMEOUT)),
        Units.duration(ConfigKeys.HTTP_IDLE_TIMEOUT, v.get(ConfigKeys.HTTP_IDLE_TIMEOUT)),
        (int) Units.positiveLong(ConfigKeys.HTTP_WORKERS, v.get(ConfigKeys.HTTP_WORKERS)),
        (int) Units.positiveLong(ConfigKeys.HTTP_MAX_QUEUED, v.get(ConfigKeys.HTTP_MAX_QUEUED)),
        Units.duration(ConfigKeys.HTTP_CALL_TIMEOUT, v.get(ConfigKeys.HTTP_CALL_TIMEOUT)),
        Units.positiveLong(ConfigKeys.READY_MAX_APPLY_LAG, v.get(ConfigKeys.READY_MAX_APPLY_LAG)));
  }

  private static List<PeerSpec> peers(String spec) {
    List<PeerSpec> peers = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    for (String entry : spec.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      PeerSpec p = PeerSpec.parse(entry);
      if (!ids.add(p.id())) {
        throw new ConfigException(ConfigKeys.PEERS + ": duplicate peer id '" + p.id() + "'");
      }
      if (!addresses.add(p.address().toLowerCase(Locale.ROOT))) {
        throw new ConfigException(ConfigKeys.PEERS + ": duplicate address " + p.address() + " (peer " + p.id() + ")");
      }
      peers.add(p);
    }
    if (peers.stream().noneMatch(p -> p.role() == PeerSpec.Role.VOTER)) {
      throw new ConfigException(ConfigKeys.PEERS + ": at least one voter is required");
    }
    return peers;
  }

  private static List<String> ids(List<PeerSpec> peers) {
    return peers.stream().map(PeerSpec::id).toList();
  }

  private static String required(Map<String, String> v, String key) {
    String value = v.get(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException(key + " is required (env " + ConfigKeys.envName(key) + ", flag --"
          + key.substring("quorumkv.".length()) + ")");
    }
    return value.trim();
  }
}
