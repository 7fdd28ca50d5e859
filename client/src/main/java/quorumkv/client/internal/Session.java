package quorumkv.client.internal;

import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.UUID;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;

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
final class Session {
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
