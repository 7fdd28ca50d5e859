package quorumkv.client.internal;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StaleReadException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvUnavailableException;
import quorumkv.client.internal.Failures.AttemptFailure;
import quorumkv.client.internal.RaftTransport.Kind;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.ResultCodec;

/**
 * One operation from first attempt to final outcome: sends the same message until a reply settles it
 * or the deadline runs out, choosing a node per attempt ({@link Members}) and pausing with
 * {@link Backoff} between attempts; each failure is classified by {@link Failures}. A
 * NotLeaderException that names a new leader is followed at once (a bounded number of hops per call);
 * everything else waits a backoff pause first. A call pinned to one replica sends every attempt there.
 *
 * <p>Hedging (writes only): an attempt unanswered after {@code hedgeAfter} sends the same request to
 * another node as a probe, again every {@code hedgeAfter} while the attempt stays silent. A follower
 * refuses it unread, naming the leader it follows; if that is a different node (a new leader was elected
 * while the silent one is frozen), the call moves there at once instead of waiting out the RPC timeout. A
 * probe that reaches the new leader itself is simply served. Exactly-once holds as for any retry: every
 * copy carries the same session and sequence number, and the state machine applies it once.
 *
 * <p>The outcome is decided exactly once, under this object's lock, and reported on the callback
 * executor after the {@link Hooks} ran (so the client's seen index and session are updated before the
 * caller sees the result); a blocking read's outcome is reported on the settling thread. A late reply of an attempt that timed out still counts if it arrives first.
 * At the deadline a write that may have been appended by any attempt ends indeterminate; every other
 * unfinished call ends unavailable.
 */
final class CallRunner {
  private static final Logger LOG = LoggerFactory.getLogger(CallRunner.class);
  /**
   * How many attempts a call makes at the backoff's shortest pause (12-25 ms by default) while no
   * reachable node is known to lead, before its pauses grow: about half a second of asking around, which
   * covers an election with the compose file's timeouts; a cluster without a leader for longer (a lost
   * majority) then gets the usual growing pauses, not a stream of requests.
   */
  static final int SEARCH_ATTEMPTS = 24;

  /** Runs synchronously before the caller's future completes. */
  interface Hooks {
    /** {@code ok} on success, else null; {@code code} is the QuorumKV code of a failure, if any. */
    void settled(Response.Ok ok, ErrorCode code);
  }

  /**
   * What the calls of one client share: transport, members, timers, the highest index seen; and the calls
   * still running, so that closing the client ends them.
   */
  static final class Calls {
    private final RaftTransport transport;
    private final Members members;
    private final Backoff backoff;
    private final ScheduledExecutorService timer;
    private final Executor callbacks;
    private final long rpcTimeoutNanos;
    /** 0: no hedging. */
    private final long hedgeNanos;
    private final AtomicLong lastSeenIndex = new AtomicLong();
    private final Set<CallRunner> active = ConcurrentHashMap.newKeySet();
    /** The node that last answered as leader itself (not a follower's hearsay); null until one has. */
    private volatile RaftPeerId confirmedLeader;
    private volatile boolean closed;

    Calls(RaftTransport transport, Members members, Backoff backoff, ScheduledExecutorService timer,
        Executor callbacks, Duration rpcTimeout, Duration hedgeAfter) {
      this.transport = transport;
      this.hedgeNanos = hedgeAfter.toNanos();
      this.members = members;
      this.backoff = backoff;
      this.timer = timer;
      this.callbacks = callbacks;
      this.rpcTimeoutNanos = rpcTimeout.toNanos();
    }

    /**
     * Starts one call ({@code bytes} empty for a watch) sent to {@code pinned} only, or (null) wherever
     * its kind goes; {@code deadlineNanos} is a duration from now. {@code callerWaits}: only a caller's
     * blocked thread waits on the result, so the thread that settles the call completes it.
     */
    CompletableFuture<Response.Ok> run(String op, Kind kind, byte[] bytes, RaftPeerId pinned, long minIndex,
        long deadlineNanos, Hooks hooks, boolean callerWaits) {
      Message message = bytes.length == 0 ? Message.EMPTY : Message.valueOf(ByteString.copyFrom(bytes));
      CallRunner call = new CallRunner(this, kind, op, message, pinned, minIndex, deadlineNanos, hooks, callerWaits);
      active.add(call);
      call.result.whenComplete((r, e) -> active.remove(call));
      if (closed) {
        call.giveUp("the client is closed");
      } else {
        call.start();
      }
      return call.result;
    }

