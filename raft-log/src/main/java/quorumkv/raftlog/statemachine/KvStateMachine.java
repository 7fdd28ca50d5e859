package quorumkv.raftlog.statemachine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
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
import quorumkv.raftlog.command.CommandCodec;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestLimits;
import quorumkv.raftlog.command.Response;
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
 *   <li>{@link #startTransaction} runs on the leader before anything is logged: a request that does not
 *       decode or breaks a {@link RequestLimits} limit is refused there, definitely, and never reaches
 *       the log.</li>
 *   <li>{@link #applyTransaction} applies one entry synchronously on Ratis's apply thread, so by the time
 *       Ratis asks for a snapshot every earlier entry is in RocksDB. Entries at or below the store's
 *       persisted applied index (replayed after a restart) are not applied again.</li>
 *   <li>{@link #query} serves reads; the server configures Ratis's LINEARIZABLE read option, so Ratis
 *       calls it only once this replica has applied the leader's read index.</li>
 *   <li>Snapshots are RocksDB checkpoints ({@link SnapshotStore}); after a follower installs one from
 *       the leader, {@link #reinitialize} rebuilds the live database from it.</li>
 * </ul>
 */
public class KvStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(KvStateMachine.class);

  private final Path dbDir;
  private final StoreOptions storeOptions;
  private final RequestLimits limits;
  private final SnapshotStore snapshots = new SnapshotStore();
  private final StateMachineListener listener;
  private volatile RocksKvStore store;

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
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshots.init(raftStorage);
    getLifeCycle().startAndTransition(this::loadStore);
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
    store = opened;
    AppliedIndex applied = opened.applied();
    setLastAppliedTermIndex(TermIndex.valueOf(applied.term(), applied.index()));
    LOG.info("state machine loaded: applied={} db={}", applied, dbDir);
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
    RocksKvStore old = store;
    if (old != null) {
      old.close();
    }
    Checkpoints.replaceDirectory(dbDir, snapshots.latestDir()
        .orElseThrow(() -> new IOException("no snapshot to reinitialize from")));
    getLifeCycle().startAndTransition(() -> {
      store = RocksKvStore.open(dbDir, storeOptions);
      AppliedIndex applied = store.applied();
      setLastAppliedTermIndex(TermIndex.valueOf(applied.term(), applied.index()));
      LOG.info("state machine reinitialized from installed snapshot: applied={}", applied);
      listener.snapshotInstalled(applied.index());
    });
  }

  @Override
  public SnapshotStore getStateMachineStorage() {
    return snapshots;
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    byte[] bytes = request.getMessage().getContent().toByteArray();
    try {
      Request decoded = CommandCodec.decodeRequest(bytes);
      if (!(decoded instanceof Request.Write)) {
        trx.setException(new IllegalArgumentException(
            ErrorCode.INVALID_ARGUMENT.toMessage("a read request was sent as a write")));
        return trx;
      }
      Response.Failed refused = limits.check(decoded, bytes.length);
      if (refused != null) {
        trx.setException(new IllegalArgumentException(refused.code().toMessage(refused.message())));
      } else {
        trx.setStateMachineContext(System.nanoTime()); // commit latency, measured on this leader only
      }
    } catch (CommandCodecException e) {
      trx.setException(new IllegalArgumentException(ErrorCode.MALFORMED_REQUEST.toMessage(e.getMessage())));
    }
    return trx;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    long term = entry.getTerm();
    Request.Write write;
    try {
      write = (Request.Write) CommandCodec.decodeRequest(entry.getStateMachineLogEntry().getLogData().toByteArray());
    } catch (CommandCodecException | ClassCastException e) {
      // startTransaction refuses such requests, so this entry came from an incompatible leader. Applying
      // nothing is deterministic on every replica; record the index so the node stays in step.
      LOG.error("entry {} does not decode as a write; applied as a no-op: {}", index, e.getMessage());
      store.applyWrite(Request.Write.unsessioned(java.util.List.of()), term, index);
      updateLastAppliedTermIndex(term, index);
      return CompletableFuture.completedFuture(encode(
          new Response.Failed(ErrorCode.MALFORMED_REQUEST, e.getMessage())));
    }
    Response response;
    if (index <= store.applied().index()) {
      response = store.replayedResponse(write);
    } else {
      long started = System.nanoTime();
      response = store.applyWrite(write, term, index);
      updateLastAppliedTermIndex(term, index);
      long done = System.nanoTime();
      Object accepted = trx.getStateMachineContext();
      listener.applied(index, done - started, accepted instanceof Long t ? done - t : -1);
    }
    return CompletableFuture.completedFuture(encode(response));
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      Request decoded = CommandCodec.decodeRequest(request.getContent().toByteArray());
      if (!(decoded instanceof Request.Read read)) {
        return CompletableFuture.completedFuture(encode(
            new Response.Failed(ErrorCode.INVALID_ARGUMENT, "a write request was sent as a read")));
      }
      Response.Failed refused = limits.check(read, request.getContent().size());
      return CompletableFuture.completedFuture(encode(refused != null ? refused : store.read(read)));
    } catch (CommandCodecException e) {
      return CompletableFuture.completedFuture(encode(new Response.Failed(ErrorCode.MALFORMED_REQUEST, e.getMessage())));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public long takeSnapshot() throws IOException {
    RocksKvStore current = store;
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

  /** The live store, for status, metrics and tests. */
  public RocksKvStore store() {
    return store;
  }

  @Override
  public void close() throws IOException {
    RocksKvStore current = store;
    if (current != null) {
      current.close();
      store = null;
    }
    super.close();
  }

  @Override
  public String toString() {
    // BaseStateMachine's toString dereferences the server, which tests without a network do not have.
    return "KvStateMachine:" + getGroupId() + ":" + dbDir;
  }

  private static Message encode(Response response) {
    return Message.valueOf(ByteString.copyFrom(CommandCodec.encode(response)));
  }
}
