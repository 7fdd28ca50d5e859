package quorumkv.raftlog.statemachine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.RequestLimits;
import quorumkv.raftlog.command.RequestRefusedException;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;
import quorumkv.raftlog.command.ResultCodec;
import quorumkv.raftlog.snapshot.Checkpoints;
import quorumkv.raftlog.snapshot.SnapshotStore;
import quorumkv.raftlog.store.AppliedIndex;
import quorumkv.raftlog.store.RocksKvStore;
import quorumkv.raftlog.store.StoreOptions;

/**
 * The Ratis adapter: decodes requests, delegates to {@link RocksKvStore}, encodes responses. Kept thin
 * so that the logic is testable without Ratis.
 *
 * <ul>
 *   <li>{@link #startTransaction} runs on the leader before anything is logged ({@link Admission}): a request that does not
 *       decode or breaks a {@link RequestLimits} limit is refused there with a
 *       {@link RequestRefusedException}, definitely, and never reaches the log.</li>
 *   <li>{@link #applyTransaction} applies one entry synchronously on Ratis's apply thread, so by the time
 *       Ratis asks for a snapshot every earlier entry is in RocksDB. Entries at or below the store's
 *       persisted applied index (replayed after a restart) are not applied again.</li>
 *   <li>{@link #query} serves reads; the server configures Ratis's LINEARIZABLE read option, so Ratis
 *       calls it only once this replica has applied the leader's read index.</li>
 *   <li>Snapshots are RocksDB checkpoints ({@link SnapshotStore}); after a follower installs one from
 *       the leader, {@link #reinitialize} rebuilds the live database from it.</li>
 * </ul>
 *
 * <p>The store swap: Ratis's apply thread is the only one that applies, snapshots and reinitializes, so
 * it uses the store directly. Every other thread (queries, status, metrics, backups, tests) goes through
 * {@link #withStore}, which holds a read lock for the call; {@link #reinitialize} and {@link #close}
 * take the write lock, so they never close a RocksDB under a reader.
 */
