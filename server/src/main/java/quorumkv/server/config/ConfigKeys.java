package quorumkv.server.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every configuration key, its default and what it means: the one documented place for settings.
 * Keys are read from a properties file ({@code --config FILE}), then environment variables (the key
 * upper-cased with {@code .} and {@code -} turned into {@code _}: {@code QUORUMKV_NODE_ID}), then flags
 * ({@code --node.id=n1}, the key without its {@code quorumkv.} prefix); later sources win.
 */
public final class ConfigKeys {
  public static final String NODE_ID = "quorumkv.node.id";
  public static final String CLUSTER_ID = "quorumkv.cluster.id";
  public static final String PEERS = "quorumkv.raft.peers";
  public static final String DATA_DIR = "quorumkv.storage.data-dir";
  public static final String LISTEN_PORT = "quorumkv.raft.listen-port";
  public static final String RAFT_BIND_HOST = "quorumkv.raft.bind-host";
  public static final String FREE_SPACE_FLOOR = "quorumkv.storage.free-space-floor";
  public static final String DISK_CHECK_INTERVAL = "quorumkv.storage.check-interval";
  public static final String WATCH_HISTORY_REVISIONS = "quorumkv.watch.history-revisions";
  public static final String WATCH_HISTORY_AGE = "quorumkv.watch.history-age";
  public static final String WATCH_PROGRESS_INTERVAL = "quorumkv.watch.progress-interval";
  public static final String RECOVERY_DEADLINE = "quorumkv.health.recovery-deadline";
  public static final String ELECTION_TIMEOUT_MIN = "quorumkv.raft.election-timeout.min";
  public static final String ELECTION_TIMEOUT_MAX = "quorumkv.raft.election-timeout.max";
  public static final String SNAPSHOT_ENTRIES = "quorumkv.raft.snapshot.auto-trigger-entries";
  public static final String SEGMENT_SIZE = "quorumkv.raft.log.segment-size";
  public static final String PURGE_GAP = "quorumkv.raft.log.purge-gap";
  public static final String COMMIT_METADATA = "quorumkv.raft.log.commit-metadata";
  public static final String LEADER_LEASE = "quorumkv.read.leader-lease";
  public static final String MAX_KEY_BYTES = "quorumkv.limits.max-key-bytes";
  public static final String MAX_VALUE_BYTES = "quorumkv.limits.max-value-bytes";
  public static final String MAX_OPERATIONS = "quorumkv.limits.max-operations";
  public static final String MAX_REQUEST_BYTES = "quorumkv.limits.max-request-bytes";
  public static final String MAX_RANGE_LIMIT = "quorumkv.limits.max-range-limit";
  public static final String SESSION_TTL_ENTRIES = "quorumkv.session.ttl-entries";
  public static final String UNSAFE_FLUSH = "quorumkv.dev.unsafe-acknowledge-before-fsync";
  public static final String HTTP_PORT = "quorumkv.http.port";
  public static final String HTTP_BIND_HOST = "quorumkv.http.bind-host";
  public static final String HTTP_MAX_BODY = "quorumkv.http.max-body-bytes";
  public static final String HTTP_MAX_CONNECTIONS = "quorumkv.http.max-connections";
  public static final String HTTP_MAX_CONNECTIONS_PER_ADDRESS = "quorumkv.http.max-connections-per-address";
  public static final String HTTP_FIRST_BYTE_TIMEOUT = "quorumkv.http.first-byte-timeout";
  public static final String HTTP_REQUEST_TIMEOUT = "quorumkv.http.request-timeout";
  public static final String HTTP_IDLE_TIMEOUT = "quorumkv.http.idle-timeout";
  public static final String HTTP_WORKERS = "quorumkv.http.workers";
  public static final String HTTP_MAX_QUEUED = "quorumkv.http.max-queued-requests";
  public static final String HTTP_MAX_INFLIGHT_BYTES = "quorumkv.http.max-inflight-bytes";
  public static final String HTTP_CALL_TIMEOUT = "quorumkv.http.call-timeout";
  public static final String READY_MAX_APPLY_LAG = "quorumkv.ready.max-apply-lag";
  public static final String OPS_PORT = "quorumkv.ops.port";
  public static final String OPS_BIND_HOST = "quorumkv.ops.bind-host";
  public static final String OPS_MAX_CONNECTIONS = "quorumkv.ops.max-connections";
  public static final String TLS_CA_FILE = "quorumkv.tls.ca-file";
  public static final String TLS_CERT_FILE = "quorumkv.tls.cert-file";
  public static final String TLS_KEY_FILE = "quorumkv.tls.key-file";
  public static final String TLS_PROTOCOLS = "quorumkv.tls.protocols";
  public static final String TLS_RELOAD_INTERVAL = "quorumkv.tls.reload-interval";
  public static final String INSECURE_PLAINTEXT = "quorumkv.insecure-plaintext";
  public static final String AUTH_ADMINS = "quorumkv.auth.admins";
  public static final String BACKUP_DIR = "quorumkv.backup.dir";
  public static final String BACKUP_INTERVAL = "quorumkv.backup.interval";
  public static final String BACKUP_KEEP = "quorumkv.backup.keep";
  public static final String BACKUP_VERIFY_TIMEOUT = "quorumkv.backup.verify-timeout";
  public static final String BACKUP_VERIFY_SCRATCH_DIR = "quorumkv.backup.verify-scratch-dir";
  public static final String HEAL_ENABLED = "quorumkv.heal.enabled";
  public static final String HEAL_GRACE = "quorumkv.heal.grace";
  public static final String HEAL_COOLDOWN = "quorumkv.heal.cooldown";
  public static final String HEAL_MAX_LAG = "quorumkv.heal.max-lag-entries";

