package quorumkv.client.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvUnavailableException;
import quorumkv.client.internal.RaftTransport.Kind;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;

/**
 * The way of a write from validated command to sent call: the {@link Session} numbers it (exactly-once),
 * the {@link Batcher} groups concurrent single-key writes into one call when batching is on, and
 * {@link CallRunner} sends and retries the call. Both helpers live here so that a write is read, and
 * its stack at the Ratis call seen, in one file.
 */
final class WritePath {
  private static final Logger LOG = LoggerFactory.getLogger(WritePath.class);

  private final String name;
  private final CallRunner.Calls calls;
  private final AtomicReference<Session> session = new AtomicReference<>(Session.random());
  /** Null when write batching is off. */
  private final Batcher batcher;

  WritePath(String name, CallRunner.Calls calls, KvClientConfig config) {
    this.name = name;
    this.calls = calls;
    KvClientConfig.WriteBatching batching = config.writeBatching();
    this.batcher = batching.enabled()
        ? new Batcher(this::send, Math.min(batching.maxWrites(), config.limits().maxOperations()),
            batching.inFlight(),
            // Members' sizes are of whole requests each: their sum over-counts a batch's headers, and a
            // batch of two or more adds less session header than that over-count.
            config.limits().maxRequestBytes())
        : null;
  }

  /**
   * Sends one write ({@code encodedBytes}: its size as a request of its own), batched with others if it
   * writes one key and batching is on; {@code deadlineNanos} is System.nanoTime based.
   */
  CompletableFuture<Response.Ok> submit(String op, Command command, int encodedBytes, long deadlineNanos) {
    if (batcher != null && Batcher.batchKey(command) != null) {
      return batcher.submit(op, command, encodedBytes, deadlineNanos);
    }
    return send(op, List.of(command), deadlineNanos);
  }

  /**
   * One write call: the next call id of the current session, sent and retried by a {@link CallRunner}
   * until it settles or {@code deadlineNanos} passes. The batcher sends its batches through here.
   */
  private CompletableFuture<Response.Ok> send(String op, List<Command> commands, long deadlineNanos) {
    return send(op, commands, deadlineNanos, null);
  }

  /** One write on behalf of {@code caller}, never batched with another caller's (see {@code KvClient.onBehalfOf}). */
  CompletableFuture<Response.Ok> sendAs(Caller caller, String op, Command command, long deadlineNanos) {
    return send(op, List.of(command), deadlineNanos, caller);
  }

  private CompletableFuture<Response.Ok> send(String op, List<Command> commands, long deadlineNanos, Caller caller) {
    Session s = session.get();
    Request.Write request = s.newWrite(commands);
    byte[] bytes = RequestCodec.encode(request);
    if (caller != null) {
      bytes = RequestCodec.asCaller(caller, bytes);
    }
    String call = op + " (call " + request.callId() + ")";
    long remaining = Math.max(0, deadlineNanos - System.nanoTime());
    return calls.run(call, Kind.WRITE, bytes, null, 0, remaining, (ok, code) -> {
      s.finish(request.callId());
      calls.observe(ok);
      if (code == ErrorCode.SESSION_EXPIRED && session.compareAndSet(s, Session.random())) {
        LOG.warn("{}: the cluster expired session {}; continuing with session {}", name, s.id(), session.get().id());
      }
    }, false);
  }

  /** The current session's id (a new one after the cluster expired the old). */
  UUID sessionId() {
    return session.get().id();
  }

  /** Fails the writes still queued for a batch (never sent); calls in flight end through {@link CallRunner}. */
  void close() {
    if (batcher != null) {
      batcher.close();
    }
  }

  /**
   * A client session for exactly-once writes (Raft dissertation, section 6.3): a random id, write calls
   * numbered 1, 2, 3..., and the set of calls still outstanding. Each request carries
   * {@code firstUnackedCallId}, the lowest outstanding call id (its own included), which tells the cluster
   * it may forget the recorded results of every earlier call.
   *
   * <p>A call leaves the outstanding set when its reply arrives or when the client gives up on it (the
   * deadline ran out, or the client closed). After giving up the client never re-sends that call, so the
   * cluster need not keep its result; and a late copy still in the network is refused as a stale call
   * once a later request has moved the mark past it, instead of applying after the caller was told it
   * might not.
   */
  static final class Session {
    private final UUID id;
    private long nextCallId = 1;
    private final NavigableSet<Long> outstanding = new TreeSet<>();

    Session(UUID id) {
      this.id = id;
    }

    static Session random() {
      return new Session(UUID.randomUUID());
    }

    UUID id() {
      return id;
    }

