package quorumkv.client.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.common.util.concurrent.ThreadFactoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.AsyncKvClient;
import quorumkv.client.Durability;
import quorumkv.client.KvAdmin;
import quorumkv.client.KvAuth;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvReplicationIncompleteException;
import quorumkv.client.KvResult;
import quorumkv.client.KvUnavailableException;
import quorumkv.client.ReadConsistency;
import quorumkv.client.ReadOptions;
import quorumkv.client.internal.RaftTransport.Kind;
import quorumkv.raftlog.command.AuthChange;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.ClusterIds;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;

/**
 * The {@link KvClient}: builds and validates requests (raft-log's {@code RequestLimits}), hands writes
 * to the {@link WritePath} and runs reads and durability watches as {@link CallRunner} calls, then turns
 * replies into results ({@link Results}). Owns every thread and connection of the client.
 *
 * <p>Threads: one timer thread (deadlines, attempt timeouts, backoff pauses) and a cached pool of
 * callback threads that complete the callers' futures and run member discovery; plus whatever the
 * RaftClient's gRPC channels use. {@link #close()} ends all of them.
 */
public final class ClientCore implements KvClient {
  private static final Logger LOG = LoggerFactory.getLogger(ClientCore.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final KvClientConfig config;
  private final String name;
  private final Members members;
  private final RaftTransport transport;
  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService callbacks;
  private final CallRunner.Calls calls;
  private final WritePath writes;
  /** Null when read batching is off. */
  private final ReadBatcher reads;
  private final AsyncKvClient async = new AsyncFacet(Durability.QUORUM, false);
  private final KvClient allView = new View(Durability.ALL, false);
  /** Serves this client's blocking reads; see {@link #get(Bytes, ReadOptions)}. */
  private final KvClient blockingReads = new View(Durability.QUORUM, true);
  private final RatisAdmin admin;
  private final KvAuth auth = new AuthFacet(null);
  private final Watches watches;

  private ClientCore(KvClientConfig config, RaftTransport.Local local) {
    this.config = config;
    this.name = "quorumkv-client-" + INSTANCES.incrementAndGet();
    this.members = new Members(config.addresses());
    RaftGroupId groupId = RaftGroupId.valueOf(ClusterIds.groupId(config.clusterId()));
    this.timer = new ScheduledThreadPoolExecutor(1, threads(name + "-timer"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.callbacks = Executors.newCachedThreadPool(threads(name + "-callback"));
    this.transport = new RaftTransport(ClientId.randomId(), groupId, members.seeds(), config.rpcTimeout(),
        config.deadline(), local, callbacks, config.tls(), config.serverGroupCommit());
    this.calls = new CallRunner.Calls(transport, members, new Backoff(config.backoffBase(), config.backoffMax()),
        timer, callbacks, config.rpcTimeout(), config.hedgeAfter());
    this.writes = new WritePath(name, calls, config);
    KvClientConfig.ReadBatching readBatching = config.readBatching();
    // callerWaits: the settling thread completes the call; the batcher moves each get to its caller's thread.
    ReadBatcher.Sender readSender = (op, bytes, minIndex, deadlineNanos) -> calls.run(op, Kind.LINEARIZABLE_READ,
        bytes, null, Math.max(minIndex, calls.lastSeenIndex()), deadlineNanos - System.nanoTime(),
        (ok, code) -> calls.observe(ok), true);
    this.reads = readBatching.enabled() ? new ReadBatcher(readSender, callbacks,
        ReadBatcher.maxReads(readBatching.maxReads(), config.limits()), readBatching.inFlight(),
        config.limits().maxRequestBytes()) : null;
    this.admin = new RatisAdmin(name, transport, members, config.deadline());
    this.watches = new Watches(name, members, transport.tlsFiles(), config, timer, callbacks);
  }

  /** Creates a client and tries once to learn the group's members; see {@code KvClients.connect}. */
  public static ClientCore connect(KvClientConfig config) {
    return connect(config, null);
  }

  /**
   * A client inside the node {@code localId}, which reaches that node's Ratis server in process; see
   * {@code KvClients.connectInProcess}.
   */
  public static ClientCore connectInProcess(KvClientConfig config, String localId,
      RaftClientAsynchronousProtocol localServer) {
    return connect(config, new RaftTransport.Local(RaftPeerId.valueOf(Objects.requireNonNull(localId, "localId")),
        Objects.requireNonNull(localServer, "localServer")));
  }

  private static ClientCore connect(KvClientConfig config, RaftTransport.Local local) {
    ClientCore client = new ClientCore(Objects.requireNonNull(config, "config"), local);
    client.members.discover(client.transport);
    LOG.info("{}: connected to cluster {} via {} (members {}, leader {}), session {}", client.name,
        config.clusterId(), config.addresses(), client.members.members(), client.members.leader(),
        client.writes.sessionId());
    return client;
  }

  // ------------------------------------------------------------------------------------------ facets

  @Override
  public AsyncKvClient async() {
    return async;
  }

  @Override
  public quorumkv.client.Watch watch(quorumkv.client.WatchOptions options, quorumkv.client.WatchListener listener) {
    return watches.open(Objects.requireNonNull(options, "options"), Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public long lastSeenIndex() {
    return calls.lastSeenIndex();
  }

  @Override
  public KvClient withDurability(Durability durability) {
    return Objects.requireNonNull(durability, "durability") == Durability.QUORUM ? this : allView;
  }

  @Override
  public Durability durability() {
    return Durability.QUORUM;
  }

  @Override
  public KvAdmin admin() {
    return admin;
  }

  @Override
  public KvAuth auth() {
    return auth;
  }

  @Override
  public quorumkv.client.KvLeases leases() {
    return new LeaseFacet(async, timer);
  }

  @Override
  public quorumkv.client.KvLock lock(String name, java.time.Duration leaseTtl) {
    return LockRecipe.acquire(this, config.limits().maxKeyBytes(), name, Bytes.EMPTY, leaseTtl, -1);
  }

  @Override
  public quorumkv.client.KvLock lock(String name, java.time.Duration leaseTtl, java.time.Duration maxWait) {
    return LockRecipe.acquire(this, config.limits().maxKeyBytes(), name, Bytes.EMPTY, leaseTtl, maxWait.toNanos());
  }

  @Override
  public quorumkv.client.KvElection election(String name, java.time.Duration leaseTtl) {
    return new ElectionFacet(this, config.limits().maxKeyBytes(), name, leaseTtl);
  }

  /**
   * A view sending every request on behalf of {@code caller} (quorum durability; writes are not batched
   * with other callers'). Honoured only from a member node's certificate: a node vouches for an HTTP caller
   * it verified. Anyone else's envelope is refused by the node before Ratis sees it.
   */
  @Override
  public KvClient onBehalfOf(Caller caller) {
    return new View(Durability.QUORUM, false, Objects.requireNonNull(caller, "caller"));
  }

  /** Users, roles and grants: changes through the log, reads linearizable; on behalf of {@code caller} if set. */
  private final class AuthFacet implements KvAuth {
    private final Caller caller;

    AuthFacet(Caller caller) {
      this.caller = caller;
    }

    @Override
    public void change(AuthChange change) {
      Request.AuthUpdate request = new Request.AuthUpdate(Objects.requireNonNull(change, "change"));
      byte[] bytes = wrap(caller, RequestCodec.encode(request));
      await(calls.run("auth " + change, Kind.WRITE, bytes, null, 0, config.deadline().toNanos(),
          (ok, code) -> calls.observe(ok), true));
    }

    @Override
    public AuthState state() {
      byte[] bytes = wrap(caller, RequestCodec.encode(new Request.AuthRead()));
      Response.Ok ok = await(calls.run("auth state", Kind.LINEARIZABLE_READ, bytes, null, calls.lastSeenIndex(),
          config.deadline().toNanos(), (r, code) -> calls.observe(r), true));
      if (ok.results().size() == 1 && ok.results().get(0) instanceof Result.AuthResult a) {
        return a.state();
      }
      throw new KvRejectedException(ErrorCode.MALFORMED_REQUEST, "auth state: the cluster answered " + ok.results(), null);
    }
  }

  private static byte[] wrap(Caller caller, byte[] bytes) {
    return caller == null ? bytes : RequestCodec.asCaller(caller, bytes);
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw Failures.forCaller(e);
    }
  }

  /*
   * Blocking reads: the only code that waits on such a call's future is the caller's own blocked thread,
   * so the call completes it on the thread that delivered the reply instead of handing it to the callback
   * pool (one thread hand-off less per read; with the in-process transport of a node's own client it
   * was about a fifth of the node's HTTP read throughput, bin/bench-http). Futures handed to callers of
   * async() are still completed on the callback pool.
   */

  @Override
  public KvResult.Get get(Bytes key, ReadConsistency consistency) {
    return blockingReads.get(key, consistency);
  }

  @Override
  public KvResult.Get get(Bytes key, ReadOptions options) {
    return blockingReads.get(key, options);
  }

  @Override
  public KvResult.Range range(Bytes start, Bytes end, int limit, ReadConsistency consistency) {
    return blockingReads.range(start, end, limit, consistency);
  }

  @Override
  public KvResult.Range range(Bytes start, Bytes end, int limit, ReadOptions options) {
    return blockingReads.range(start, end, limit, options);
  }

  /** The current session's id (a new one after the cluster expired the old). */
  public UUID sessionId() {
    return writes.sessionId();
  }

  /**
   * The same client with another write durability, or (callerWaits) the one that serves blocking reads;
   * owns nothing, so closing it does nothing.
   */
  private final class View implements KvClient {
    private final Durability durability;
    private final AsyncKvClient async;
    private final Caller caller;

    View(Durability durability, boolean callerWaits) {
      this(durability, callerWaits, null);
    }

    View(Durability durability, boolean callerWaits, Caller caller) {
      this.durability = durability;
      this.async = new AsyncFacet(durability, callerWaits, caller);
      this.caller = caller;
    }

    @Override
    public KvClient onBehalfOf(Caller c) {
      return ClientCore.this.onBehalfOf(c);
    }

    @Override
    public KvAuth auth() {
      return caller == null ? ClientCore.this.auth : new AuthFacet(caller);
    }

    @Override
    public quorumkv.client.KvLeases leases() {
      return new LeaseFacet(async, timer);
    }

    @Override
    public quorumkv.client.KvLock lock(String name, java.time.Duration leaseTtl) {
      return LockRecipe.acquire(this, config.limits().maxKeyBytes(), name, Bytes.EMPTY, leaseTtl, -1);
    }

    @Override
    public quorumkv.client.KvLock lock(String name, java.time.Duration leaseTtl, java.time.Duration maxWait) {
      return LockRecipe.acquire(this, config.limits().maxKeyBytes(), name, Bytes.EMPTY, leaseTtl, maxWait.toNanos());
    }

    @Override
    public quorumkv.client.KvElection election(String name, java.time.Duration leaseTtl) {
      return new ElectionFacet(this, config.limits().maxKeyBytes(), name, leaseTtl);
    }

    @Override
    public AsyncKvClient async() {
      return async;
    }

    @Override
    public KvClient withDurability(Durability d) {
      return ClientCore.this.withDurability(d);
    }

    @Override
    public Durability durability() {
      return durability;
    }

    @Override
    public KvAdmin admin() {
      return admin;
    }

    @Override
    public quorumkv.client.Watch watch(quorumkv.client.WatchOptions options, quorumkv.client.WatchListener listener) {
      if (caller != null) {
        throw new UnsupportedOperationException("watches on behalf of another caller are not supported yet");
      }
      return ClientCore.this.watch(options, listener);
    }

    @Override
    public long lastSeenIndex() {
      return ClientCore.this.lastSeenIndex();
    }

    @Override
    public void close() {
      // A view owns nothing.
    }

    @Override
    public String toString() {
      return ClientCore.this + "/" + durability;
    }
  }

  // ------------------------------------------------------------------------------------------ operations

  /** The asynchronous operations; the blocking ones in {@link KvClient} wait for these. */
  private final class AsyncFacet implements AsyncKvClient {
    private final Durability durability;
    /** Reads complete on the replying thread: only a blocked caller waits on them (never handed out). */
    private final boolean callerWaits;
    /** Whom every request is sent on behalf of; null: this client itself. */
    private final Caller caller;

    AsyncFacet(Durability durability, boolean callerWaits) {
      this(durability, callerWaits, null);
    }

    AsyncFacet(Durability durability, boolean callerWaits, Caller caller) {
      this.durability = durability;
      this.callerWaits = callerWaits;
      this.caller = caller;
    }

    @Override
    public CompletableFuture<KvResult.Get> get(Bytes key, ReadConsistency consistency) {
      return get(key, ReadOptions.of(consistency));
    }

    @Override
    public CompletableFuture<KvResult.Get> get(Bytes key, ReadOptions options) {
      return read(caller, "get " + key, new Command.Get(Objects.requireNonNull(key, "key")), options, Results::get, callerWaits);
    }

    @Override
    public CompletableFuture<KvResult.Range> range(Bytes start, Bytes end, int limit, ReadConsistency consistency) {
      return range(start, end, limit, ReadOptions.of(consistency));
    }

    @Override
    public CompletableFuture<KvResult.Range> range(Bytes start, Bytes end, int limit, ReadOptions options) {
      return read(caller, "range [" + start + ", " + end + ")", new Command.Range(Objects.requireNonNull(start, "start"),
          Objects.requireNonNull(end, "end"), limit), options, Results::range, callerWaits);
    }

    @Override
    public CompletableFuture<KvResult.Put> put(Bytes key, Bytes value) {
      return write(caller, durability, "put " + key, new Command.Put(Objects.requireNonNull(key, "key"),
          Objects.requireNonNull(value, "value")), Results::put);
    }

    @Override
    public CompletableFuture<KvResult.Put> put(Bytes key, Bytes value, long leaseId) {
      return write(caller, durability, "put " + key + " with lease " + leaseId, new Command.Put(
          Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"), leaseId), Results::put);
    }

    @Override
    public CompletableFuture<KvResult.Lease> grantLease(java.time.Duration ttl) {
      return write(caller, durability, "grant lease of " + ttl, Command.Lease.grant(ttl.toMillis()), Results::lease);
    }

    @Override
    public CompletableFuture<KvResult.Lease> keepAliveLease(long leaseId) {
      return write(caller, durability, "keep lease " + leaseId + " alive", Command.Lease.keepAlive(leaseId),
          Results::lease);
    }

    @Override
    public CompletableFuture<KvResult.Lease> revokeLease(long leaseId) {
      return write(caller, durability, "revoke lease " + leaseId, Command.Lease.revoke(leaseId), Results::lease);
    }

    @Override
    public CompletableFuture<KvResult.Lease> leaseTimeToLive(long leaseId) {
      return read(caller, "time to live of lease " + leaseId, Command.Lease.timeToLive(leaseId),
          ReadOptions.linearizable(), Results::lease, callerWaits);
    }

    @Override
    public CompletableFuture<KvResult.Delete> delete(Bytes key) {
      return write(caller, durability, "delete " + key, new Command.Delete(Objects.requireNonNull(key, "key")),
          Results::delete);
    }

    @Override
    public CompletableFuture<KvResult.Cas> compareAndSet(Bytes key, long expectedModRevision, Bytes value) {
      return write(caller, durability, "compareAndSet " + key, new Command.CompareAndSet(Objects.requireNonNull(key, "key"),
          new Command.Expected.Revision(expectedModRevision), Objects.requireNonNull(value, "value")), Results::cas);
    }

    @Override
    public CompletableFuture<KvResult.Cas> compareAndSet(Bytes key, Bytes expectedValue, Bytes value) {
      return write(caller, durability, "compareAndSet " + key, new Command.CompareAndSet(Objects.requireNonNull(key, "key"),
          new Command.Expected.Value(Objects.requireNonNull(expectedValue, "expectedValue")),
          Objects.requireNonNull(value, "value")), Results::cas);
    }

    @Override
    public CompletableFuture<KvResult.Cas> putIfAbsent(Bytes key, Bytes value) {
      return write(caller, durability, "putIfAbsent " + key, new Command.PutIfAbsent(Objects.requireNonNull(key, "key"),
          Objects.requireNonNull(value, "value")), Results::cas);
    }

    @Override
    public CompletableFuture<KvResult.Txn> txn(Command.Txn txn) {
      return write(caller, durability, "txn", Objects.requireNonNull(txn, "txn"), Results::txn);
    }
  }

  private <T> CompletableFuture<T> read(Caller caller, String op, Command command, ReadOptions options,
      Function<Response.Ok, T> toResult, boolean callerWaits) {
    Objects.requireNonNull(options, "options");
    Request.Read request = new Request.Read(List.of(command));
    byte[] bytes = RequestCodec.encode(request);
    CompletableFuture<T> refused = refuse(op, request, bytes);
    if (refused != null) {
      return refused;
    }
    if (caller != null) {
      bytes = RequestCodec.asCaller(caller, bytes);
    }
    Kind kind = options.consistency() == ReadConsistency.FOLLOWER ? Kind.FOLLOWER_READ : Kind.LINEARIZABLE_READ;
    RaftPeerId replica = options.replica() == null ? null : RaftPeerId.valueOf(options.replica());
    long minIndex = Math.max(calls.lastSeenIndex(), options.minIndex());
    if (reads != null && caller == null && kind == Kind.LINEARIZABLE_READ && replica == null
        && ReadBatcher.coalescable(command)) {
      return reads.submit(op, command, bytes, minIndex, System.nanoTime() + config.deadline().toNanos(),
          callerWaits).thenApply(toResult);
    }
    return calls.run(op, kind, bytes, replica, minIndex, config.deadline().toNanos(),
        (ok, code) -> calls.observe(ok), callerWaits).thenApply(toResult);
  }

  private <T extends KvResult> CompletableFuture<T> write(Caller caller, Durability durability, String op,
      Command command, Function<Response.Ok, T> toResult) {
    long startNanos = System.nanoTime();
    // Check the limits before numbering the call: the session header has a fixed size.
    Request.Write probe = Request.Write.unsessioned(List.of(command));
    byte[] probeBytes = RequestCodec.encode(probe);
    CompletableFuture<T> refused = refuse(op, probe, probeBytes);
    if (refused != null) {
      return refused;
    }
    long deadlineNanos = startNanos + config.deadline().toNanos();
    CompletableFuture<T> committed = (caller == null ? writes.submit(op, command, probeBytes.length, deadlineNanos)
        : writes.sendAs(caller, op, command, deadlineNanos)).thenApply(toResult);
    if (durability == Durability.QUORUM) {
      return committed;
    }
    return committed.thenCompose(r -> onEveryVoter(op, r, deadlineNanos));
  }

  /**
   * Completes with {@code result} once the leader sees its entry in the log of every voter, or fails
   * with {@link KvReplicationIncompleteException} (carrying {@code result}) if that is not confirmed by
   * {@code deadlineNanos}. The watch is its own call: it follows leader changes, and its pending RPC is
   * bounded by the deadline, not by the server's hidden watch timeout.
   */
  private <T extends KvResult> CompletableFuture<T> onEveryVoter(String call, T result, long deadlineNanos) {
    long remaining = Math.max(0, deadlineNanos - System.nanoTime());
    return calls.run(call + " on every voter", Kind.WATCH, new byte[0], null, result.index(), remaining,
        (ok, code) -> {}, false).handle((ok, e) -> {
          if (e == null) {
            return result;
          }
          Throwable cause = Failures.forCaller(e);
          throw new KvReplicationIncompleteException(call + " applied at index " + result.index()
              + " (committed on a quorum) but not confirmed on every voter within the deadline: "
              + cause.getMessage(), result, cause);
        });
  }

  /** A failed future if the request breaks a limit (or the client is closed), else null. */
  private <T> CompletableFuture<T> refuse(String op, Request request, byte[] bytes) {
    if (calls.closed()) {
      return CompletableFuture.failedFuture(new KvUnavailableException(op + ": the client is closed", null));
    }
    Response.Failed f = config.limits().check(request, bytes.length);
    if (f != null) {
      return CompletableFuture.failedFuture(
          new KvRejectedException(f.code(), op + " rejected before sending: " + f.message(), null));
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------ close

  @Override
  public void close() {
    if (calls.closed()) {
      return;
    }
    watches.close();
    members.close();
    calls.close("the client was closed");
    writes.close();
    if (reads != null) {
      reads.close();
    }
    transport.close();
    timer.shutdownNow();
    callbacks.shutdown();
    try {
      if (!callbacks.awaitTermination(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS)) {
        callbacks.shutdownNow();
      }
      timer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callbacks.shutdownNow();
    }
    LOG.info("{}: closed (session {})", name, writes.sessionId());
  }

  /** Daemon threads named {@code <prefix>-1}, {@code <prefix>-2}, ...: the client never holds the JVM open. */
  private static ThreadFactory threads(String prefix) {
    return new ThreadFactoryBuilder().setNameFormat(prefix + "-%d").setDaemon(true).build();
  }

  @Override
  public String toString() {
    return name + config.addresses();
  }
}
