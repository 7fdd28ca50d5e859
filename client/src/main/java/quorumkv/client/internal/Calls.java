package quorumkv.client.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import quorumkv.client.internal.RaftTransport.Kind;
import quorumkv.raftlog.command.Response;

/**
 * What the calls of one client share: transport, members, timers, the highest index seen; and the calls
 * still running, so that closing the client ends them.
 */
final class Calls {
  final RaftTransport transport;
  final Members members;
  final Backoff backoff;
  final ScheduledExecutorService timer;
  final Executor callbacks;
  final long rpcTimeoutNanos;
  /** 0: no hedging. */
  final long hedgeNanos;
  private final AtomicLong lastSeenIndex = new AtomicLong();
  private final Set<CallRunner> active = ConcurrentHashMap.newKeySet();
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
      long deadlineNanos, CallRunner.Hooks hooks, boolean callerWaits) {
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