    /**
     * Numbers a new write call and marks it outstanding. Allocation and registration happen under one
     * lock: otherwise a later call could compute its mark before an earlier id is registered, and the
     * cluster would drop (or refuse) the earlier call.
     */
    synchronized Request.Write newWrite(List<Command> commands) {
      long callId = nextCallId++;
      outstanding.add(callId);
      return new Request.Write(id, callId, outstanding.first(), commands);
    }

    /** The call got its reply, or the client gave up on it. */
    synchronized void finish(long callId) {
      outstanding.remove(callId);
    }

    /** The mark the next write would carry if no call finishes before it. */
    synchronized long firstUnacked() {
      return outstanding.isEmpty() ? nextCallId : outstanding.first();
    }

    synchronized int outstandingCount() {
      return outstanding.size();
    }
  }

  /**
   * Group commit for one client's single-key writes: at most {@code inFlight} write calls of this client
   * are outstanding; writes submitted meanwhile queue, and each call that ends makes room for the next
   * batch, which carries up to {@code maxWrites} queued writes in one request, so one Raft log entry (one
   * append, one replication round, one apply, one session record) serves all of them. A lone write goes
   * out at once, as it would without batching.
   *
   * <p>Why this is safe: the writes of a batch were all pending at the same time, so any order between
   * them is a valid linearization, and the entry applies them atomically in queue order. A batch never
   * holds two writes on one key, so each key still changes at most once per revision (a compare-and-set
   * by revision stays exact); different keys of one batch share the entry's revision, like the keys of a
   * transaction. Exactly-once holds per batch: the batch is one session call, retried as a whole.
   *
   * <p>Outcomes: each write gets its own result from the batch's response. A failure of the call
   * (unavailable, outcome unknown, rejected) is every member's failure, with one exception: a batch that
   * the cluster refused as too large or too many operations (its limits may be lower than this client's)
   * was certainly not applied, so its writes go back to the head of the queue, in order, and from then on
   * this batcher puts at most half as many writes in one request (down to one): against nodes that allow
   * 8 operations, a client batching 64 is refused three times (64, 32, 16), not on every batch. A queued write whose deadline runs
   * out before it is sent fails as unavailable: it was never sent. The batch's call runs to the earliest
   * deadline of its members, so no write waits past its own.
   */
  static final class Batcher {
    /** Sends one write call carrying {@code commands} in one request, retried until {@code deadlineNanos}. */
    interface Sender {
      CompletableFuture<Response.Ok> send(String op, List<Command> commands, long deadlineNanos);
    }

    private record Pending(String op, Command command, Bytes key, int encodedBytes, long deadlineNanos,
        CompletableFuture<Response.Ok> result) {}

    private final Sender sender;
    private final int inFlightLimit;
    private final int maxRequestBytes;

    // Guarded by this.
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Lowered when the cluster refuses a batch for its size. */
    private int maxWrites;
    private int inFlight;
    private boolean closed;

    Batcher(Sender sender, int maxWrites, int inFlightLimit, int maxRequestBytes) {
      this.sender = sender;
      this.maxWrites = maxWrites;
      this.inFlightLimit = inFlightLimit;
      this.maxRequestBytes = maxRequestBytes;
    }

    /** The key a batchable command writes, or null if the command may not share an entry (transactions). */
    static Bytes batchKey(Command command) {
      if (command instanceof Command.Put p) {
        return p.key();
      } else if (command instanceof Command.Delete d) {
        return d.key();
      } else if (command instanceof Command.CompareAndSet c) {
        return c.key();
      } else if (command instanceof Command.PutIfAbsent p) {
        return p.key();
      }
      return null;
    }

    /**
     * Queues one write ({@code encodedBytes}: its size as a request of its own, an upper bound of what it
     * adds to a batch); the future completes with a response holding this write's result only.
     */
    CompletableFuture<Response.Ok> submit(String op, Command command, int encodedBytes, long deadlineNanos) {
      Bytes key = batchKey(command);
      if (key == null) {
        throw new IllegalArgumentException(op + " cannot be batched");
      }
      Pending p = new Pending(op, command, key, encodedBytes, deadlineNanos, new CompletableFuture<>());
      List<List<Pending>> ready = new ArrayList<>();
      List<Pending> expired = new ArrayList<>();
      synchronized (this) {
        if (closed) {
          p.result().completeExceptionally(new KvUnavailableException(op + ": the client is closed", null));
          return p.result();
        }
        queue.add(p);
        takeBatchesLocked(ready, expired);
      }
      dispatch(ready, expired);
      return p.result();
    }

    /** Fails every queued write (they were never sent); calls in flight end through their own calls. */
    void close() {
      List<Pending> dropped;
      synchronized (this) {
        closed = true;
        dropped = new ArrayList<>(queue);
        queue.clear();
      }
      for (Pending p : dropped) {
        p.result().completeExceptionally(new KvUnavailableException(p.op() + ": the client was closed before the"
            + " write was sent", null));
      }
    }

