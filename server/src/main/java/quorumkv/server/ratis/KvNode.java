package quorumkv.server.ratis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.server.watch.WatchHub;
import quorumkv.server.group.GroupCommit;
import quorumkv.server.group.WriteService;
import quorumkv.server.watch.WatchService;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.connect.KvClients;
import quorumkv.raftlog.command.ClusterIds;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.statemachine.KvStateMachine;
import quorumkv.raftlog.statemachine.StateMachineListener;
import quorumkv.raftlog.statemachine.StoreCall;
import quorumkv.raftlog.statemachine.StoreUnavailableException;
import quorumkv.raftlog.store.RocksKvStore;
import quorumkv.server.backup.BackupFormat;
import quorumkv.server.backup.BackupWriter;
import quorumkv.server.config.ConfigException;
import quorumkv.server.config.DataDirGuard;
import quorumkv.server.config.PortInUseException;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.tls.NodeTls;
import quorumkv.server.status.LeaderView;
import quorumkv.server.status.NodeCondition;
import quorumkv.server.status.Liveness;
import quorumkv.server.status.NodeStatus;
import quorumkv.server.status.StorageSizes;

/**
 * One QuorumKV node: a Ratis server in the cluster's single Raft group, running {@link KvStateMachine}.
 * The rest of the server sees it only through small types of its own ({@link NodeStatus},
 * {@link Liveness}, {@link LeaderView}, {@link StorageSizes}, a backup export): the Ratis server, its
 * division and the state machine stay in this package, and the store, which a snapshot install swaps,
 * is only ever reached through {@code KvStateMachine.withStore}.
 *
 * <p>Data dir layout: {@code IDENTITY} (cluster and node id), {@code raft/<group-uuid>/current/} (Raft log
 * segments and metadata), {@code raft/<group-uuid>/sm/snapshot.<term>_<index>/} (RocksDB checkpoints),
 * {@code db/} (the live RocksDB). Scheduled backups' verifications restore elsewhere (the backup settings'
 * scratch directory), never here.
 */
