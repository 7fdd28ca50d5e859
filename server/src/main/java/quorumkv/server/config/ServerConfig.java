package quorumkv.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import quorumkv.raftlog.command.RequestLimits;
import quorumkv.raftlog.store.StoreOptions;

/**
 * The validated configuration of one node, built once at startup by {@link ConfigLoader}.
 *
 * @param peers every member, in configuration order
 */
public record ServerConfig(String nodeId, String clusterId, List<PeerSpec> peers, Path dataDir, int listenPort,
    RaftSettings raft, RequestLimits limits, StoreOptions store, HttpSettings http, OpsSettings ops,
    DiskSettings disk, TlsSettings tls, WatchSettings watch, BackupSettings backup, HealSettings heal) {

  public ServerConfig {
    peers = List.copyOf(peers);
  }

  /**
   * TLS for the node's listeners and Raft port: the CA bundle, the node's certificate and key, the
   * versions allowed and how often rotated files are looked for. {@code caFile == null}: plaintext, which
   * only {@code insecure} (quorumkv.insecure-plaintext) asks for explicitly. {@code admins}: client
   * certificate names with admin rights on the Raft port.
   */
  public record TlsSettings(Path caFile, Path certFile, Path keyFile, List<String> protocols, Duration reloadInterval,
      boolean insecure, List<String> admins) {
    public TlsSettings {
      protocols = List.copyOf(protocols);
      admins = List.copyOf(admins);
    }

    public boolean enabled() {
      return caFile != null;
    }
  }

  /** This node's own peer entry. */
  public PeerSpec self() {
    return peers.stream().filter(p -> p.id().equals(nodeId)).findFirst()
        .orElseThrow(() -> new ConfigException(ConfigKeys.NODE_ID + ": '" + nodeId + "' is not among the peers"));
  }

  /**
   * Raft timing, snapshot and durability settings.
   *
   * @param bindHost the address the Raft port binds; empty: every interface
   */
  public record RaftSettings(Duration electionTimeoutMin, Duration electionTimeoutMax, long snapshotEveryEntries,
      long segmentSizeBytes, int purgeGap, boolean leaderLeaseReads, boolean unsafeFlush, boolean commitMetadata,
      String bindHost) {}

  /**
   * The HTTP server and the readiness rule (see {@link ConfigKeys} for each key).
   *
   * @param port the HTTP port to bind
   * @param maxInflightBytes request body bytes held at once across connections (see {@link ConfigKeys})
   * @param readyMaxApplyLag /ready fails while applied index trails the commit index by more than this
   */
  public record HttpSettings(String bindHost, int port, int maxBodyBytes, long maxInflightBytes, int maxConnections,
      int maxConnectionsPerAddress, Duration firstByteTimeout, Duration requestTimeout, Duration idleTimeout,
      int workers, int maxQueued, Duration callTimeout, long readyMaxApplyLag) {}

  /**
   * The operations listener: {@code /health}, {@code /ready} and {@code /metrics}, on a port of their own
   * with its own connection cap and threads, so a saturated data API never makes a healthy node look dead.
   */
  public record OpsSettings(String bindHost, int port, int maxConnections) {
    /** Fixed small limits: probes send no body and need few threads. */
    public HttpSettings asHttp(HttpSettings data) {
      return new HttpSettings(bindHost, port, 4 * 1024, maxConnections * 4L * 1024, maxConnections, maxConnections,
          data.firstByteTimeout(),
          Duration.ofSeconds(5), data.idleTimeout(), 2, 64, data.callTimeout(), data.readyMaxApplyLag());
    }
  }

  /**
   * Disk-space and self-healing settings.
   *
   * @param freeSpaceFloorBytes the floor, or -1 for auto (see {@link #floorFor})
   */
  public record DiskSettings(long freeSpaceFloorBytes, Duration checkInterval, Duration recoveryDeadline) {
    /** The floor to use now: the configured one, or 64 MiB + two log segments + the live database's size. */
    public long floorFor(long segmentSizeBytes, long liveDbBytes) {
      return freeSpaceFloorBytes >= 0 ? freeSpaceFloorBytes
          : 64L * 1024 * 1024 + 2 * segmentSizeBytes + Math.max(0, liveDbBytes);
    }
  }

  /**
   * Watches and the change history they read.
   *
   * @param historyRevisions compaction never drops the newest this many revisions
   * @param historyAge compaction never drops revisions applied (on the leader) less than this long ago
   * @param progressInterval how often a watch stream hears the revision its watches reached (also its
   *     heartbeat: a client that hears nothing for three of these reconnects)
   * @param recentRevisions revisions kept in memory for caught-up watches
   */
  public record WatchSettings(long historyRevisions, Duration historyAge, Duration progressInterval,
      int recentRevisions) {}

  /**
   * Scheduled backups (see {@link ConfigKeys#BACKUP_DIR}); {@code dir == null}: none.
   *
   * @param interval one backup per slot of this length; slot {@code n} starts at {@code n * interval} ms
   *     since the epoch, so every node computes the same slot from its clock
   * @param keep how many of this cluster's backup files the directory keeps
   * @param verifyTimeout how long verifying one backup may take
   * @param verifyScratchDir where verifications make their scratch directories; null: {@link #DEFAULT_SCRATCH}
   *     inside {@code dir} (see {@link #scratchDir})
   */
  public record BackupSettings(Path dir, Duration interval, int keep, Duration verifyTimeout, Path verifyScratchDir) {
    public static final BackupSettings OFF = new BackupSettings(null, Duration.ofHours(1), 7, Duration.ofMinutes(2), null);
    /** The scratch directory inside the backup directory when none is configured. */
    public static final String DEFAULT_SCRATCH = ".verify-scratch";

    public boolean enabled() {
      return dir != null;
    }

    /**
     * Where verifications restore: the configured directory, or a hidden one in the backup directory, so a
     * verification never takes the room the data dir keeps (a drill there could push the node below its
     * free-space floor and degrade it because of its own backup).
     */
    public Path scratchDir() {
      return verifyScratchDir != null ? verifyScratchDir : dir.resolve(DEFAULT_SCRATCH);
    }

    /** The slot the time {@code millis} (since the epoch) falls in. */
    public long slotAt(long millis) {
      return Math.floorDiv(millis, interval.toMillis());
    }

    /** When slot {@code slot} starts, in ms since the epoch. */
    public long slotStart(long slot) {
      return slot * interval.toMillis();
    }
  }

  /**
   * Self-healing membership (see {@link ConfigKeys#HEAL_ENABLED}).
   *
   * @param grace how long a voter must be unreachable before it is replaced
   * @param cooldown the least time from a voter added (as this node saw it) to the next promotion
   * @param maxLagEntries a listener this close to the leader's last log index counts as caught up
   */
  public record HealSettings(boolean enabled, Duration grace, Duration cooldown, long maxLagEntries) {
    public static final HealSettings OFF = new HealSettings(false, Duration.ofSeconds(30), Duration.ofMinutes(5), 1000);
  }

  /** How many voters the configured peers list ({@code quorumkv.raft.peers}): self-healing never goes below it. */
  public int configuredVoters() {
    return (int) peers.stream().filter(p -> p.role() != PeerSpec.Role.LISTENER).count();
  }

  /** The port this node binds: {@code quorumkv.raft.listen-port}, else its advertised peer port. */
  public int bindPort() {
    return listenPort > 0 ? listenPort : self().port();
  }

  /** The Raft log and snapshots under the data dir. */
  public Path raftDir() {
    return dataDir.resolve("raft");
  }

  /** The live RocksDB under the data dir. */
  public Path dbDir() {
    return dataDir.resolve("db");
  }

  @Override
  public String toString() {
    return "node=" + nodeId + " cluster=" + clusterId + " peers=" + peers + " data-dir=" + dataDir
        + " raft=" + raft + " limits=" + limits + " store=" + store + " http=" + http + " ops=" + ops + " disk=" + disk;
  }
}