    /** Forms batches while there is room in flight; drops queued writes whose deadline has passed. */
    private void takeBatchesLocked(List<List<Pending>> ready, List<Pending> expired) {
      long now = System.nanoTime();
      for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
        Pending p = it.next();
        if (p.deadlineNanos() - now <= 0) {
          it.remove();
          expired.add(p);
        }
      }
      while (inFlight < inFlightLimit && !queue.isEmpty()) {
        List<Pending> batch = new ArrayList<>();
        Set<Bytes> keys = new HashSet<>();
        int bytes = 0;
        while (!queue.isEmpty() && batch.size() < maxWrites) {
          Pending next = queue.peek();
          if (keys.contains(next.key()) || (!batch.isEmpty() && bytes + next.encodedBytes() > maxRequestBytes)) {
            break; // stop here rather than skip it: writes leave the queue in the order they came
          }
          queue.poll();
          batch.add(next);
          keys.add(next.key());
          bytes += next.encodedBytes();
        }
        inFlight++;
        ready.add(batch);
      }
    }

    private void dispatch(List<List<Pending>> ready, List<Pending> expired) {
      for (Pending p : expired) {
        p.result().completeExceptionally(new KvUnavailableException(p.op() + ": the deadline ran out while the write"
            + " was queued behind earlier writes of this client; it was not sent", null));
      }
      for (List<Pending> batch : ready) {
        send(batch);
      }
    }

    private void send(List<Pending> batch) {
      long deadline = batch.get(0).deadlineNanos();
      List<Command> commands = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        deadline = p.deadlineNanos() - deadline < 0 ? p.deadlineNanos() : deadline;
        commands.add(p.command());
      }
      String op = batch.size() == 1 ? batch.get(0).op()
          : "batch of " + batch.size() + " writes [" + batch.get(0).op() + ", ...]";
      CompletableFuture<Response.Ok> call;
      try {
        call = sender.send(op, commands, deadline);
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      call.whenComplete((ok, error) -> {
        try {
          if (error == null) {
            split(batch, ok);
          } else if (batch.size() > 1 && tooBig(Failures.forCaller(error))) {
            requeueSmaller(batch, Failures.forCaller(error));
          } else {
            for (Pending p : batch) {
              p.result().completeExceptionally(Failures.forCaller(error));
            }
          }
        } finally {
          finished();
        }
      });
    }

    private static void split(List<Pending> batch, Response.Ok ok) {
      if (ok.results().size() != batch.size()) {
        for (Pending p : batch) {
          p.result().completeExceptionally(new KvIndeterminateException(p.op() + ": a batch of " + batch.size()
              + " writes got " + ok.results().size() + " results; the write may have applied", null));
        }
        return;
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result().complete(new Response.Ok(ok.index(), List.of(ok.results().get(i))));
      }
    }

    /** The cluster refused the batch as a whole for its size: nothing of it applied. */
    private static boolean tooBig(Throwable t) {
      return t instanceof KvRejectedException r
          && (r.code() == ErrorCode.TOO_MANY_OPERATIONS || r.code() == ErrorCode.REQUEST_TOO_LARGE);
    }

    /** The refused batch's writes go back first, in order; later batches are at most half its size. */
    private void requeueSmaller(List<Pending> batch, Throwable refusal) {
      boolean wasClosed;
      int lowered;
      synchronized (this) {
        maxWrites = Math.min(maxWrites, Math.max(1, batch.size() / 2));
        lowered = maxWrites;
        wasClosed = closed;
        if (!closed) {
          for (int i = batch.size() - 1; i >= 0; i--) {
            queue.addFirst(batch.get(i));
          }
        }
      }
      LOG.warn("the cluster refused a batch of {} writes ({}); batching at most {} writes per request from now on",
          batch.size(), refusal.getMessage(), lowered);
      if (wasClosed) {
        for (Pending p : batch) {
          p.result().completeExceptionally(new KvUnavailableException(p.op() + ": the client was closed before the"
              + " write was sent again (its batch was refused as too large; it was not applied)", null));
        }
      }
    }

    private void finished() {
      List<List<Pending>> ready = new ArrayList<>();
      List<Pending> expired = new ArrayList<>();
      synchronized (this) {
        inFlight--;
        if (!closed) {
          takeBatchesLocked(ready, expired);
        }
      }
      dispatch(ready, expired);
    }

    /** Writes waiting to be sent (for tests and diagnostics). */
    synchronized int queued() {
      return queue.size();
    }

    @Override
    public synchronized String toString() {
      return "Batcher[maxWrites=" + maxWrites + ", inFlight " + inFlight + "/" + inFlightLimit + ", queued "
          + queue.size() + "]";
    }
  }
}