  /** Keys with their defaults (null: required) and one-line documentation, in documentation order. */
  public static final Map<String, String[]> DOCUMENTED = new LinkedHashMap<>();

  static {
    doc(NODE_ID, null, "this node's id; must be one of the peers");
    doc(CLUSTER_ID, "quorumkv", "the cluster's id; its Raft group id derives from it, and a data dir belongs to one cluster");
    doc(PEERS, null, "every member: id=host:port[:voter|listener],... (listener = non-voting asynchronous follower)");
    doc(DATA_DIR, null, "this node's data directory (Raft log, RocksDB, snapshots)");
    doc(FREE_SPACE_FLOOR, "auto", "below this much free space in the data dir the node is degraded: it raises a no-space alarm through the log, gives up leadership and stops its Raft member if the others can go on, and resumes by itself when space returns; auto: 64MB + 2 log segments + the size of the live RocksDB (room for a snapshot and a segment)");
    doc(DISK_CHECK_INTERVAL, "1s", "how often the node checks its free space and its Raft member, and heals what it can");
    doc(WATCH_HISTORY_REVISIONS, "10000", "the change history (what watches resume from) always keeps the newest this many revisions");
    doc(WATCH_HISTORY_AGE, "2m", "the change history keeps every revision younger than this; older ones, beyond the newest history-revisions, are compacted through the log on every node alike (a watch resuming from a compacted revision gets a COMPACTED error)");
    doc(WATCH_PROGRESS_INTERVAL, "1s", "how often a watch stream hears the revision its watches reached (its heartbeat: clients reconnect after three silent intervals)");
    doc(RECOVERY_DEADLINE, "60s", "/health fails (restart me) when a failed Raft member has not recovered this long after its cause went away, or the self-check stops running");
    doc(LISTEN_PORT, "", "port to bind for Raft and clients; empty: the port of this node's peer entry (set it when peers reach this node through a proxy, NAT or port mapping)");
    doc(RAFT_BIND_HOST, "", "address the Raft port binds (peers and Raft clients); empty: every interface");
    doc(ELECTION_TIMEOUT_MIN, "300ms", "minimum Raft election timeout; keep well above GC pauses (up to ~230 ms seen on 2 cores)");
    doc(ELECTION_TIMEOUT_MAX, "600ms", "maximum Raft election timeout");
    doc(SNAPSHOT_ENTRIES, "100000", "take a snapshot every this many applied entries; the log is purged behind it");
    doc(SEGMENT_SIZE, "8MB", "Raft log segment size; only closed segments are purged");
    doc(PURGE_GAP, "1024", "purge the log only when this many entries can go");
    doc(COMMIT_METADATA, "false", "append a Raft metadata entry (the new commit index) at every commit advance, so a node restarted without a leader knows its commit index; costs one more fsynced, replicated entry per commit (Ratis's default is true)");
    doc(LEADER_LEASE, "false", "serve linearizable reads from the leader's lease without a heartbeat round; assumes bounded clock drift and pauses");
    doc(MAX_KEY_BYTES, String.valueOf(quorumkv.raftlog.command.RequestLimits.DEFAULT_MAX_KEY_BYTES), "largest key");
    doc(MAX_VALUE_BYTES, String.valueOf(quorumkv.raftlog.command.RequestLimits.DEFAULT_MAX_VALUE_BYTES), "largest value");
    doc(MAX_OPERATIONS, String.valueOf(quorumkv.raftlog.command.RequestLimits.DEFAULT_MAX_OPERATIONS), "most operations in one request or transaction");
    doc(MAX_REQUEST_BYTES, String.valueOf(quorumkv.raftlog.command.RequestLimits.DEFAULT_MAX_REQUEST_BYTES), "largest encoded request (below Ratis's 4 MiB entry buffer)");
    doc(MAX_RANGE_LIMIT, String.valueOf(quorumkv.raftlog.command.RequestLimits.DEFAULT_MAX_RANGE_LIMIT), "most keys one range returns");
    doc(SESSION_TTL_ENTRIES, String.valueOf(quorumkv.raftlog.store.StoreOptions.DEFAULT_SESSION_TTL_ENTRIES), "client sessions idle for this many log entries expire (exactly-once window)");
    doc(HTTP_PORT, "", "HTTP port of the data API (keys, transactions, cluster, members, backup); empty: this node's Raft port + " + HttpDefaults.PORT_OFFSET);
    doc(HTTP_BIND_HOST, "0.0.0.0", "address the HTTP server binds (it has no authentication: keep it on a trusted network)");
    doc(HTTP_MAX_BODY, "2MB", "largest HTTP request body; larger ones get 413 (bounds memory: max-connections x this)");
    doc(HTTP_MAX_CONNECTIONS, "64", "most open HTTP connections; more get 429 too_many_connections and are closed at once");
    doc(HTTP_MAX_CONNECTIONS_PER_ADDRESS, "32", "most open HTTP connections from one client address (so one client cannot take every slot); more get 429");
    doc(HTTP_FIRST_BYTE_TIMEOUT, "5s", "a new connection that sends nothing within this is closed (idle floods, half-open connections)");
    doc(HTTP_REQUEST_TIMEOUT, "10s", "a request must arrive completely within this, or it gets 408 and the connection closes (slow senders)");
    doc(HTTP_IDLE_TIMEOUT, "60s", "an HTTP connection idle this long is closed (half-open and forgotten connections)");
    doc(HTTP_WORKERS, "16", "threads that run HTTP requests against the cluster (each may wait up to call-timeout)");
    doc(HTTP_MAX_QUEUED, "256", "requests waiting for a worker; beyond this the node answers 429 overloaded at once");
    doc(HTTP_MAX_INFLIGHT_BYTES, "auto", "request body bytes the HTTP API holds at once, all connections together (from arrival until answered); a request that does not fit gets 429 overloaded before its body is read. Also the Raft leader's limit of pending write bytes. auto: the JVM's max heap / 16, between max-body-bytes and 64MB (14MB at the shipped -Xmx224m)");
    doc(HTTP_CALL_TIMEOUT, "10s", "how long one HTTP request may wait for the cluster, retries included");
    doc(OPS_PORT, "", "operations port: /health, /ready, /metrics only, with its own connections and threads, so probes answer while the data API is saturated; empty: the HTTP port + " + HttpDefaults.OPS_PORT_OFFSET);
    doc(OPS_BIND_HOST, "", "address the operations port binds; empty: the HTTP bind host");
    doc(OPS_MAX_CONNECTIONS, "32", "most open connections to the operations port; more are closed at once");
    doc(TLS_CA_FILE, "", "CA bundle (PEM) that peer and client certificates must chain to; the three tls files are required (a node without them refuses to start) unless quorumkv.insecure-plaintext=true");
    doc(TLS_CERT_FILE, "", "this node's certificate (PEM, leaf first): common name = the node id, usages serverAuth and clientAuth, subject alternative names for every address peers and clients dial (bin/quorumkv certs makes one)");
    doc(TLS_KEY_FILE, "", "this node's private key (PEM, unencrypted PKCS#8; keep it readable only by the node's user)");
    doc(TLS_PROTOCOLS, "TLSv1.3", "TLS versions offered and accepted, comma-separated: TLSv1.3, or TLSv1.3,TLSv1.2 for older clients (TLS 1.2 with ECDHE and AEAD suites only)");
    doc(TLS_RELOAD_INTERVAL, "5s", "how often the node looks for rotated certificate, key and CA files; new connections use them, open ones keep working");
    doc(AUTH_ADMINS, "root", "common names of client certificates that may do anything (data, membership, leadership transfer, backups, users and roles), whatever the replicated grants say; comma-separated. Give every node the same list");
    doc(INSECURE_PLAINTEXT, "false", "INSECURE: no TLS on any listener; anyone who reaches a port can read and write everything. Only for a trusted test network");
    doc(BACKUP_DIR, "", "scheduled backups: the destination directory (empty: no scheduled backups). The leader writes one verified backup per interval into it, so give every node the same shared directory: a mount of another machine or storage, never the data machine's own disk (that is no disaster-recovery copy). Must not be inside the data dir");
    doc(BACKUP_INTERVAL, "1h", "scheduled backups: one backup per this interval (slots aligned to the epoch, so every node computes the same slot; keep the nodes' clocks NTP-synced); at least 1s; like 30s, 15m or 24h");
    doc(BACKUP_KEEP, "7", "scheduled backups: keep the newest this many of this cluster's backup files in backup.dir; older ones are deleted (only files named like this cluster's backups)");
    doc(BACKUP_VERIFY_TIMEOUT, "2m", "scheduled backups: how long the verification of a new backup may take (a scratch node restored from it recomputes its content hash); beyond it the backup counts as not verified");
    doc(BACKUP_VERIFY_SCRATCH_DIR, "", "scheduled backups: where a verification restores the new backup into a scratch node (deleted afterwards); empty: .verify-scratch inside backup.dir (made if missing). A directory given here must exist (it is never made: a missing mount would put the scratch on this machine's disk) and must not be inside the data dir. A verification needs 2 x the backup's size + 64MB free there (and, on the data dir's file system, that much above the free-space floor); without it the verification is not run: the backup counts as not verified (quorumkv_backup_last_verify_ok 0, quorumkv_backup_verify_skipped_total)");
    doc(HEAL_ENABLED, "false", "self-healing membership: when a voter has not answered the leader for heal.grace and a listener has been caught up (within heal.max-lag-entries) for as long, the leader promotes that listener and then demotes the lost voter to a listener (it rejoins as one when it returns, and is never promoted back by itself). Never acts without a majority of voters answering, never below the number of voters in raft.peers, never removes a member; one log line and quorumkv_membership_heal_actions_total per action");
    doc(HEAL_GRACE, "30s", "self-healing membership: how long a voter must be unreachable from the leader before it is replaced (also how long a listener must stay caught up to replace it); well above a restart of a node, at least 1s and above 3 x raft.election-timeout.max. quorumkv_membership_voters_unreachable counts voters past it whether or not healing is on");
    doc(HEAL_COOLDOWN, "5m", "self-healing membership: a promotion waits at least this long after a voter was last added (by healing or by an operator, as each node saw it in the configuration: it holds across a change of leader and for a promotion that timed out but committed; a node that starts with voters other than raft.peers counts it from its start), so a flapping node cannot make membership flap; the demotion that completes a replacement is not held back");
    doc(HEAL_MAX_LAG, "1000", "self-healing membership: a listener within this many entries of the leader's log counts as caught up");
    doc(READY_MAX_APPLY_LAG, "1000", "/ready fails while this node's applied index is more than this many entries behind its commit index");
    doc(UNSAFE_FLUSH, "false", "DEVELOPMENT ONLY: acknowledge writes before the log is fsynced; a crash can lose acknowledged writes");
  }

  private ConfigKeys() {}

  private static void doc(String key, String defaultValue, String meaning) {
    DOCUMENTED.put(key, new String[] {defaultValue, meaning});
  }

  /** The environment variable that overrides {@code key}. */
  public static String envName(String key) {
    return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