    /**
     * {@code leader} answered as the leader itself: it served a write, or said it has just won an
     * election. If that is news, every call waiting out a backoff or waiting on another node goes
     * there now (see {@code wake}), so the whole client follows a new leader as soon as one call has
     * found it (a failover otherwise costs up to one backoff more). Hearsay from followers never wakes anyone:
     * during an election they name the leader that just failed.
     */
    void leaderConfirmed(RaftPeerId leader) {
      if (leader.equals(confirmedLeader)) {
        return;
      }
      confirmedLeader = leader;
      for (CallRunner call : active) {
        call.wake(leader);
      }
    }

    /** Raises the highest index this client has seen (results never go back below it). */
    void observe(Response.Ok ok) {
      if (ok != null) {
        lastSeenIndex.accumulateAndGet(ok.index(), Math::max);
      }
    }

    long lastSeenIndex() {
      return lastSeenIndex.get();
    }

    boolean closed() {
      return closed;
    }

    /** Ends every running call now; later calls fail at once. */
    void close(String reason) {
      closed = true;
      for (CallRunner call : active) {
        call.giveUp(reason);
      }
    }
  }

  private final Calls ctx;
  private final Kind kind;
  private final String op;
  private final Message message;
  /** Every attempt goes here if set (a read aimed at one replica). */
  private final RaftPeerId pinned;
  private final long minIndex;
  private final Hooks hooks;
  private final long startNanos;
  private final long deadlineNanos;
  private final CompletableFuture<Response.Ok> result = new CompletableFuture<>();

  // Guarded by this.
  private boolean done;
  private int attempts;
  private int handled;
  private int retries;
  private int hops;
  /** Attempts made at the shortest pause while no reachable leader was known (at most SEARCH_ATTEMPTS). */
  private int searches;
  /** Every leader a node has named to this call. */
  private final Set<RaftPeerId> suggestedSoFar = new HashSet<>();
  /** Members that answered this call that they serve another Raft group. */
  private final Set<RaftPeerId> otherGroup = new HashSet<>();
  private boolean mayHaveApplied;
  /** Write attempts sent and not yet reported: each may be in the log when the deadline strikes. */
  private final Set<Integer> unreported = new HashSet<>();
  private Throwable lastFailure;
  /** What the last failed TLS handshake of this call said ("" if none): later attempts may fail otherwise. */
  private String tlsHint = "";
  private ScheduledFuture<?> deadlineTimer;
  private ScheduledFuture<?> retryTimer;
  private ScheduledFuture<?> hedgeTimer;
  /** Probes sent (see hedging above); a probe's entry in {@code unreported} is its negative number. */
  private int probes;
  /** Where the latest attempt went. */
  private RaftPeerId lastTarget;
  private final boolean callerWaits;

  private CallRunner(Calls ctx, Kind kind, String op, Message message, RaftPeerId pinned, long minIndex,
      long deadlineNanos, Hooks hooks, boolean callerWaits) {
    this.ctx = ctx;
    this.callerWaits = callerWaits;
    this.kind = kind;
    this.op = op;
    this.message = message;
    this.pinned = pinned;
    this.minIndex = minIndex;
    this.hooks = hooks;
    this.startNanos = System.nanoTime();
    this.deadlineNanos = startNanos + deadlineNanos;
  }

  private void start() {
    try {
      synchronized (this) {
        deadlineTimer = ctx.timer.schedule(() -> giveUp("the deadline ran out"), remaining(), TimeUnit.NANOSECONDS);
      }
      attempt(null);
    } catch (RejectedExecutionException e) {
      giveUp("the client is closed");
    }
  }

  private void attempt(RaftPeerId preferred) {
    final int n;
    final RaftPeerId target;
    synchronized (this) {
      if (done) {
        return;
      }
      n = ++attempts;
      target = preferred != null ? preferred : chooseTarget();
      lastTarget = target;
    }
    if (!ctx.members.membersKnown()) {
      ctx.members.discoverInBackground(ctx.transport, ctx.callbacks);
    }
    synchronized (this) {
      unreported.add(n);
    }
    // A watch legitimately waits until every voter has the entry: bound it by the deadline only.
    long timeout = kind == Kind.WATCH ? remaining() : Math.min(ctx.rpcTimeoutNanos, remaining());
    if (!send(target, timeout, (sent, f) -> failed(n, target, sent, f), (sent, reply) -> replied(n, target, sent, reply))) {
      giveUp("the client is closed");
      return;
    }
    if (kind == Kind.WRITE && pinned == null && ctx.hedgeNanos > 0 && ctx.hedgeNanos < timeout) {
      armHedge(n, target, ctx.hedgeNanos);
    }
  }

