package quorumkv.server.gateway;

import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;

/**
 * The node's own client session for the writes it forwards (Raft dissertation section 6.3; see
 * {@code SessionTable}): numbers calls and reports the lowest call whose reply is still outstanding, so
 * a call retried inside Ratis is applied once, and a copy arriving after its reply is refused.
 */
final class WriteSession {
  private final UUID id = UUID.randomUUID();
  private final TreeSet<Long> outstanding = new TreeSet<>();
  private long nextCallId = 1;
  /** Until the cluster has recorded this session once, it must be told "nothing acknowledged yet" (1). */
  private boolean established;

  synchronized Request.Write begin(List<Command> commands) {
    long callId = nextCallId++;
    outstanding.add(callId);
    long firstUnacked = established ? outstanding.first() : 1;
    return new Request.Write(id, callId, firstUnacked, commands);
  }

  /** The call ended: with a reply ({@code recorded}: the cluster now knows the session) or abandoned. */
  synchronized void end(long callId, boolean recorded) {
    outstanding.remove(callId);
    established |= recorded;
  }
}
