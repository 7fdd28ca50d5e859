package quorumkv.client.internal;

import java.util.Collection;
import java.util.List;
import org.apache.ratis.protocol.RaftPeer;
import quorumkv.raftlog.command.ErrorCode;

/**
 * What one failed attempt means for its call: the verdict of {@link Failures#classify}.
 *
 * @param action what to do next
 * @param mayHaveApplied false only if this attempt certainly did not append the request (it never left
 *     the client, the connection could not be opened, or the server refused it before the log); a write
 *     whose every attempt has {@code false} here can fail as unavailable, otherwise as indeterminate
 * @param reconnect the connection (gRPC stream) to the target is no longer usable: open a new one
 * @param targetNotLeader the target is not (or may no longer be) the leader: do not prefer it
 * @param suggestedLeader the leader the target named, or null
 * @param peers the group's members as the target knows them; empty if it did not say
 * @param code the QuorumKV error code for REJECT and INDETERMINATE, else null
 * @param cause the failure itself, for logs and as the cause of the final exception
 */
record AttemptFailure(Action action, boolean mayHaveApplied, boolean reconnect, boolean targetNotLeader,
    RaftPeer suggestedLeader, Collection<RaftPeer> peers, ErrorCode code, Throwable cause) {

  enum Action {
    /** Definite refusal of the request itself: fail the call now with KvRejectedException. */
    REJECT,
    /** The cluster says the outcome can no longer be known: fail the call now, indeterminate. */
    INDETERMINATE,
    /** Try the same node again after a pause (it is busy, or a leader about to be ready). */
    RETRY_SAME,
    /** Try another node (the suggested leader if there is one). */
    RETRY_OTHER,
    /** The RaftClient itself is unusable: replace it, then retry. */
    REBUILD
  }

  AttemptFailure {
    peers = peers == null ? List.of() : List.copyOf(peers);
  }

  static AttemptFailure of(Action action, boolean mayHaveApplied, boolean reconnect, boolean targetNotLeader,
      Throwable cause) {
    return new AttemptFailure(action, mayHaveApplied, reconnect, targetNotLeader, null, List.of(), null, cause);
  }
}
