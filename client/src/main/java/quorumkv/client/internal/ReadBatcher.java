package quorumkv.client.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import quorumkv.client.KvUnavailableException;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestLimits;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;

/**
 * Coalesces a client's concurrent linearizable gets into one read request (issue 16: gets at 16 and 64 in
 * flight paid a gRPC call and a ReadIndex round each, and fell behind etcd, which coalesces reads on the
 * server). While {@code inFlightLimit} read calls of this batcher are outstanding, further gets queue; the
 * next call carries up to {@code maxReads} of them as the commands of one {@link Request.Read}, and each
 * caller gets its own command's result. A get with room in flight goes at once, alone: batching costs
 * latency only when the client already has reads outstanding.
 *
 * <p>Still linearizable: a queued get is sent after it was invoked, and the node serves the request at a
 * read index it confirms after receiving it, so every get sees each write acknowledged before it was
 * invoked. The request's minimum index is the highest of its members' (read-your-writes holds for each).
 * Only plain gets are coalesced (their results are small and per command: a command the caller may not run
 * gets its own PERMISSION_DENIED result, never the others'); scans, reads as another caller, follower reads
 * and reads pinned to a replica go alone.
 *
 * <p>A call of several gets that fails (the cluster's limits are lower than this client's, a reply too
 * large, an outage) is not the members' answer: each member is sent again alone, with what is left of
 * its own deadline, and gets the answer of its own call. Reads change nothing, so sending one twice is
 * harmless.
 */
final class ReadBatcher {
  /** @param alone the get encoded as a request of its own, as the caller made it (sent as is when alone) */
  private record Pending(String op, Command command, byte[] alone, long minIndex, long deadlineNanos,
      boolean callerWaits, CompletableFuture<Response.Ok> result) {}

  /**
   * Sends one linearizable read request ({@code request} encoded) at or after {@code minIndex}, retried until
   * {@code deadlineNanos} (System.nanoTime based); completes on the thread that settles the call.
   */
  interface Sender {
    CompletableFuture<Response.Ok> send(String op, byte[] request, long minIndex, long deadlineNanos);
  }

  private final Sender sender;
  private final Executor callbacks;
  private final int maxReads;
  private final int inFlightLimit;
  private final int maxRequestBytes;

  // Guarded by this.
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;
  private boolean closed;

  ReadBatcher(Sender sender, Executor callbacks, int maxReads, int inFlightLimit, int maxRequestBytes) {
    this.sender = sender;
    this.callbacks = callbacks;
    this.maxReads = maxReads;
    this.inFlightLimit = inFlightLimit;
    this.maxRequestBytes = maxRequestBytes;
  }

  /**
   * The reply of a request of gets carries every value: this many bytes at most, when each value is as large
   * as the limits allow, so that it stays well within Ratis's gRPC message limit (64 MB by default), which a
   * reply beyond would fail on every node.
   */
  static final int REPLY_BUDGET_BYTES = 32 << 20;

  /** Most gets in one request: {@code configured}, within the operation limit and the reply budget. */
  static int maxReads(int configured, RequestLimits limits) {
    int largestResult = limits.maxKeyBytes() + limits.maxValueBytes() + 64;
    return Math.max(1, Math.min(Math.min(configured, limits.maxOperations()), REPLY_BUDGET_BYTES / largestResult));
  }

  /** Whether a read of {@code command} may share a request with others. */
  static boolean coalescable(Command command) {
    return command instanceof Command.Get;
  }