public final class KvNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KvNode.class);
  /** First wait before a member shut down by the cluster rejoins; doubles up to {@link #REJOIN_MAX_MILLIS}. */
  public static final long REJOIN_FIRST_MILLIS = 1_000;
  public static final long REJOIN_MAX_MILLIS = 10_000;

  private final NodeTls tls;
  /** Ratis parameters (TLS) of the node's server and of the Raft clients it runs itself. */
  private final Parameters raftParameters;
  private final RaftPortGuard raftPortGuard;
  /**
   * Server-side group commit: entries of this node's write service on their way at once, and calls per entry
   * (as the client's own batcher: two in flight keep the log busy while the next group fills).
   */
  static final int GROUP_COMMIT_IN_FLIGHT = 2;
  static final int GROUP_COMMIT_MAX_WRITES = 256;
  /** Independent clients' write calls, combined into shared log entries while this node leads. */
  private final GroupCommit groupCommit;
  /** Every watch on this node; outlives member restarts (each new state machine reports to it). */
  private final WatchHub watchHub;
  private final HistoryCompactor compactor;
  private final LeaseExpirer leaseExpirer;
  /** Null when scheduled backups are off. */
  private final BackupScheduler backups;
  private final MembershipHealer healer;
  private final ServerConfig config;
  private final RaftGroup group;
  private final RaftGroupId groupId;
  private final StateMachineListener listener;
  private final RaftServer server;
  /** Replaced when the member rejoins: Ratis builds a new state machine for the new member. */
  private volatile KvStateMachine stateMachine;
  private final Rejoiner rejoiner;
  private final NodeDoctor doctor;
  /** Non-null while the node rejoins as a listener after losing log entries (found at start or at run time). */
  private volatile ListenerRejoin listenerRejoin;
  private final StatusReader statusReader = new StatusReader(this);
  private volatile boolean closing;

  private KvNode(ServerConfig config, StateMachineListener listener, String rejoinReason, NodeTls tls)
      throws IOException {
    this.config = config;
    this.tls = tls;
    this.raftPortGuard = RaftPortGuard.forNode(config, this::divisionOrNull, this::authState);
    this.watchHub = new WatchHub(new NodeWatchSource(this),
        config.watch().recentRevisions(), config.watch().progressInterval().toMillis());
    this.compactor = new HistoryCompactor(this, config.watch().historyRevisions(), config.watch().historyAge());
    this.leaseExpirer = new LeaseExpirer(this);
    this.backups = config.backup().enabled() ? new BackupScheduler(this, config.backup(), config.clusterId()) : null;
    this.healer = new MembershipHealer(this);
    this.groupCommit = new GroupCommit(new NodeGroupLog(this), GROUP_COMMIT_IN_FLIGHT, GROUP_COMMIT_MAX_WRITES,
        // a group's framing (a few bytes per call) stays inside the request limit, which Ratis's buffers allow for
        Math.max(64, config.limits().maxRequestBytes() - 64));
    this.groupId = RaftGroupId.valueOf(ClusterIds.groupId(config.clusterId()));
    this.raftParameters = RaftPropertiesFactory.parameters(tls, RaftPortGuard.withServices(
        tls == null ? null : raftPortGuard, WatchService.definition(watchHub),
        WriteService.definition(groupCommit, groupId.getUuid())));
    this.group = RaftPropertiesFactory.group(groupId, config);
    boolean recover = Files.isDirectory(config.raftDir().resolve(groupId.getUuid().toString()));
    this.rejoiner = new Rejoiner(this);
    this.doctor = new NodeDoctor(this);
    this.listener = new RejoiningListener(listener, rejoiner::shutDownByCluster, doctor::logFailed);
    // A node that lost log entries starts without its group and rejoins as a listener (ListenerRejoin).
    this.listenerRejoin = rejoinReason == null ? null : new ListenerRejoin(this, rejoinReason);
    this.server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(config.nodeId()))
        .setGroup(listenerRejoin == null ? group : RaftGroup.emptyGroup())
        // One per member incarnation. Ratis also builds a division for the empty group a rejoining node
        // starts with: that one gets a bare state machine, never a second RocksDB on the same dir.
        .setStateMachineRegistry(gid -> gid.equals(groupId) ? newStateMachine()
            : new org.apache.ratis.statemachine.impl.BaseStateMachine())
        .setProperties(RaftPropertiesFactory.create(config))
        .setParameters(raftParameters)
        .setOption(recover ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
        .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      closing = true;
      rejoiner.close();
      doctor.close();
      server.close();
      watchHub.close();
      throw e;
    }
    doctor.start();
    compactor.start();
    leaseExpirer.start();
    if (backups != null) {
      backups.start();
    }
    healer.start();
    rejoiner.start();
    if (listenerRejoin != null) {
      listenerRejoin.start();
    }
    LOG.info("node={} started ({}), group={}", config.nodeId(), listenerRejoin != null ? "rejoining as a listener"
        : recover ? "recovered" : "formatted", groupId);
  }

  /** Validates the data dir and port, then starts the node; throws {@link ConfigException} on bad setup. */
  public static KvNode start(ServerConfig config) throws IOException {
    return start(config, StateMachineListener.NONE);
  }

  /** As {@link #start(ServerConfig)}, reporting state-machine events (metrics) to {@code listener}. */
  public static KvNode start(ServerConfig config, StateMachineListener listener) throws IOException {
    RaftPortLog.install();
    DataDirGuard.claim(config);
    Path groupDir = config.raftDir().resolve(RaftGroupId.valueOf(ClusterIds.groupId(config.clusterId())).getUuid().toString());
    RaftMetaCheck.verify(groupDir, config.nodeId());
    long lastLogIndex = LogCheck.verify(groupDir, config.nodeId());
    checkPortFree(config.bindPort());
    String healed = LostEntries.checkAtStart(config, groupDir, lastLogIndex);
    if (healed != null) {
      LOG.warn("node={}: {}", config.nodeId(), healed);
    }
    NodeTls tls = NodeTls.open(config);
    if (tls == null && !config.tls().insecure()) {
      throw new ConfigException("TLS is not configured: set " + ConfigKeys.TLS_CA_FILE + ", " + ConfigKeys.TLS_CERT_FILE
          + " and " + ConfigKeys.TLS_KEY_FILE + " (bin/quorumkv certs makes a development CA), or "
          + ConfigKeys.INSECURE_PLAINTEXT + "=true to run without TLS (INSECURE: anyone who reaches a port can read"
          + " and write everything)");
    }
    if (tls == null) {
      LOG.warn("node={}: INSECURE: TLS is off ({}=true): its listeners and Raft port take plaintext from anyone"
          + " who can reach them, and nobody is identified", config.nodeId(), ConfigKeys.INSECURE_PLAINTEXT);
    }
    try {
      return new KvNode(config, listener, LostEntries.pending(config.dataDir()), tls);
    } catch (IOException | RuntimeException e) {
      if (tls != null) {
        tls.close();
      }
      throw e;
    }
  }

  private KvStateMachine newStateMachine() {
    KvStateMachine sm = new KvStateMachine(config.dbDir(), config.store(), config.limits(), listener);
    sm.onChanges(new KvStateMachine.ChangeListener() {
      @Override
      public void changed(long revision, java.util.List<quorumkv.raftlog.command.Event> events) {
        watchHub.changed(revision, events);
      }

      @Override
      public void storeReplaced() {
        watchHub.storeReplaced();
      }

      @Override
      public void authChanged() {
        watchHub.authChanged();
      }
    });
    stateMachine = sm;
    watchHub.storeReplaced(); // a new member incarnation: watches catch up from its store's history
    return sm;
  }

  /** Open watches on this node. */
  public int watchCount() {
    return watchHub.watchCount();
  }

  /** Every watch on this node; HTTP long polls wait on it. */
  public WatchHub watches() {
    return watchHub;
  }

  /** How many times this node has tried to rejoin after the cluster shut its member down. */
  public int rejoinAttempts() {
    return rejoiner.attempts();
  }

  /** True while the cluster has shut this node's member down and it has not rejoined (see {@link Rejoiner}). */
  boolean shutDownByCluster() {
    return rejoiner.pending();
  }

  /**
   * Stops this node's Raft member, keeping its log, snapshots and store: a node below its free-space
   * floor stops taking entries while the others go on. False if Ratis refused.
   */
  boolean stopMember() {
    try {
      RaftClientReply removed = server.groupManagement(GroupManagementRequest.newRemove(ClientId.randomId(),
          RaftPeerId.valueOf(config.nodeId()), 0, groupId, false, false));
      return removed.isSuccess();
    } catch (IOException | RuntimeException e) {
      LOG.warn("node={}: stopping the Raft member failed: {}", config.nodeId(), e.toString());
      return false;
    }
  }

  /**
   * Restarts this node's Raft member in process from its own log, snapshots and store (Ratis builds a
   * new state machine); the member then catches up from the leader. Used after a rejoin, a failed log or
   * apply, and a stop for lack of space.
   */
  void restartMember() throws IOException {
    RaftPeerId self = RaftPeerId.valueOf(config.nodeId());
    try {
      server.groupManagement(GroupManagementRequest.newRemove(ClientId.randomId(), self, 0, groupId, false, false));
    } catch (IOException | RuntimeException e) {
      // already gone (stopped, or closed by a failure)
    }
    // Before Ratis builds the member: a store that fails to open inside its start leaks the member's
    // storage lock, and no restart in this process could succeed after that (see NodeDoctor).
    KvStateMachine.checkStoreOpens(config.dbDir(), config.store());
    RaftClientReply added = server.groupManagement(
        GroupManagementRequest.newAdd(ClientId.randomId(), self, 0, group, false));   // RECOVER: own log
    if (!added.isSuccess()) {
      throw new IOException(String.valueOf(added.getException()));
    }
  }

  /**
   * At run time, the self-check found that this member's log lost entries it had acknowledged (see
   * {@link StalledLog}): stops the member, moves its state aside and rejoins as a listener, as a node that
   * finds lost entries at start does. Does nothing if a rejoin is already under way or the node is closing.
   */
  synchronized void rejoinAsListener(String why) throws IOException {
    if (listenerRejoinStatus() != null || closing) {
      return;
    }
    if (!stopMember()) {
      throw new IOException("Ratis refused to stop its Raft member");
    }
    LOG.warn("node={}: {}", config.nodeId(), LostEntries.moveAside(config.dataDir(), why));
    Files.createDirectories(config.raftDir()); // Ratis formats the listener's group dir inside it
    ListenerRejoin finished = listenerRejoin;
    if (finished != null) {
      finished.close(); // an earlier rejoin that completed
    }
    ListenerRejoin rejoin = new ListenerRejoin(this, LostEntries.pending(config.dataDir()));
    listenerRejoin = rejoin;
    rejoin.start();
  }

  private static void checkPortFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      throw new PortInUseException(port, e.getMessage());
    }
  }

  /** The node's TLS files and contexts; null when it runs plaintext ({@code quorumkv.insecure-plaintext}). */
  public NodeTls tls() {
    return tls;
  }

  /** Calls the Raft port refused (see {@link RaftPortPolicy}). */
  public long raftCallsDenied() {
    return raftPortGuard.denied();
  }

  /** The Ratis parameters (TLS) for a Raft client this node runs itself. */
  Parameters raftParameters() {
    return raftParameters;
  }

  public ServerConfig config() {
    return config;
  }

  /**
   * A client of this node's cluster that reaches this node in process (no gRPC hop for what this node
   * serves itself: its HTTP reads, and writes while it leads); the caller closes it.
   */
  public KvClient connectClient(KvClientConfig clientConfig) {
    return KvClients.connectInProcess(clientConfig, config.nodeId(), server);
  }

  RaftGroupId groupId() {
    return groupId;
  }

  GroupCommit groupCommit() {
    return groupCommit;
  }

  /** Entries this node's write service sent to the log while it led, and the writes they carried. */
  public long[] groupCommitCounts() {
    return groupCommit.entriesAndCalls();
  }

  RaftGroup group() {
    return group;
  }

  /** The group's storage dir, {@code <data-dir>/raft/<group-uuid>}. */
  Path groupDir() {
    return config.raftDir().resolve(groupId.getUuid().toString());
  }

  /** This node's division, or null while its member is stopped or being restarted. */
  RaftServer.Division divisionOrNull() {
    try {
      return server.getDivision(groupId);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** What the node's self-check last found (disk, Raft member, no-space alarms); see {@link NodeDoctor}. */
  public NodeCondition condition() {
    return doctor.condition();
  }

  RaftServer server() {
    return server;
  }

  /** The current member's state machine; the store behind it is reached only through {@code withStore}. */
  /** The replicated users and roles as this node applied them (the initial state while its store is closed). */
  public AuthState authState() {
    KvStateMachine sm = stateMachine;
    return sm == null ? AuthState.INITIAL : sm.authState();
  }

  KvStateMachine stateMachine() {
    return stateMachine;
  }

  /** This node's view of its Raft group member (role, term, leader, indexes). */
  RaftServer.Division division() throws IOException {
    return server.getDivision(groupId);
  }

  /**
   * A Ratis client of this node's own, with its member certificate (full rights), for the requests the
   * node proposes itself (alarms, compactions, lease expiries); {@code toSelf}: aimed at this node first
   * (a leader-only job). Retries {@code attempts} times 200 ms apart; Ratis closes such a client for good
   * once a request used them up, so callers build a new one after a failure.
   */
  RaftClient newMemberClient(boolean toSelf, int attempts) {
    RaftClient.Builder b = RaftClient.newBuilder().setRaftGroup(group).setParameters(raftParameters)
        .setProperties(RaftPropertiesFactory.forNodeClient())
        .setRetryPolicy(org.apache.ratis.retry.RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts,
            org.apache.ratis.util.TimeDuration.valueOf(200, java.util.concurrent.TimeUnit.MILLISECONDS)));
    if (toSelf) {
      b.setLeaderId(RaftPeerId.valueOf(config.nodeId()));
    }
    return b.build();
  }

  /** Closes a client the node built for itself ({@link #newMemberClient}); null or already broken: nothing to do. */
  static void closeQuietly(RaftClient client) {
    if (client != null) {
      try {
        client.close();
      } catch (IOException | RuntimeException e) {
        // closing: a client that used up its retries may already be closed
      }
    }
  }

  /** Leases in this node's applied state (0 while its state machine is not loaded). */
  public int leaseCount() {
    KvStateMachine sm = stateMachine;
    return sm == null ? 0 : sm.leaseDeadlines().size();
  }

  /** Leases this node expired while leading, since it started (a metric). */
  public long leasesExpired() {
    return leaseExpirer.expiredCount();
  }

  public boolean isLeader() {
    try {
      return division().getInfo().isLeader();
    } catch (IOException e) {
      return false;
    }
  }

  /** Role, term, leader, indexes and members as this node sees them now. */
  public NodeStatus status() throws IOException {
    return statusReader.read();
  }

  /** The term and leader this node sees now (cheaper than {@link #status()}). */
  /** Every member's commit index as this node knows it (see {@link RaftObservations#commitIndexes}). */
  public java.util.Map<String, Long> commitIndexes() throws IOException {
    return RaftObservations.commitIndexes(division());
  }

  /** Ratis's election counters of this member; null while the member is restarting. */
  public quorumkv.server.status.ElectionCounts electionCounts() throws IOException {
    return RaftObservations.electionCounts(division());
  }

  public LeaderView leaderView() throws IOException {
    var info = division().getInfo();
    RaftPeerId leader = info.getLeaderId();
    return new LeaderView(info.getCurrentTerm(), leader == null ? null : leader.toString());
  }

  /**
   * Down only when a restart would help: the Raft server itself stopped, the self-check found a member
   * that did not recover in time although its cause is gone, or the self-check stopped running. A member
   * that is stopped for lack of space, failed and waiting for space, or rejoining is not a reason: the
   * node heals that itself (and {@code /ready} says so).
   */
  public Liveness liveness() {
    if (server.getLifeCycleState().isClosingOrClosed()) {
      return Liveness.down("the Raft server is " + server.getLifeCycleState() + ": restart the node");
    }
    String notAlive = doctor.condition().notAlive();
    return notAlive == null ? Liveness.alive() : Liveness.down(notAlive);
  }

  /** Bytes on disk, measured from the file system (never through the store, which a snapshot install may close). */
  public StorageSizes storageSizes() {
    return StorageSizes.measure(config.dbDir(), config.raftDir());
  }

  /**
   * Writes a backup file of this node's applied state to {@code target} (fsynced), holding the store for
   * the whole export so a snapshot install cannot swap it underneath.
   *
   * @throws StoreBusyException if the store is being replaced by a snapshot install, or closed
   */
  public BackupFormat.Header exportBackup(Path target) throws IOException {
    return withStore(store -> BackupWriter.write(store, config.clusterId(), target));
  }

  /** A digest of every key and value this node holds (replicas that applied the same log agree). */
  public byte[] contentDigest() throws IOException {
    return withStore(RocksKvStore::contentDigest);
  }

  /**
   * The content hash of this node's applied state over exactly what a backup holds ({@code ContentHash}),
   * computed by its state machine's store from one snapshot, with the revision and key count it covers.
   */
  public quorumkv.raftlog.store.ContentHash.Result contentHash() throws IOException {
    return withStore(quorumkv.raftlog.store.ContentHash::of);
  }

  /**
   * The scheduled backups as this node reports them: the newest good one from the replicated record as far
   * as this node applied it, and this node's own failed attempts.
   */
  public quorumkv.server.backup.BackupStatus backupStatus() {
    KvStateMachine sm = stateMachine;
    quorumkv.raftlog.store.BackupLedger ledger = sm == null ? quorumkv.raftlog.store.BackupLedger.NONE : sm.backups();
    var verified = ledger.verified();
    return new quorumkv.server.backup.BackupStatus(verified.slot() < 0 ? 0 : verified.createdAtMillis() / 1000,
        verified.sizeBytes(), verified.revision(),
        config.backup().enabled() ? config.backup().interval().toSeconds() : 0, ledger.newestVerificationOk(),
        backups == null ? 0 : backups.failures(), backups == null ? 0 : backups.verifySkipped());
  }

  /** Self-healing membership as this node sees it (see {@link MembershipHealer}); counts are since it started. */
  public HealCounts healCounts() {
    return new HealCounts(config.heal().enabled(), healer.lostVoters(), healer.promotions(), healer.demotions(),
        healer.failures());
  }

  /**
   * @param lostVoters voters this node, as leader, has not heard from for the grace period (0 when it does not lead)
   * @param promotions listeners this node promoted to replace a lost voter
   * @param demotions lost voters this node demoted
   * @param failures promotions or demotions it decided on but could not carry out
   */
  public record HealCounts(boolean enabled, int lostVoters, long promotions, long demotions, long failures) {}

  /** The highest log index this node has applied; -1 before its member has started. */
  public long appliedIndex() {
    KvStateMachine sm = stateMachine;
    return sm == null ? -1 : sm.getLastAppliedTermIndex().getIndex();
  }

  /** Where the rejoin as a listener is (after losing log entries), or null when the node is a voter as usual. */
  public String listenerRejoinStatus() {
    ListenerRejoin rejoin = listenerRejoin;
    return rejoin == null ? null : rejoin.status();
  }

  private <T> T withStore(StoreCall<T> call) throws IOException {
    try {
      return stateMachine.withStore(call);
    } catch (StoreUnavailableException e) {
      throw new StoreBusyException(e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (this) {
      closing = true; // after this, no rejoin starts (rejoinAsListener checks it under the same lock)
    }
    ListenerRejoin rejoin = listenerRejoin;
    if (rejoin != null) {
      rejoin.close();
    }
    doctor.close();
    rejoiner.close();
    compactor.close();
    leaseExpirer.close();
    if (backups != null) {
      backups.close();
    }
    healer.close();
    groupCommit.close();
    server.close();
    watchHub.close();
    if (tls != null) {
      tls.close();
    }
    LOG.info("node={} stopped", config.nodeId());
  }
}
