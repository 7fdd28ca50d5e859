package quorumkv.client.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.AsyncKvClient;
import quorumkv.client.Durability;
import quorumkv.client.KvAdmin;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvReplicationIncompleteException;
import quorumkv.client.KvResult;
import quorumkv.client.KvUnavailableException;
import quorumkv.client.ReadConsistency;
import quorumkv.client.internal.RaftTransport.Kind;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.ClusterIds;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;

/**
 * The {@link KvClient} over one Ratis {@link RaftTransport}: builds and validates requests, keeps the
 * session and the highest index seen, and runs each operation as a {@link RetryingCall}.
 *
 * <p>Threads: one timer thread (deadlines, attempt timeouts, backoff pauses) and a cached pool of
 * callback threads that complete the callers' futures and run member discovery; plus whatever the
 * RaftClient's gRPC channels use. {@link #close()} ends all of them.
 */
public final class RatisKvClient implements KvClient {
  private static final Logger LOG = LoggerFactory.getLogger(RatisKvClient.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final long DISCOVERY_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final KvClientConfig config;
  private final String name;
  private final PeerView peers;
  private final RaftTransport transport;
  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService callbacks;
  private final RetryingCall.Context context;
  private final AtomicReference<Session> session = new AtomicReference<>(Session.random());
  private final AtomicLong lastSeenIndex = new AtomicLong();
  private final Set<RetryingCall> active = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean discovering = new AtomicBoolean();
  private volatile long lastDiscoveryNanos = System.nanoTime() - DISCOVERY_INTERVAL_NANOS;
  private volatile boolean closed;
  private final AsyncKvClient async = new AsyncFacet(Durability.QUORUM);
  private final KvClient allView = new View(Durability.ALL);
  private final RatisAdmin admin;
  /** Null when write batching is off. */
  private final WriteBatcher batcher;

  private RatisKvClient(KvClientConfig config) {
    this.config = config;
    this.name = "quorumkv-client-" + INSTANCES.incrementAndGet();
    this.peers = new PeerView(config.addresses());
    RaftGroupId groupId = RaftGroupId.valueOf(ClusterIds.groupId(config.clusterId()));
    this.transport = new RaftTransport(ClientId.randomId(), groupId, peers.seeds(),
        TimeDuration.valueOf(config.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS),
        TimeDuration.valueOf(config.deadline().toMillis(), TimeUnit.MILLISECONDS));
    this.timer = new ScheduledThreadPoolExecutor(1, threads(name + "-timer"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.callbacks = Executors.newCachedThreadPool(threads(name + "-callback"));
    this.context = new RetryingCall.Context(transport, peers,
        new Backoff(config.backoffBase(), config.backoffMax()), timer, callbacks, config.rpcTimeout().toNanos(),
        this::discoverInBackground);
    this.admin = new RatisAdmin(name, transport, peers, config.deadline());
    KvClientConfig.WriteBatching batching = config.writeBatching();
    this.batcher = batching.enabled()
        ? new WriteBatcher(this::sendWrite, Math.min(batching.maxWrites(), config.limits().maxOperations()),
            batching.inFlight(),
            // Members' sizes are of whole requests each: their sum over-counts a batch's headers, and a
            // batch of two or more adds less session header than that over-count.
            config.limits().maxRequestBytes())
        : null;
  }

  /** Creates a client and tries once to learn the group's members; see {@link KvClient#connect}. */
  public static RatisKvClient connect(KvClientConfig config) {
    RatisKvClient client = new RatisKvClient(Objects.requireNonNull(config, "config"));
    client.discover();
    LOG.info("{}: connected to cluster {} via {} (members {}, leader {}), session {}", client.name,
        config.clusterId(), config.addresses(), client.peers.members(), client.peers.leader(),
        client.session.get().id());
    return client;
  }

  // ------------------------------------------------------------------------------------------ facets

  @Override
  public AsyncKvClient async() {
    return async;
  }

  @Override
  public long lastSeenIndex() {
    return lastSeenIndex.get();
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

  /** The same client with another write durability; owns nothing, so closing it does nothing. */
  private final class View implements KvClient {
    private final Durability durability;
    private final AsyncKvClient async;

    View(Durability durability) {
      this.durability = durability;
      this.async = new AsyncFacet(durability);
    }

    @Override
    public AsyncKvClient async() {
      return async;
    }

    @Override
    public KvClient withDurability(Durability d) {
      return RatisKvClient.this.withDurability(d);
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
    public long lastSeenIndex() {
      return RatisKvClient.this.lastSeenIndex();
    }

    @Override
    public void close() {
      // A view owns nothing.
    }

    @Override
    public String toString() {
      return RatisKvClient.this + "/" + durability;
    }
  }

  /** The current session's id (a new one after the cluster expired the old). */
  public java.util.UUID sessionId() {
    return session.get().id();
  }

  // ------------------------------------------------------------------------------------------ operations

  /** The asynchronous operations; the blocking ones in {@link KvClient} wait for these. */
  private final class AsyncFacet implements AsyncKvClient {
    private final Durability durability;

    AsyncFacet(Durability durability) {
      this.durability = durability;
    }

    @Override
    public CompletableFuture<KvResult.Get> get(Bytes key, ReadConsistency consistency) {
      return read("get " + key, new Command.Get(key), consistency, Results::get);
    }

    @Override
    public CompletableFuture<KvResult.Range> range(Bytes start, Bytes end, int limit, ReadConsistency consistency) {
      return read("range [" + start + ", " + end + ")", new Command.Range(start, end, limit), consistency,
          Results::range);
    }

    @Override
    public CompletableFuture<KvResult.Put> put(Bytes key, Bytes value) {
      return write(durability, "put " + key, new Command.Put(key, Objects.requireNonNull(value, "value")), Results::put);
    }

    @Override
    public CompletableFuture<KvResult.Delete> delete(Bytes key) {
      return write(durability, "delete " + key, new Command.Delete(key), Results::delete);
    }

    @Override
    public CompletableFuture<KvResult.Cas> compareAndSet(Bytes key, long expectedModRevision, Bytes value) {
      return write(durability, "compareAndSet " + key, new Command.CompareAndSet(key,
          new Command.Expected.Revision(expectedModRevision), Objects.requireNonNull(value, "value")), Results::cas);
    }

    @Override
    public CompletableFuture<KvResult.Cas> compareAndSet(Bytes key, Bytes expectedValue, Bytes value) {
      return write(durability, "compareAndSet " + key, new Command.CompareAndSet(key,
          new Command.Expected.Value(Objects.requireNonNull(expectedValue, "expectedValue")),
          Objects.requireNonNull(value, "value")), Results::cas);
    }

    @Override
    public CompletableFuture<KvResult.Cas> putIfAbsent(Bytes key, Bytes value) {
      return write(durability, "putIfAbsent " + key, new Command.PutIfAbsent(key, Objects.requireNonNull(value, "value")),
          Results::cas);
    }

    @Override
    public CompletableFuture<KvResult.Txn> txn(Command.Txn txn) {
      return write(durability, "txn", Objects.requireNonNull(txn, "txn"), Results::txn);
    }
  }

  private <T> CompletableFuture<T> read(String op, Command command, ReadConsistency consistency,
      Function<Response.Ok, T> toResult) {
    Objects.requireNonNull(consistency, "consistency");
    Request.Read request = new Request.Read(List.of(requireKeys(command)));
    byte[] bytes = RequestCodec.encode(request);
    CompletableFuture<T> refused = refuse(op, request, bytes);
    if (refused != null) {
      return refused;
    }
    Kind kind = consistency == ReadConsistency.FOLLOWER ? Kind.FOLLOWER_READ : Kind.LINEARIZABLE_READ;
    return run(op, kind, bytes, lastSeenIndex.get(), config.deadline().toNanos(), (ok, code) -> observe(ok))
        .thenApply(toResult);
  }

  private <T extends KvResult> CompletableFuture<T> write(Durability durability, String op, Command command,
      Function<Response.Ok, T> toResult) {
    long startNanos = System.nanoTime();
    List<Command> commands = List.of(requireKeys(command));
    // Check the limits before numbering the call: the session header has a fixed size.
    Request.Write probe = Request.Write.unsessioned(commands);
    byte[] probeBytes = RequestCodec.encode(probe);
    CompletableFuture<T> refused = refuse(op, probe, probeBytes);
    if (refused != null) {
      return refused;
    }
    long deadlineNanos = startNanos + config.deadline().toNanos();
    CompletableFuture<T> committed = (batcher != null && WriteBatcher.batchKey(command) != null
        ? batcher.submit(op, command, probeBytes.length, deadlineNanos)
        : sendWrite(op, commands, deadlineNanos)).thenApply(toResult);
    if (durability == Durability.QUORUM) {
      return committed;
    }
    return committed.thenCompose(r -> onEveryVoter(op, r, deadlineNanos));
  }

  /**
   * One write call: the next call id of the current session, sent and retried by a {@link RetryingCall}
   * until it settles or {@code deadlineNanos} (System.nanoTime based) passes. {@link WriteBatcher} sends
   * its batches through here.
   */
  private CompletableFuture<Response.Ok> sendWrite(String op, List<Command> commands, long deadlineNanos) {
    Session s = session.get();
    Request.Write request = s.newWrite(commands);
    byte[] bytes = RequestCodec.encode(request);
    String call = op + " (call " + request.callId() + ")";
    long remaining = Math.max(0, deadlineNanos - System.nanoTime());
    return run(call, Kind.WRITE, bytes, 0, remaining, (ok, code) -> {
      s.finish(request.callId());
      observe(ok);
      if (code == ErrorCode.SESSION_EXPIRED && session.compareAndSet(s, Session.random())) {
        LOG.warn("{}: the cluster expired session {}; continuing with session {}", name, s.id(), session.get().id());
      }
    });
  }

  /**
   * Completes with {@code result} once the leader sees its entry in the log of every voter, or fails
   * with {@link KvReplicationIncompleteException} (carrying {@code result}) if that is not confirmed by
   * {@code deadlineNanos}. The watch is its own RetryingCall: it follows leader changes, and its pending
   * RPC is bounded by the deadline, not by the server's hidden watch timeout.
   */
  private <T extends KvResult> CompletableFuture<T> onEveryVoter(String call, T result, long deadlineNanos) {
    long remaining = Math.max(0, deadlineNanos - System.nanoTime());
    return run(call + " on every voter", Kind.WATCH, new byte[0], result.index(), remaining, (ok, code) -> {})
        .handle((ok, e) -> {
          if (e == null) {
            return result;
          }
          Throwable cause = Blocking.unwrap(e);
          throw new KvReplicationIncompleteException(call + " applied at index " + result.index()
              + " (committed on a quorum) but not confirmed on every voter within the deadline: "
              + cause.getMessage(), result, cause);
        });
  }

  private static Command requireKeys(Command command) {
    if (command instanceof Command.Get g) {
      Objects.requireNonNull(g.key(), "key");
    } else if (command instanceof Command.Put p) {
      Objects.requireNonNull(p.key(), "key");
    } else if (command instanceof Command.Delete d) {
      Objects.requireNonNull(d.key(), "key");
    } else if (command instanceof Command.CompareAndSet c) {
      Objects.requireNonNull(c.key(), "key");
    } else if (command instanceof Command.PutIfAbsent p) {
      Objects.requireNonNull(p.key(), "key");
    } else if (command instanceof Command.Range r) {
      Objects.requireNonNull(r.start(), "start");
      Objects.requireNonNull(r.end(), "end");
    }
    return command;
  }

  /** A failed future if the request breaks a limit (or the client is closed), else null. */
  private <T> CompletableFuture<T> refuse(String op, Request request, byte[] bytes) {
    if (closed) {
      return CompletableFuture.failedFuture(new KvUnavailableException(op + ": the client is closed", null));
    }
    Response.Failed f = config.limits().check(request, bytes.length);
    if (f != null) {
      return CompletableFuture.failedFuture(
          new KvRejectedException(f.code(), op + " rejected before sending: " + f.message(), null));
    }
    return null;
  }

  private CompletableFuture<Response.Ok> run(String op, Kind kind, byte[] bytes, long minIndex, long deadlineNanos,
      RetryingCall.Hooks hooks) {
    Message message = bytes.length == 0 ? Message.EMPTY : Message.valueOf(ByteString.copyFrom(bytes));
    RetryingCall call = new RetryingCall(context, kind, op, message, minIndex, deadlineNanos, hooks);
    active.add(call);
    call.result().whenComplete((r, e) -> active.remove(call));
    if (closed) {
      call.abort("the client is closed");
    } else {
      call.start();
    }
    return call.result();
  }

  private void observe(Response.Ok ok) {
    if (ok != null) {
      lastSeenIndex.accumulateAndGet(ok.index(), Math::max);
    }
  }

  // ------------------------------------------------------------------------------------------ members

  /**
   * Asks the configured nodes, one at a time, for the group's members and leader until one answers.
   * Blocking, at most one RPC timeout per node; failure is not an error (calls find the leader through
   * NotLeaderException too).
   */
  private void discover() {
    lastDiscoveryNanos = System.nanoTime();
    for (var seed : peers.seeds()) {
      if (closed) {
        return;
      }
      try {
        MemberDiscovery.Found found = MemberDiscovery.parse(transport.groupInfo(seed.getId()));
        if (peers.learnMembers(found.members())) {
          transport.addPeers(found.members());
        }
        peers.leaderIs(found.leader());
        return;
      } catch (Exception e) {
        LOG.debug("{}: {} did not describe the group: {}", name, seed.getAddress(), e.toString());
      }
    }
  }

  /** While only the seeds are known, look the members up in the background, at most once a second. */
  private void discoverInBackground() {
    if (closed || System.nanoTime() - lastDiscoveryNanos < DISCOVERY_INTERVAL_NANOS
        || !discovering.compareAndSet(false, true)) {
      return;
    }
    try {
      callbacks.execute(() -> {
        try {
          discover();
        } finally {
          discovering.set(false);
        }
      });
    } catch (RuntimeException rejected) {
      discovering.set(false);
    }
  }

  // ------------------------------------------------------------------------------------------ close

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (batcher != null) {
      batcher.close();
    }
    for (RetryingCall call : active) {
      call.abort("the client was closed");
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
    LOG.info("{}: closed (session {})", name, session.get().id());
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String toString() {
    return name + config.addresses();
  }
}
