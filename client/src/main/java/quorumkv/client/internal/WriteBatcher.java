package quorumkv.client.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvUnavailableException;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Response;

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
final class WriteBatcher {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WriteBatcher.class);
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

  WriteBatcher(Sender sender, int maxWrites, int inFlightLimit, int maxRequestBytes) {
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
        } else if (batch.size() > 1 && tooBig(Blocking.unwrap(error))) {
          requeueSmaller(batch, Blocking.unwrap(error));
        } else {
          for (Pending p : batch) {
            p.result().completeExceptionally(Blocking.unwrap(error));
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
    return "WriteBatcher[maxWrites=" + maxWrites + ", inFlight " + inFlight + "/" + inFlightLimit + ", queued "
        + queue.size() + "]";
  }
}