  /** In {@code delayNanos}, probes another node if attempt {@code n} to {@code silent} is still unanswered. */
  private void armHedge(int n, RaftPeerId silent, long delayNanos) {
    synchronized (this) {
      if (done || n != attempts) {
        return;
      }
      try {
        hedgeTimer = ctx.timer.schedule(() -> probe(n, silent), delayNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closing) {
        // The client is closing; the call ends with it.
      }
    }
  }

  private void probe(int n, RaftPeerId silent) {
    RaftPeerId other = ctx.members.nextOtherThan(silent);
    final int id;
    synchronized (this) {
      if (done || n != attempts || n <= handled || other == null || remaining() <= 0) {
        return;   // answered, failed over already, or nobody else to ask
      }
      id = -(++probes);
      unreported.add(id);
    }
    LOG.debug("{}: attempt {} to {} unanswered after {} ms: asking {}", op, n, silent,
        TimeUnit.NANOSECONDS.toMillis(ctx.hedgeNanos), other);
    send(other, Math.min(ctx.rpcTimeoutNanos, remaining()), (sent, f) -> probeFailed(n, silent, other, sent, id, f),
        (sent, reply) -> {
          if (reply.getException() != null) {
            ctx.members.answered(other);
            probeFailed(n, silent, other, sent, id, Failures.classify(reply.getException(), false));
          } else {
            replied(id, other, sent, reply);   // the probe reached the leader and was served
          }
        });
  }

  /**
   * Sends the request to {@code target}: {@code onReply} gets its reply, {@code onFailure} its failure or
   * its silence after {@code timeoutNanos} (a late reply still follows). False if the client is closing.
   */
  private boolean send(RaftPeerId target, long timeoutNanos, BiConsumer<RaftTransport.Sent, AttemptFailure> onFailure,
      BiConsumer<RaftTransport.Sent, RaftClientReply> onReply) {
    RaftTransport.Sent sent = ctx.transport.send(kind, message, target, minIndex);
    ScheduledFuture<?> timer;
    try {
      timer = ctx.timer.schedule(() -> onFailure.accept(sent, Failures.classify(new TimeoutIOException("no reply from "
          + target + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"), true)),
          timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      return false;
    }
    sent.reply().whenComplete((reply, error) -> {
      timer.cancel(false);
      if (error != null) {
        onFailure.accept(sent, Failures.classify(error, true));
      } else {
        onReply.accept(sent, reply);
      }
    });
    return true;
  }

  /**
   * A probe was refused or failed. If {@code other} named a leader other than the silent node, or is the
   * newly elected leader itself, the call moves there now; otherwise it keeps waiting for attempt
   * {@code n} and probes again later.
   */
  private void probeFailed(int n, RaftPeerId silent, RaftPeerId other, RaftTransport.Sent sent, int id,
      AttemptFailure f) {
    ctx.members.learn(ctx.transport, other, sent.generation(), f, false);
    RaftPeer suggested = f.suggestedLeader();
    final RaftPeerId moveTo;
    synchronized (this) {
      unreported.remove(id);
      mayHaveApplied |= f.mayHaveApplied();
      if (done || n != attempts || n <= handled) {
        return;
      }
      if (suggested != null && !suggested.getId().equals(silent) && !ctx.members.isUnreachable(suggested.getId())) {
        moveTo = suggested.getId();
      } else if (f.action() == AttemptFailure.Action.RETRY_SAME_SOON) {
        moveTo = other;   // it won the election and is about to lead
      } else {
        moveTo = null;
      }
    }
    if (moveTo == null) {
      // The others still name the silent node (an election is under way): ask again at the backoff's
      // pace, not a whole hedgeAfter later, so the call finds the new leader soon after it is elected.
      long again;
      synchronized (this) {
        again = Math.min(ctx.hedgeNanos, ctx.backoff.delayNanos(probes - 1));
      }
      armHedge(n, silent, again);
      return;
    }
    LOG.debug("{}: {} names {} as leader while {} is silent: moving there", op, other, moveTo, silent);
    ctx.members.leaderIs(moveTo);
    attempt(moveTo);
  }

  /**
   * Sends the next attempt to {@code leader} now if this call is waiting out a backoff, or waiting for an
   * answer from another node (a frozen old leader, say: as a hedge would, leaving that attempt to answer
   * late or never); else nothing.
   */
  private void wake(RaftPeerId leader) {
    synchronized (this) {
      if (done || pinned != null || kind == Kind.FOLLOWER_READ || kind == Kind.WATCH) {
        return;
      }
      boolean pausing = retryTimer != null && retryTimer.cancel(false);
      boolean waitingElsewhere = attempts > handled && lastTarget != null && !lastTarget.equals(leader);
      if (!pausing && !waitingElsewhere) {
        return;   // its attempt is out to that leader already, or its retry timer is firing now
      }
    }
    attempt(leader);
  }

  private RaftPeerId chooseTarget() {
    if (pinned != null) {
      return pinned;
    }
    return kind == Kind.FOLLOWER_READ ? ctx.members.readReplica() : ctx.members.leaderOrNext();
  }

  private void replied(int n, RaftPeerId target, RaftTransport.Sent sent, RaftClientReply reply) {
    ctx.members.answered(target);
    if (reply.getException() != null) {
      failed(n, target, sent, Failures.classify(reply.getException(), false));
      return;
    }
    ctx.transport.replied(kind, sent.ratisCallId());
    if (kind == Kind.WATCH) {
      // No payload: success means the leader saw the index in the log of every voter.
      ctx.members.leaderIs(target);
      settle(new Response.Ok(Math.max(minIndex, reply.getLogIndex()), List.of()), null, null);
      return;
    }
    final Response response;
    try {
      response = ResultCodec.decodeResponse(reply.getMessage().getContent().toByteArray());
    } catch (CommandCodecException e) {
      // The node answered, so a write did reach the state machine; what it did is unreadable.
      settle(null, null, kind == Kind.WRITE
          ? new KvIndeterminateException(op + ": the reply does not decode, the write may have applied: "
              + e.getMessage(), e)
          : new KvRejectedException(ErrorCode.MALFORMED_REQUEST, op + ": the reply does not decode: "
              + e.getMessage(), e));
      return;
    }
    if (response instanceof Response.Failed f) {
      settle(null, f.code(), failure(f.code(), f.message(), null));
      return;
    }
    Response.Ok ok = (Response.Ok) response;
    if (kind != Kind.WRITE && ok.index() < minIndex) {
      // Never hand out a read below the index this client saw or the caller asked for: try again.
      failed(n, target, sent, Failures.classify(
          new StaleReadException(target + " served index " + ok.index() + " < " + minIndex), false));
      return;
    }
    if (kind == Kind.WRITE) {
      ctx.members.leaderIs(target);
      ctx.leaderConfirmed(target);
    }
    settle(ok, null, null);
  }

  private void failed(int n, RaftPeerId target, RaftTransport.Sent sent, AttemptFailure f) {
    ctx.members.learn(ctx.transport, target, sent.generation(), f, kind == Kind.FOLLOWER_READ);
    if (f.action() == AttemptFailure.Action.RETRY_SAME_SOON && kind != Kind.FOLLOWER_READ) {
      ctx.leaderConfirmed(target);   // it won an election (outside this call's lock: it wakes other calls)
    }
    final long delay;
    final RaftPeerId next;
    synchronized (this) {
      if (done) {
        return;
      }
      mayHaveApplied |= kind == Kind.WRITE && f.mayHaveApplied();
      unreported.remove(n);
      if (n <= handled || n != attempts) {
        return; // a timed-out attempt failing late, or a second report of one already handled
      }
      handled = n;
      lastFailure = f.cause();
      String hint = Failures.tlsHint(f.cause());
      tlsHint = hint.isEmpty() ? tlsHint : hint;
      LOG.debug("{}: attempt {} to {} failed: {}", op, n, target, f.cause().toString());
      if (Failures.otherGroup(f.cause())) {
        otherGroup.add(target);
        // A client that has never reached a node of its group (its members are still the configured
        // addresses) and finds every one serving another group was given another cluster's id or addresses:
        // retrying until the deadline would only leave an attempt in flight when it strikes, making the
        // outcome unknown (CI at d6e6805: RatisFailuresIT.groupMismatchIsDefinite got "indeterminate" after
        // 32 attempts at the election-search pace). Once the members are known, a mismatch is a node between
        // the removal and re-adding of its member in a restart, and worth waiting for.
        if (pinned == null && unreported.isEmpty() && !ctx.members.membersKnown()
            && ctx.members.members().stream().allMatch(m -> otherGroup.contains(m.getId()))) {
          giveUpLocked("every configured node serves another Raft group than this client's (is the client's"
              + " cluster id the cluster's?)");
          return;
        }
      }
      switch (f.action()) {
        case REJECT -> {
          settleLocked(null, f.code(), Results.refused(f.code(), op + " rejected: " + f.cause().getMessage(), f.cause()));
          return;
        }
        case INDETERMINATE -> {
          settleLocked(null, f.code(), failure(f.code(), f.cause().getMessage(), f.cause()));
          return;
        }
        case RETRY_SAME -> {
          delay = ctx.backoff.delayNanos(retries++);
          next = target;
        }
        case RETRY_SAME_SOON -> {
          delay = ctx.backoff.delayNanos(0);
          next = target;
        }
        default -> {
          RaftPeer suggested = f.suggestedLeader();
          if (suggested != null && ctx.members.isUnreachable(suggested.getId())) {
            suggested = null;   // the crashed old leader, named by peers that have not yet elected another
          }
          // A leader this call has not been told of before (a new election's winner) is worth a hop at
          // once whatever the budget; the budget only stops nodes that keep naming each other.
          boolean news = suggested != null && suggestedSoFar.add(suggested.getId());
          if (pinned == null && suggested != null && !suggested.getId().equals(target)
              && (news || hops < ctx.members.members().size() + 1)) {
            hops++;
            delay = 0;
            next = suggested.getId();
          } else if (pinned == null && ctx.members.leader() == null && searches < SEARCH_ATTEMPTS) {
            // Nobody names a leader this client can reach: an election is under way. Ask around at the
            // shortest pause for a while, so that the call finds the winner within a round trip or two of
            // its election, not at the end of a pause grown while the election ran.
            searches++;
            delay = ctx.backoff.delayNanos(0);
            next = null;
          } else {
            delay = ctx.backoff.delayNanos(retries++);
            next = null;
          }
        }
      }
      if (delay >= remaining()) {
        giveUpLocked("the deadline would run out before the next attempt");
        return;
      }
      try {
        retryTimer = ctx.timer.schedule(() -> attempt(next), delay, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        giveUpLocked("the client is closed");
      }
    }
  }

  /** Ends the call now: its deadline ran out, or the client is closing. */
  private void giveUp(String reason) {
    synchronized (this) {
      giveUpLocked(reason);
    }
  }

  private void giveUpLocked(String reason) {
    if (done) {
      return;
    }
    String text = op + ": " + reason + " after " + attempts + " attempt(s) in "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms"
        + (lastFailure == null ? "" : "; last failure: " + lastFailure) + tlsHint;
    // An attempt still in flight may have been appended: the deadline timer can fire before (or at the
    // same instant as) that attempt's own timeout, so its silence proves nothing (found by the namespace
    // harness: a CAS reported unavailable at the deadline had applied).
    RuntimeException e = kind == Kind.WRITE && (mayHaveApplied || !unreported.isEmpty())
        ? new KvIndeterminateException(text + " (the write may have been appended)", lastFailure)
        : new KvUnavailableException(text, lastFailure);
    settleLocked(null, null, e);
  }

  private RuntimeException failure(ErrorCode code, String message, Throwable cause) {
    String text = op + " failed: " + code + ": " + message;
    if (code.isDefinite()) {
      return Results.refused(code, text, cause);
    }
    return kind == Kind.WRITE ? new KvIndeterminateException(text, cause) : new KvUnavailableException(text, cause);
  }

  private synchronized void settle(Response.Ok ok, ErrorCode code, RuntimeException e) {
    settleLocked(ok, code, e);
  }

  private void settleLocked(Response.Ok ok, ErrorCode code, RuntimeException e) {
    if (done) {
      return;
    }
    done = true;
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
    }
    if (retryTimer != null) {
      retryTimer.cancel(false);
    }
    if (hedgeTimer != null) {
      hedgeTimer.cancel(false);
    }
    try {
      hooks.settled(ok, code);
    } catch (RuntimeException hookFailure) {
      LOG.error("{}: settling hook failed", op, hookFailure);
    }
    Runnable complete = ok != null ? () -> result.complete(ok) : () -> result.completeExceptionally(e);
    if (callerWaits) {
      complete.run();
      return;
    }
    try {
      ctx.callbacks.execute(complete);
    } catch (RejectedExecutionException closing) {
      complete.run();
    }
  }

  private long remaining() {
    return Math.max(0, deadlineNanos - System.nanoTime());
  }

  @Override
  public String toString() {
    return op;
  }
}