  /**
   * Queues one linearizable get ({@code alone}: the get encoded as a request of its own; {@code
   * deadlineNanos} System.nanoTime based); the future completes with a response holding its result only.
   */
  CompletableFuture<Response.Ok> submit(String op, Command command, byte[] alone, long minIndex,
      long deadlineNanos, boolean callerWaits) {
    Pending p = new Pending(op, command, alone, minIndex, deadlineNanos, callerWaits, new CompletableFuture<>());
    List<List<Pending>> ready = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        p.result().completeExceptionally(new KvUnavailableException(op + ": the client is closed", null));
        return p.result();
      }
      queue.add(p);
      takeBatchesLocked(ready);
    }
    ready.forEach(this::send);
    return p.result();
  }

  /** Fails every queued read (never sent); calls in flight end through their own calls. */
  void close() {
    List<Pending> dropped;
    synchronized (this) {
      closed = true;
      dropped = new ArrayList<>(queue);
      queue.clear();
    }
    dropped.forEach(p -> p.result().completeExceptionally(
        new KvUnavailableException(p.op() + ": the client was closed before the read was sent", null)));
  }

  private void takeBatchesLocked(List<List<Pending>> ready) {
    while (inFlight < inFlightLimit && !queue.isEmpty()) {
      List<Pending> batch = new ArrayList<>();
      int bytes = 0;
      for (Iterator<Pending> it = queue.iterator(); it.hasNext() && batch.size() < maxReads; ) {
        Pending next = it.next();
        if (!batch.isEmpty() && bytes + next.alone().length > maxRequestBytes) {
          break;
        }
        it.remove();
        batch.add(next);
        bytes += next.alone().length;
      }
      inFlight++;
      ready.add(batch);
    }
  }

  private void send(List<Pending> taken) {
    // A get whose deadline passed while it queued goes alone (and fails as its own call would): in the
    // batch it would cut everyone's deadline to nothing, and the whole batch would have to ask again.
    long now = System.nanoTime();
    List<Pending> batch = new ArrayList<>(taken.size());
    for (Pending p : taken) {
      if (taken.size() > 1 && p.deadlineNanos() - now <= 0) {
        sendAlone(p).whenComplete((one, e) -> settle(p, one, e));
      } else {
        batch.add(p);
      }
    }
    if (batch.isEmpty()) {
      finished();
      return;
    }
    if (batch.size() == 1) {
      Pending p = batch.get(0);
      sendAlone(p).whenComplete((ok, error) -> {
        try {
          settle(p, ok, error);
        } finally {
          finished();
        }
      });
      return;
    }
    long minIndex = 0;
    long deadline = batch.get(0).deadlineNanos();
    List<Command> commands = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      minIndex = Math.max(minIndex, p.minIndex());
      deadline = p.deadlineNanos() - deadline < 0 ? p.deadlineNanos() : deadline;
      commands.add(p.command());
    }
    byte[] bytes = RequestCodec.encode(new Request.Read(commands));
    String op = "batch of " + batch.size() + " gets [" + batch.get(0).op() + ", ...]";
    CompletableFuture<Response.Ok> call = run(op, bytes, minIndex, deadline);
    call.whenComplete((ok, error) -> {
      try {
        if (error == null && ok.results().size() == batch.size()) {
          for (int i = 0; i < batch.size(); i++) {
            settle(batch.get(i), new Response.Ok(ok.index(), List.of(ok.results().get(i))), null);
          }
        } else {
          // Not the members' answer: each asks alone (outside the in-flight limit, as its own call).
          for (Pending p : batch) {
            sendAlone(p).whenComplete((one, e) -> settle(p, one, e));
          }
        }
      } finally {
        finished();
      }
    });
  }

  private CompletableFuture<Response.Ok> sendAlone(Pending p) {
    return run(p.op(), p.alone(), p.minIndex(), p.deadlineNanos());
  }

  private CompletableFuture<Response.Ok> run(String op, byte[] bytes, long minIndex, long deadlineNanos) {
    try {
      return sender.send(op, bytes, minIndex, deadlineNanos);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Completes a member as its own call would have: on the settling thread if its caller waits for it. */
  private void settle(Pending p, Response.Ok ok, Throwable error) {
    Runnable complete = error == null ? () -> p.result().complete(ok) : () -> p.result().completeExceptionally(
        error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error);
    if (p.callerWaits()) {
      complete.run();
      return;
    }
    try {
      callbacks.execute(complete);
    } catch (RejectedExecutionException closing) {
      complete.run();
    }
  }

  private void finished() {
    List<List<Pending>> ready = new ArrayList<>();
    synchronized (this) {
      inFlight--;
      if (!closed) {
        takeBatchesLocked(ready);
      }
    }
    ready.forEach(this::send);
  }

  /** Reads waiting to be sent (for tests and diagnostics). */
  synchronized int queued() {
    return queue.size();
  }
}