public class KvStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(KvStateMachine.class);

  private final Path dbDir;
  private final StoreOptions storeOptions;
  private final RequestLimits limits;
  private final Admission admission;
  private final SnapshotStore snapshots = new SnapshotStore();
  private final StateMachineListener listener;
  /** Readers hold the read lock while they use {@link #store}; swapping or closing it takes the write lock. */
  private final ReentrantReadWriteLock storeLock = new ReentrantReadWriteLock();
  private volatile RocksKvStore store;
  /** Set before waiting for the write lock, so new readers fail fast instead of holding off a swap. */
  private volatile boolean replacing;
  /** This node's own disk is below its free-space floor (set by the server's space watch). */
  private volatile boolean localNoSpace;
  /** Why Ratis failed this member's log, or null (see {@link #notifyLogFailed}). */
  private volatile Throwable logFailure;
  /** Why applying an entry failed (Ratis then closes the member), or null. */
  private volatile Throwable applyFailure;
  private final LeaseDeadlines leaseDeadlines = new LeaseDeadlines();
  /** Hears every applied change (the server's watches), across store swaps; null: nobody. */
  private volatile ChangeListener changes;

  /** What the server's watches hear from the state machine, on the apply thread: cheap, must not throw. */
  public interface ChangeListener extends RocksKvStore.ChangeListener {
    /**
     * The store was replaced by an installed snapshot: changes between the last one reported and the
     * snapshot's index were never reported one by one, so readers catch up from the history.
     */
    void storeReplaced();

    /** Users and roles changed (watches re-check their callers' grants). */
    default void authChanged() {}
  }

  /** Sets who hears of applied changes; set once, before the server starts. */
  public void onChanges(ChangeListener listener) {
    this.changes = listener;
    RocksKvStore current = store;
    if (current != null) {
      current.onChanges(listener);
    }
  }

  /** @param dbDir the live RocksDB directory, outside Ratis's storage directory */
  public KvStateMachine(Path dbDir, StoreOptions storeOptions, RequestLimits limits) {
    this(dbDir, storeOptions, limits, StateMachineListener.NONE);
  }

  /** @param listener told of leader changes, applied entries and snapshots (metrics) */
  public KvStateMachine(Path dbDir, StoreOptions storeOptions, RequestLimits limits, StateMachineListener listener) {
    this.dbDir = dbDir;
    this.storeOptions = storeOptions;
    this.limits = limits;
    this.listener = listener;
    this.admission = new Admission(limits, Admission.of(this::noSpaceAlarms, this::voterIds, () -> localNoSpace));
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshots.init(raftStorage);
    getLifeCycle().startAndTransition(this::loadStore);
  }

  /**
   * Opens and closes the store in {@code dbDir}, so that a member restart finds out before Ratis builds
   * the member whether the store opens (its lock free, room on the disk, files readable). A store that
   * fails inside Ratis's start leaves that half-built member holding its storage directory's lock until
   * the process exits, and every later restart in process fails on that lock.
   */
  public static void checkStoreOpens(Path dbDir, StoreOptions storeOptions) throws IOException {
    RocksKvStore.open(dbDir, storeOptions).close();
  }

  /** Opens the live store; if it is behind the newest snapshot (or missing), rebuilds it from that snapshot. */
  private void loadStore() throws IOException {
    RocksKvStore opened = RocksKvStore.open(dbDir, storeOptions);
    var latest = snapshots.getLatestSnapshot();
    if (latest != null && opened.applied().index() < latest.getIndex()) {
      LOG.info("store at {} is behind snapshot {}: restoring from it", opened.applied(), latest.getTermIndex());
      opened.close();
      Checkpoints.replaceDirectory(dbDir, snapshots.latestDir().orElseThrow());
      opened = RocksKvStore.open(dbDir, storeOptions);
    }
    opened.onChanges(changes);
    watchLeases(opened);
    store = opened;
    AppliedIndex applied = opened.applied();
    setLastAppliedTermIndex(TermIndex.valueOf(applied.term(), applied.index()));
    LOG.info("state machine loaded: applied={} db={}", applied, dbDir);
  }

  /** The store's leases get their deadlines here, each its whole TTL from now. */
  private void watchLeases(RocksKvStore opened) {
    opened.onLeases(leaseDeadlines);
    leaseDeadlines.reload(opened.leases());
  }

  /** Each lease's deadline on this node's clock (the leader's expirer acts on it). */
  public LeaseDeadlines leaseDeadlines() {
    return leaseDeadlines;
  }

  @Override
  public void pause() {
    if (getLifeCycleState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  /** Called after a snapshot from the leader replaced the state-machine directory. */
  @Override
  public void reinitialize() throws IOException {
    snapshots.invalidate(); // after a snapshot install, Ratis replaced the whole state-machine directory
    replacing = true;
    storeLock.writeLock().lock();
    try {
      RocksKvStore old = store;
      store = null;
      if (old != null) {
        old.close();
      }
      Checkpoints.replaceDirectory(dbDir, snapshots.latestDir()
          .orElseThrow(() -> new IOException("no snapshot to reinitialize from")));
      getLifeCycle().startAndTransition(() -> {
        RocksKvStore opened = RocksKvStore.open(dbDir, storeOptions);
        opened.onChanges(changes);
        watchLeases(opened);
        store = opened;
        AppliedIndex applied = opened.applied();
        setLastAppliedTermIndex(TermIndex.valueOf(applied.term(), applied.index()));
        LOG.info("state machine reinitialized from installed snapshot: applied={}", applied);
        listener.snapshotInstalled(applied.index());
        ChangeListener watching = changes;
        if (watching != null) {
          watching.storeReplaced();
        }
      });
    } finally {
      replacing = false;
      storeLock.writeLock().unlock();
    }
  }

  @Override
  public SnapshotStore getStateMachineStorage() {
    return snapshots;
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    RequestRefusedException refused = admission.refusal(request.getMessage().getContent().toByteArray());
    if (refused != null) {
      trx.setException(refused);
    } else {
      trx.setStateMachineContext(System.nanoTime()); // commit latency, measured on this leader only
    }
    return trx;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    try {
      return apply(trx);
    } catch (RuntimeException e) {
      // A storage failure (ENOSPC in RocksDB, say): Ratis closes this member. Recorded so the node knows
      // why and restarts the member once the cause is gone.
      applyFailure = e;
      LOG.error("applying entry {} failed: {}", trx.getLogEntry().getIndex(), e.toString());
      listener.logFailed("applying entry " + trx.getLogEntry().getIndex() + " failed: " + e.getMessage());
      throw e;
    }
  }

  private CompletableFuture<Message> apply(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    long term = entry.getTerm();
    RocksKvStore current = store; // only this (the apply) thread swaps it
    Request.Write write;
    Caller caller;
    try {
      Unwrapped u = Unwrapped.of(entry.getStateMachineLogEntry().getLogData().toByteArray());
      Request decoded = u.request();
      caller = u.caller();
      if (decoded instanceof Request.Alarm alarm) {
        return CompletableFuture.completedFuture(encode(applyAlarm(current, alarm, term, index)));
      }
      if (decoded instanceof Request.Compact compact) {
        if (index > current.applied().index()) {
          current.applyCompact(compact, term, index);
          updateLastAppliedTermIndex(term, index);
        }
        return CompletableFuture.completedFuture(encode(new Response.Ok(index, java.util.List.of())));
      }
      if (decoded instanceof Request.BackupRecord record) {
        if (index > current.applied().index()) {
          current.applyBackupRecord(record, term, index);
          updateLastAppliedTermIndex(term, index);
        }
        return CompletableFuture.completedFuture(encode(new Response.Ok(index, java.util.List.of())));
      }
      if (decoded instanceof Request.AuthUpdate update) {
        return CompletableFuture.completedFuture(encode(applyAuth(trx, current, update, caller, term, index)));
      }
      if (decoded instanceof Request.Group group) {
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(
            ResultCodec.encodeGroup(applyGroup(trx, current, group, term, index)))));
      }
      write = (Request.Write) decoded;
    } catch (CommandCodecException | ClassCastException e) {
      // startTransaction refuses such requests, so this entry came from an incompatible leader. Applying
      // nothing is deterministic on every replica; record the index so the node stays in step.
      LOG.error("entry {} does not decode as a write; applied as a no-op: {}", index, e.getMessage());
      current.applyWrite(Request.Write.unsessioned(java.util.List.of()), term, index);
      updateLastAppliedTermIndex(term, index);
      return CompletableFuture.completedFuture(encode(
          new Response.Failed(ErrorCode.MALFORMED_REQUEST, e.getMessage())));
    }
    Response response = applyWrites(trx, current, java.util.List.of(write), java.util.Arrays.asList(caller), term,
        index).get(0);
    return CompletableFuture.completedFuture(encode(response));
  }

  /** Applies a node's group of callers' writes: each member deduplicated by its own session, as its own caller. */
  private java.util.List<Response> applyGroup(TransactionContext trx, RocksKvStore current, Request.Group group,
      long term, long index) {
    java.util.List<Request.Write> writes = new java.util.ArrayList<>(group.members().size());
    java.util.List<Caller> callers = new java.util.ArrayList<>(group.members().size());
    for (Request m : group.members()) {
      writes.add((Request.Write) (m instanceof Request.AsCaller e ? e.inner() : m));
      callers.add(m instanceof Request.AsCaller e ? e.caller() : null);
    }
    return applyWrites(trx, current, writes, callers, term, index);
  }

  /**
   * The writes of one entry (one, or a group), each as its caller: replayed after a restart from the recorded
   * results, else applied, with this leader's denial count and the apply and commit latencies reported.
   */
  private java.util.List<Response> applyWrites(TransactionContext trx, RocksKvStore current,
      java.util.List<Request.Write> writes, java.util.List<Caller> callers, long term, long index) {
    if (index <= current.applied().index()) {
      return writes.stream().map(current::replayedResponse).toList();
    }
    long started = System.nanoTime();
    java.util.List<Response> responses = current.applyWrites(writes, callers, term, index);
    updateLastAppliedTermIndex(term, index);
    long done = System.nanoTime();
    Object accepted = trx.getStateMachineContext();
    if (accepted != null) {
      responses.forEach(this::countDenials);
    }
    listener.applied(index, done - started, accepted instanceof Long t ? done - t : -1);
    return responses;
  }

  /**
   * Null if this leader would let {@code request} (one write, or a write in a caller envelope) into the
   * log now; otherwise why not: what a node checks for each caller's write before it groups it with others,
   * so that one caller's refusal is its own and not the group's.
   */
  public RequestRefusedException admissionRefusal(byte[] request) {
    return admission.refusal(request);
  }

  private Response applyAuth(TransactionContext trx, RocksKvStore current, Request.AuthUpdate update, Caller caller,
      long term, long index) {
    if (index <= current.applied().index()) {
      return new Response.Ok(index, java.util.List.of()); // replayed after a restart: its effect is stored
    }
    Response response = current.applyAuth(update, caller, term, index);
    updateLastAppliedTermIndex(term, index);
    if (response instanceof Response.Failed f && trx.getStateMachineContext() != null
        && f.code() == ErrorCode.PERMISSION_DENIED) {
      listener.permissionDenied(1);
    } else if (response instanceof Response.Ok) {
      LOG.info("entry {}: users and roles changed: {}", index, update.change());
      ChangeListener watching = changes;
      if (watching != null) {
        watching.authChanged();
      }
    }
    return response;
  }

  private Response countDenials(Response response) {
    int denied = Denials.in(response);
    if (denied > 0) {
      listener.permissionDenied(denied);
    }
    return response;
  }

  /** The replicated users and roles as applied here; {@link quorumkv.raftlog.command.AuthState#INITIAL} while the store is unavailable. */
  public quorumkv.raftlog.command.AuthState authState() {
    RocksKvStore current = store;
    return current == null ? quorumkv.raftlog.command.AuthState.INITIAL : current.authState();
  }

  private Response applyAlarm(RocksKvStore current, Request.Alarm alarm, long term, long index) {
    if (index > current.applied().index()) {
      boolean changed = current.noSpaceAlarms().contains(alarm.nodeId()) != alarm.raised();
      current.applyAlarm(alarm, term, index);
      updateLastAppliedTermIndex(term, index);
      if (changed) {
        LOG.warn("entry {}: free-space alarm of node {} {}; raised now: {}", index, alarm.nodeId(),
            alarm.raised() ? "raised" : "cleared", current.noSpaceAlarms());
      }
    }
    return new Response.Ok(index, java.util.List.of());
  }

  private String leaderReadRefusal() {
    RaftServer server = getServer().getNow(null);
    if (server == null) {
      return null;
    }
    try {
      RaftServer.Division division = server.getDivision(getGroupId());
      if (!division.getInfo().isLeader()) {
        return null;   // Ratis asked the leader for the read index
      }
      long windowMs = leaderReadWindowMs;
      if (windowMs < 0) {
        windowMs = LeaderReadCheck.windowMs(org.apache.ratis.server.RaftServerConfigKeys.Rpc.timeoutMin(
            server.getProperties()).toLong(java.util.concurrent.TimeUnit.MILLISECONDS));
        leaderReadWindowMs = windowMs;
      }
      return LeaderReadCheck.refusal(division, windowMs);
    } catch (IOException e) {
      return "this node's Raft member is not available: " + e.getMessage();
    }
  }

  /** The voters of the current configuration (this leader's view). */
  protected java.util.Collection<String> voterIds() {
    try {
      RaftServer server = getServer().getNow(null);
      return server == null ? java.util.List.of() : server.getDivision(getGroupId()).getRaftConf()
          .getCurrentPeers(org.apache.ratis.proto.RaftProtos.RaftPeerRole.FOLLOWER).stream()
          .map(p -> p.getId().toString()).toList();
    } catch (IOException | RuntimeException e) {
      return java.util.List.of();
    }
  }

  /** Tells the leader path whether this node's own disk is below its free-space floor. */
  public void setLocalNoSpace(boolean belowFloor) {
    this.localNoSpace = belowFloor;
  }

  /** The scheduled backups the applied state records; none while the store is unavailable. */
  public quorumkv.raftlog.store.BackupLedger backups() {
    RocksKvStore current = store;
    return current == null ? quorumkv.raftlog.store.BackupLedger.NONE : current.backups();
  }

  /** Nodes whose free-space alarm is raised in the applied state; empty while the store is unavailable. */
  public java.util.Set<String> noSpaceAlarms() {
    RocksKvStore current = store;
    return current == null ? java.util.Set.of() : current.noSpaceAlarms();
  }

  /**
   * Ratis failed this member's log (a write or a segment roll threw, typically ENOSPC): it latches the
   * failure and fails every later log task, but keeps the member running. Recorded here and passed on,
   * so the node reports it and restarts the member once the cause is gone.
   */
  @Override
  public void notifyLogFailed(Throwable cause, LogEntryProto failedEntry) {
    if (logFailure == null) {
      logFailure = cause;
      LOG.error("the Raft log failed at entry {}: {}", failedEntry == null ? "(segment)" : failedEntry.getIndex(),
          String.valueOf(cause));
      listener.logFailed(String.valueOf(cause.getMessage() == null ? cause : cause.getMessage()));
    }
  }

  /** Why Ratis failed this member's log, or null if it has not. */
  public Throwable logFailure() {
    return logFailure;
  }

  /** Why applying an entry failed (the member is then closed), or null if nothing failed. */
  public Throwable applyFailure() {
    return applyFailure;
  }

  /** See {@link LeaderReadCheck}; -1 until the first linearizable read computes it from the server's settings. */
  private volatile long leaderReadWindowMs = -1;

  /** A FOLLOWER read on its way through {@link #queryStale} to {@link #query}: stale by choice, no check. */
  private record StaleRead(Message request) implements Message {
    @Override
    public org.apache.ratis.thirdparty.com.google.protobuf.ByteString getContent() {
      return request.getContent();
    }
  }

  @Override
  public CompletableFuture<Message> queryStale(Message request, long minIndex) {
    return super.queryStale(new StaleRead(request), minIndex);
  }

  /**
   * Serves a read. A linearizable one (Ratis calls this once this replica applied the read index) is
   * refused on a leader that cannot show a majority answered it just now ({@link LeaderReadCheck});
   * a FOLLOWER read (from {@link #queryStale}) is not checked.
   */
  @Override
  public CompletableFuture<Message> query(Message message) {
    Message request = message;
    if (message instanceof StaleRead stale) {
      request = stale.request();
    } else {
      String refused = leaderReadRefusal();
      if (refused != null) {
        // A StateMachineException reaches the client as a reply (Ratis ends the client's stream on any
        // other failure); its cause tells the client to try another node.
        return CompletableFuture.failedFuture(new org.apache.ratis.protocol.exceptions.StateMachineException(
            refused, new org.apache.ratis.protocol.exceptions.ReadIndexException(refused)));
      }
    }
    try {
      Unwrapped u = Unwrapped.of(request.getContent().toByteArray());
      Request decoded = u.request();
      Caller caller = u.caller();
      int size = u.size();
      if (decoded instanceof Request.AuthRead) {
        Caller asker = caller;
        return CompletableFuture.completedFuture(encode(countDenials(withStore(s -> s.readAuth(asker)))));
      }
      if (!(decoded instanceof Request.Read read)) {
        return CompletableFuture.completedFuture(encode(
            new Response.Failed(ErrorCode.INVALID_ARGUMENT, "a write request was sent as a read")));
      }
      Response.Failed refused = limits.check(read, size);
      Caller reader = caller;
      return CompletableFuture.completedFuture(encode(refused != null ? refused
          : countDenials(withStore(s -> s.read(read, reader)))));
    } catch (CommandCodecException e) {
      return CompletableFuture.completedFuture(encode(new Response.Failed(ErrorCode.MALFORMED_REQUEST, e.getMessage())));
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public long takeSnapshot() throws IOException {
    try {
      return withStore(this::takeSnapshot);
    } catch (StoreUnavailableException e) {
      throw new IOException("no snapshot taken: " + e.getMessage(), e);
    }
  }

  private long takeSnapshot(RocksKvStore current) throws IOException {
    AppliedIndex applied = current.applied();
    if (applied.index() <= 0) {
      return -1;
    }
    TermIndex ti = TermIndex.valueOf(applied.term(), applied.index());
    var latest = snapshots.getLatestSnapshot();
    if (latest != null && latest.getIndex() >= ti.getIndex()) {
      return latest.getIndex();
    }
    long started = System.nanoTime();
    Path tmp = snapshots.temporaryDir(ti);
    AppliedIndex checkpointed = current.checkpoint(tmp);
    if (!checkpointed.equals(applied)) {
      throw new IOException("applied index moved during checkpoint: " + applied + " -> " + checkpointed);
    }
    snapshots.publish(tmp, ti);
    long took = System.nanoTime() - started;
    LOG.info("snapshot {} taken in {} ms", ti, took / 1_000_000);
    listener.snapshotTaken(ti.getIndex(), took);
    return ti.getIndex();
  }

  /**
   * Ratis calls this for log entries without state-machine data (configuration entries, a new leader's
   * first entry), also while replaying the log after a restart. Those at or below the applied index
   * restored from RocksDB were already counted; BaseStateMachine would throw on the lower index, which
   * kills Ratis's apply thread (found by kill -9 and restart in the namespace harness).
   */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    if (index > getLastAppliedTermIndex().getIndex()) {
      super.notifyTermIndexUpdated(term, index);
    }
  }

  /** Every applied entry passes here (writes, alarms, compactions, auth, and Ratis's own entries). */
  @Override
  protected boolean updateLastAppliedTermIndex(long term, long index) {
    boolean updated = super.updateLastAppliedTermIndex(term, index);
    listener.entryApplied(term, index);
    return updated;
  }

  @Override
  public void notifyLeaderChanged(org.apache.ratis.protocol.RaftGroupMemberId member,
      org.apache.ratis.protocol.RaftPeerId newLeaderId) {
    LOG.info("node={} leader={}", member.getPeerId(), newLeaderId);
    listener.leaderChanged(newLeaderId == null ? null : newLeaderId.toString());
  }

  /** allServer: the whole server is stopping (our own close); otherwise a leader told this member to stop. */
  @Override
  public void notifyServerShutdown(org.apache.ratis.proto.RaftProtos.RoleInfoProto roleInfo, boolean allServer) {
    if (!allServer) {
      LOG.warn("node={} was shut down by the cluster (role was {})", roleInfo.getSelf().getId().toStringUtf8(),
          roleInfo.getRole());
      listener.shutDownByCluster();
    }
  }

  /**
   * Runs {@code call} on the live store, which cannot be swapped or closed until the call returns: for
   * every thread but Ratis's apply thread (queries, status, metrics, backups, tests).
   *
   * @throws StoreUnavailableException if the store is closed or being replaced by an installed snapshot
   */
  public <T> T withStore(StoreCall<T> call) throws IOException {
    Lock read = storeLock.readLock();
    if (replacing || !read.tryLock()) {
      throw new StoreUnavailableException("the store is being replaced by a snapshot from the leader; retry");
    }
    try {
      RocksKvStore current = store;
      if (current == null) {
        throw new StoreUnavailableException("the store is closed (the node is stopping or failed to load it)");
      }
      return call.call(current);
    } finally {
      read.unlock();
    }
  }

  /** False once the store is closed, or before it is loaded; true while it is being replaced (liveness). */
  public boolean isStoreOpen() {
    // reinitialize sets replacing, nulls store, opens the new one, clears replacing. Reading store, then
    // replacing, can see null and then false when a swap ends in between; a second read of store after
    // replacing sees the new store then.
    return store != null || replacing || store != null;
  }

  @Override
  public void close() throws IOException {
    storeLock.writeLock().lock();
    try {
      RocksKvStore current = store;
      store = null;
      if (current != null) {
        current.close();
      }
    } finally {
      storeLock.writeLock().unlock();
    }
    super.close();
  }

  @Override
  public String toString() {
    // BaseStateMachine's toString dereferences the server, which tests without a network do not have.
    return "KvStateMachine:" + getGroupId() + ":" + dbDir;
  }

  private static Message encode(Response response) {
    return Message.valueOf(ByteString.copyFrom(ResultCodec.encode(response)));
  }
}
