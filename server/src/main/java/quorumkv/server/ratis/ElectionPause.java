package quorumkv.server.ratis;

import java.io.IOException;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.LeaderElectionManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Ratis's leader-election pause for this node's member: while paused, the member's election timeout makes
 * it a candidate that asks nobody for votes, and the next append from a leader makes it a follower again.
 * The pause belongs to the member: a restarted member starts unpaused.
 */
final class ElectionPause {
  private ElectionPause() {}

  /** Pauses or resumes; false (with the reason in {@code problem[0]} if given) when Ratis refused or failed. */
  static boolean set(KvNode node, boolean pause, String[] problem) {
    RaftPeerId self = RaftPeerId.valueOf(node.config().nodeId());
    var request = pause
        ? LeaderElectionManagementRequest.newPause(ClientId.randomId(), self, node.groupId(), 0)
        : LeaderElectionManagementRequest.newResume(ClientId.randomId(), self, node.groupId(), 0);
    try {
      RaftClientReply reply = node.server().leaderElectionManagement(request);
      if (!reply.isSuccess() && problem != null) {
        problem[0] = String.valueOf(reply.getException());
      }
      return reply.isSuccess();
    } catch (IOException | RuntimeException e) {
      if (problem != null) {
        problem[0] = e.toString();
      }
      return false;
    }
  }
}
