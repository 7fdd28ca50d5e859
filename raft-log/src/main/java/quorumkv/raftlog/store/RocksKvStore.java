package quorumkv.raftlog.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;
import quorumkv.raftlog.command.HistoryPage;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Event;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;

/**
 * The replicated key-value state in RocksDB: plain Java, no Ratis, so most tests need no network.
 *
 * <p>Each log entry is applied in one {@link WriteBatchWithIndex} holding its data changes, its client
 * session record and the {@link AppliedIndex}; the batch commits atomically, so a crash leaves the data
 * and the applied index in step. Writes skip RocksDB's fsync: the Raft log is the durable record (fsynced
 * on a majority before a write is acknowledged), and after a crash Ratis replays from the last snapshot,
 * whose checkpoint flushed everything up to its index; entries at or below the applied index are skipped.
 *
 * <p>Threads: Ratis applies entries on one thread; reads run concurrently on others, each on a RocksDB
 * snapshot so a multi-command read sees one state.
 */
public final class RocksKvStore implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  /** RocksDB's options and the memory they are bounded by (block cache, memtables). */
  private final StoreMemory memory;
  private final List<ColumnFamilyHandle> handles;
  private final RocksDB db;
  private final ColumnFamilyHandle kv, meta;
  private final WriteOptions writeOptions = new WriteOptions().setSync(false);
  private final CommandApplier applier;
  private final SessionTable sessions;
  private final AlarmTable alarms;
  private final AuthTable auth;
  private final HistoryTable history;
  private final LeaseTable leases;
  private final long maxLeases;
  private volatile LeaseClock leaseClock = LeaseClock.NONE;
  private volatile ChangeListener changeListener;
  private volatile AppliedIndex applied;
  private volatile BackupLedger backups;
  /**
   * Holds off {@link #close} while an operation runs, and refuses operations after it: a snapshot
   * install closes and replaces the store while reads, metrics or backups may still be running on other
   * threads, and RocksDB used after close crashes the JVM.
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock lifecycle =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  private boolean closed;
  private final long revisionOffset;

  private RocksKvStore(Path dir, StoreOptions options) throws RocksDBException {
    this.dir = dir;
    this.memory = new StoreMemory();
    ColumnFamilyOptions cfOptions = memory.cfOptions;
    List<ColumnFamilyDescriptor> descriptors = List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
        new ColumnFamilyDescriptor(ColumnFamilies.KV, cfOptions),
        new ColumnFamilyDescriptor(ColumnFamilies.META, cfOptions),
        new ColumnFamilyDescriptor(ColumnFamilies.SESSIONS, cfOptions),
        new ColumnFamilyDescriptor(ColumnFamilies.SESSION_META, cfOptions),
        new ColumnFamilyDescriptor(ColumnFamilies.HISTORY, cfOptions),
        new ColumnFamilyDescriptor(ColumnFamilies.LEASES, cfOptions));
    this.handles = new ArrayList<>();
    try {
      this.db = RocksDB.open(memory.dbOptions, dir.toString(), descriptors, handles);
    } catch (RocksDBException | RuntimeException e) {
      memory.close();
      throw e;
    }
    this.kv = handles.get(1);
    this.meta = handles.get(2);
    this.applier = new CommandApplier(options.maxRangeLimit());
    this.sessions = new SessionTable(db, handles.get(3), handles.get(4), options.sessionTtlEntries());
    byte[] appliedBytes = db.get(meta, ColumnFamilies.APPLIED_KEY);
    this.applied = appliedBytes == null ? AppliedIndex.NONE
        : new AppliedIndex(longAt(appliedBytes, 0), longAt(appliedBytes, 1));
    byte[] offset = db.get(meta, ColumnFamilies.REVISION_OFFSET_KEY);
    this.revisionOffset = offset == null ? 0 : longAt(offset, 0);
    this.alarms = new AlarmTable(db, meta);
    this.backups = BackupLedger.decode(db.get(meta, ColumnFamilies.BACKUPS_KEY));
    this.auth = new AuthTable(db, meta);
    this.history = new HistoryTable(db, handles.get(5), meta, appliedBytes == null && offset == null);
    this.leases = new LeaseTable(db, handles.get(6));
    this.maxLeases = options.maxLeases();
  }

  /** Told, on the apply thread right after each commit, the events of every applied write that changed keys. */
  public interface ChangeListener {
    void changed(long revision, List<Event> events);
  }

  /** Sets who hears of applied changes (one listener; null: nobody). */
  public void onChanges(ChangeListener listener) {
    this.changeListener = listener;
  }

  /** Sets the clock told of lease renewals and ends (null: none). */
  public void onLeases(LeaseClock clock) {
    this.leaseClock = clock == null ? LeaseClock.NONE : clock;
  }

  /** Every lease in the applied state, for the clock of a store just opened or installed. */
  public List<LeaseRecord> leases() {
    enter();
    try {
      return leases.all();
    } finally {
      exit();
    }
  }

  /** The leases as of {@code ro}'s snapshot, for {@link StoreTransfer}. */
  LeaseTable.Reader leaseReader(ReadOptions ro) {
    return leases.reader(ro);
  }

  /** For {@link StoreTransfer}, which streams a store out and seeds a new one. */
  RocksDB db() {
    return db;
  }

  ColumnFamilyHandle kv() {
    return kv;
  }

  ColumnFamilyHandle meta() {
    return meta;
  }

  /** Opens (creating if missing) the store in {@code dir}. */
  public static RocksKvStore open(Path dir, StoreOptions options) throws IOException {
    Files.createDirectories(dir);
    try {
      return new RocksKvStore(dir, options);
    } catch (RocksDBException e) {
      throw new IOException("cannot open RocksDB in " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path directory() {
    return dir;
  }

  /** The last entry whose effects are stored. */
  public AppliedIndex applied() {
    return applied;
  }

  /** The revision written by the entry at {@code index}: revisions are log indexes shifted by the offset. */
  public long revisionOf(long index) {
    return index + revisionOffset;
  }

  /**
   * Applies the write carried by the log entry at {@code index}, atomically with its session record and
   * the applied index. Business failures are in the response; only storage failures throw.
   */
  public Response applyWrite(Request.Write write, long term, long index) {
    return applyWrite(write, null, term, index);
  }

  /**
   * Applies a write sent on behalf of {@code caller} (null: a member node, full rights): each command the
   * caller may not run gets a {@code PERMISSION_DENIED} result and changes nothing; the others apply.
   */
  public Response applyWrite(Request.Write write, Caller caller, long term, long index) {
    return applyWrites(List.of(write), java.util.Arrays.asList(caller), term, index).get(0);
  }

  /**
   * Applies the writes of one log entry in order, each on behalf of its own caller (null: a member node)
   * and deduplicated by its own session, in one RocksDB batch with the applied index: a group of independent
   * callers' writes that a node combined into one entry ({@link Request.Group}), or a single write. Every
   * write shares the entry's revision, so the node that groups them never puts two writes of one key in a
   * group. Returns one response per write, in order.
   */
  public List<Response> applyWrites(List<Request.Write> writes, List<Caller> callers, long term, long index) {
    if (writes.size() != callers.size()) {
      throw new IllegalArgumentException(writes.size() + " writes and " + callers.size() + " callers");
    }
    enter();
    try {
      if (index <= applied.index()) {
        throw new IllegalStateException("entry " + index + " is at or below the applied index " + applied);
      }
      try (WriteBatchWithIndex batch = new WriteBatchWithIndex(true); ReadOptions ro = new ReadOptions()) {
        BatchView view = new BatchView(db, kv, batch, ro);
        long revision = revisionOf(index);
        List<Event> events = new ArrayList<>();
        LeaseClock clock = leaseClock;
        LeaseTable.Staged staged = leases.staged(batch, ro);
        List<Response> responses = new ArrayList<>(writes.size());
        List<CommandApplier.Leases> contexts = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
          Request.Write write = writes.get(i);
          Caller caller = callers.get(i);
          // No clock inside an entry: a time-to-live in a write would record this replica's estimate in the
          // session's results, which must be the same on every replica. The clock hears of changes after commit.
          CommandApplier.Leases leaseContext = new CommandApplier.Leases(staged,
              caller == null ? "" : caller.identity(), maxLeases, LeaseClock.NONE, new ArrayList<>(), new ArrayList<>());
          contexts.add(leaseContext);
          responses.add(sessions.applyOnce(write, index, batch, ro,
              () -> execute(write.commands(), caller, revision, view, index, events, leaseContext)));
        }
        sessions.expireIdle(applied.index(), index, batch, ro);
        long historyStart = history.stage(batch, revision, events);
        batch.put(meta, ColumnFamilies.APPLIED_KEY, longs(term, index));
        db.write(writeOptions, batch);
        history.committed(historyStart);
        staged.committed();
        applied = new AppliedIndex(term, index);
        for (CommandApplier.Leases leaseContext : contexts) {
          leaseContext.renewed().forEach(clock::renewed);
          leaseContext.ended().forEach(clock::ended);
        }
        ChangeListener listener = changeListener;
        if (listener != null && !events.isEmpty()) {
          listener.changed(revision, events);
        }
        return responses;
      } catch (RocksDBException e) {
        throw new StorageException("applying entry " + index + " failed: " + e.getMessage(), e);
      }
    } finally {
      exit();
    }
  }

  /** Nodes whose free-space alarm is raised in the applied state. */
  public java.util.Set<String> noSpaceAlarms() {
    return alarms.raised();
  }

  /** Applies the free-space alarm carried by the log entry at {@code index}, atomically with the applied index. */
  public void applyAlarm(Request.Alarm alarm, long term, long index) {
    applyMeta(term, index, "alarm", batch -> alarms.stage(batch, alarm));
    alarms.committed(alarm);
  }

  /** The scheduled backups the applied state records. */
  public BackupLedger backups() {
    return backups;
  }

  /** Applies the backup record carried by the log entry at {@code index}, atomically with the applied index. */
  public void applyBackupRecord(Request.BackupRecord record, long term, long index) {
    BackupLedger next = backups.with(record);
    applyMeta(term, index, "backup record", batch -> batch.put(meta, ColumnFamilies.BACKUPS_KEY, next.encode()));
    backups = next;
  }

  /** Applies the history compaction carried by the log entry at {@code index} (see {@link HistoryTable}). */
  public void applyCompact(Request.Compact compact, long term, long index) {
    long[] startAfter = new long[1];
    applyMeta(term, index, "compaction",
        batch -> startAfter[0] = history.stageCompaction(batch, compact.revision(), revisionOf(index)));
    history.committed(startAfter[0]);
  }

  /**
   * Reads the change history from revision {@code from}: the events of {@code key} (with {@code prefix}:
   * of every key starting with it; an empty prefix is every key), up to about {@code maxEvents} of them in
   * whole revisions, as of the applied state. See {@link HistoryPage} for what a page promises.
   */
  public HistoryPage history(long from, Bytes key, boolean prefix, int maxEvents) {
    enter();
    try {
      Snapshot snapshot = db.getSnapshot();
      try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
        byte[] appliedBytes = db.get(meta, ro, ColumnFamilies.APPLIED_KEY);
        long appliedRevision = revisionOf(appliedBytes == null ? 0 : longAt(appliedBytes, 1));
        java.util.function.Predicate<Bytes> matches = prefix ? k -> k.startsWith(key) : key::equals;
        return history.read(ro, from, appliedRevision, matches, maxEvents);
      } catch (RocksDBException e) {
        throw new StorageException("history read failed: " + e.getMessage(), e);
      } finally {
        db.releaseSnapshot(snapshot);
      }
    } finally {
      exit();
    }
  }

  /**
   * Null if {@code caller} (null: a member) may watch {@code key} (with {@code prefix}: every key under it)
   * under the applied users and roles; otherwise why not. A watch is judged as a range read of its keys.
   */
  public String watchDenial(Caller caller, Bytes key, boolean prefix) {
    Command read = prefix ? new Command.Range(key, key.prefixEnd(), 0) : new Command.Get(key);
    return Authorizer.denial(auth.state(), caller, read);
  }

  /** The oldest revision the change history holds (see {@link HistoryTable}). */
  public long historyStart() {
    return history.oldest(revisionOf(applied.index()));
  }

  /** What a metadata entry (an alarm, a change of users and roles) writes besides the applied index. */
  private interface MetaChange {
    void stage(WriteBatch batch) throws RocksDBException;
  }

  /** Writes a metadata entry's changes together with the applied index, in one batch. */
  private void applyMeta(long term, long index, String what, MetaChange change) {
    enter();
    try {
      if (index <= applied.index()) {
        throw new IllegalStateException("entry " + index + " is at or below the applied index " + applied);
      }
      try (WriteBatch batch = new WriteBatch()) {
        change.stage(batch);
        batch.put(meta, ColumnFamilies.APPLIED_KEY, longs(term, index));
        db.write(writeOptions, batch);
        applied = new AppliedIndex(term, index);
      } catch (RocksDBException e) {
        throw new StorageException("applying " + what + " entry " + index + " failed: " + e.getMessage(), e);
      }
    } finally {
      exit();
    }
  }

  /**
   * The response to an entry applied before a restart (at or below the applied index): the recorded
   * result of its session call if still kept, otherwise {@code RESULT_NOT_RECORDED}. Never re-applies.
   */
  public Response replayedResponse(Request.Write write) {
    enter();
    try {
      return sessions.recorded(write);
    } finally {
      exit();
    }
  }

  /** Runs the commands of one entry in order; later commands see the writes of earlier ones. */
  private Response execute(List<Command> commands, Caller caller, long revision, KvView view, long index,
      List<Event> events, CommandApplier.Leases leaseContext) {
    AuthState state = auth.state();
    List<Result> results = new ArrayList<>(commands.size());
    for (Command c : commands) {
      String denied = Authorizer.denial(state, caller, c);
      if (denied == null && !Authorizer.unrestricted(state, caller)) {
        denied = LeaseTable.ownerDenial(leaseContext.table(), caller.identity(), c);
      }
      results.add(denied != null ? new Result.Error(ErrorCode.PERMISSION_DENIED, denied)
          : applier.apply(c, revision, view, events, leaseContext));
    }
    return new Response.Ok(index, results);
  }

  /** The replicated users and roles as applied here. */
  public AuthState authState() {
    return auth.state();
  }

  /** Null if {@code caller} may administer the cluster under the applied users and roles; else why not. */
  public String adminDenial(Caller caller, String what) {
    return Authorizer.adminDenial(auth.state(), caller, what);
  }


  /**
   * Applies the change to users and roles carried by the entry at {@code index}, atomically with the applied
   * index: refused ({@code PERMISSION_DENIED}) unless {@code caller} is an admin, and
   * {@code INVALID_ARGUMENT} if it names a missing user or role. A refused change still advances the
   * applied index.
   */
  public Response applyAuth(Request.AuthUpdate update, Caller caller, long term, long index) {
    AuthState current = auth.state();
    AuthTable.Decision decision = auth.decide(update, caller, index);
    applyMeta(term, index, "auth", batch -> {
      if (decision.next() != current) {
        auth.stage(batch, decision.next());
      }
    });
    auth.committed(decision.next());
    return decision.response();
  }

  /** The users and roles, for an admin; the response carries the applied index. */
  public Response readAuth(Caller caller) {
    String denied = Authorizer.adminDenial(auth.state(), caller, "list users and roles");
    return denied != null ? new Response.Failed(ErrorCode.PERMISSION_DENIED, denied)
        : new Response.Ok(applied.index(), List.of(new Result.AuthResult(auth.state())));
  }

  /** Serves read-only commands on one consistent snapshot; the response carries the applied index. */
  public Response read(Request.Read read) {
    return read(read, null);
  }

  /** As {@link #read(Request.Read)}, on behalf of {@code caller}: a command it may not run gets {@code PERMISSION_DENIED}. */
  public Response read(Request.Read read, Caller caller) {
    AuthState state = auth.state();
    enter();
    try {
      Snapshot snapshot = db.getSnapshot();
      try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
        byte[] appliedBytes = db.get(meta, ro, ColumnFamilies.APPLIED_KEY);
        long index = appliedBytes == null ? 0 : longAt(appliedBytes, 1);
        SnapshotView view = new SnapshotView(db, kv, ro);
        CommandApplier.Leases leaseContext = CommandApplier.Leases.reading(leases.reader(ro), leaseClock);
        List<Result> results = new ArrayList<>(read.commands().size());
        for (Command c : read.commands()) {
          String denied = Authorizer.denial(state, caller, c);
          if (denied == null && !Authorizer.unrestricted(state, caller)) {
            denied = LeaseTable.ownerDenial(leaseContext.table(), caller.identity(), c);
          }
          results.add(denied != null ? new Result.Error(ErrorCode.PERMISSION_DENIED, denied)
              : applier.apply(c, revisionOf(index), view, leaseContext));
        }
        return new Response.Ok(index, results);
      } catch (RocksDBException e) {
        throw new StorageException("read failed: " + e.getMessage(), e);
      } finally {
        db.releaseSnapshot(snapshot);
      }
    } finally {
      exit();
    }
  }

  /**
   * Writes a consistent RocksDB checkpoint (hard links where possible) into {@code target}, which must
   * not exist. The checkpoint holds the applied index of the state it contains.
   */
  public AppliedIndex checkpoint(Path target) throws IOException {
    enter();
    try {
      try (Checkpoint checkpoint = Checkpoint.create(db)) {
        AppliedIndex at = applied;
        checkpoint.createCheckpoint(target.toString());
        return at;
      } catch (RocksDBException e) {
        throw new IOException("checkpoint into " + target + " failed: " + e.getMessage(), e);
      }
    } finally {
      exit();
    }
  }

  /** Total size of the live SST files, for metrics; -1 if unknown (or the store is closed). */
  public long approximateSizeBytes() {
    lifecycle.readLock().lock();
    try {
      return closed ? -1 : db.getLongProperty(kv, "rocksdb.total-sst-files-size");
    } catch (RocksDBException e) {
      return -1;
    } finally {
      lifecycle.readLock().unlock();
    }
  }


  /**
   * A SHA-256 digest of every replicated byte (keys, values, revisions, sessions, applied index): two
   * replicas that applied the same log hold the same digest. For tests and consistency checks.
   */
  public byte[] contentDigest() {
    enter();
    try {
      try {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (ColumnFamilyHandle h : handles.subList(1, handles.size())) {
          digest.update(h.getName());
          try (RocksIterator it = db.newIterator(h)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
              digest.update(it.key());
              digest.update(it.value());
            }
          }
        }
        return digest.digest();
      } catch (NoSuchAlgorithmException | RocksDBException e) {
        throw new StorageException("digest failed", e);
      }
    } finally {
      exit();
    }
  }

  /** Big-endian longs, the layout of the applied index, the revision offset and session metadata. */
  static byte[] longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  static long longAt(byte[] bytes, int position) {
    return ByteBuffer.wrap(bytes).getLong(position * 8);
  }

  void enter() {
    lifecycle.readLock().lock();
    if (closed) {
      lifecycle.readLock().unlock();
      throw new StorageException("the store in " + dir + " is closed (replaced by a snapshot install, or the node"
          + " is stopping); retry");
    }
  }

  void exit() {
    lifecycle.readLock().unlock();
  }

  /** Waits for running operations, then closes; later operations fail with {@link StorageException}. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      lifecycle.writeLock().unlock();
    }
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    db.close();
    writeOptions.close();
    memory.close();
  }
}
