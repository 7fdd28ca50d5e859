package quorumkv.raftlog.statemachine;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;

/**
 * Whether a leader may answer a linearizable read: a majority of the voters (of both configurations
 * during a change) must have answered it within the last {@code windowMs}.
 *
 * <p>Why: Raft's ReadIndex answers a read only after a majority confirmed the leadership after the read
 * arrived. Ratis 3.3 skips that round when an earlier read's round already confirmed the same commit
 * index ({@code ReadIndexHeartbeats}: "the readIndex is already acknowledged before"), and a leader cut
 * off from the others cannot move its commit index. It would answer reads from its stale state until it
 * steps down, one to two maximum election timeouts later, while the others elect a leader and commit
 * writes after one minimum timeout ({@code CutOffLeaderReadIT}). A voter that answered this leader within
 * the window took its last heartbeat less than the window ago, so it grants no vote (pre-vote: it still
 * has a leader) until a minimum election timeout after that heartbeat; with the window below the minimum
 * timeout, no other leader can have committed when this check passes. The assumption is the one Raft's
 * elections already make: clocks advance at about the same rate over a fraction of a second, and a
 * voter answers a heartbeat within (minimum timeout - window) of receiving it.
 *
 * <p>The window must stay above the heartbeat interval (half the minimum timeout), or an idle healthy
 * leader would refuse reads between heartbeats: three quarters of the minimum timeout leaves a quarter
 * for a late heartbeat and a quarter for a slow answer. A refused read fails with a retriable error and
 * the client tries another node.
 */
final class LeaderReadCheck {
  private LeaderReadCheck() {}

  /** The window for a minimum election timeout of {@code electionTimeoutMinMs}. */
  static long windowMs(long electionTimeoutMinMs) {
    return electionTimeoutMinMs * 3 / 4;
  }

  /**
   * Null if {@code division} may answer a linearizable read now (it is not the leader: then Ratis asked
   * the leader for the read index; or a majority answered it recently), else why not.
   */
  static String refusal(RaftServer.Division division, long windowMs) {
    if (!division.getInfo().isLeader()) {
      return null;
    }
    RoleInfoProto role = division.getInfo().getRoleInfoProto();
    Map<String, Long> answeredMsAgo = new HashMap<>();
    for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
      answeredMsAgo.put(follower.getId().getId().toStringUtf8(), follower.getLastRpcElapsedTimeMs());
    }
    String self = division.getId().toString();
    RaftConfiguration conf = division.getRaftConf();
    for (Collection<RaftPeer> voters : java.util.List.of(conf.getCurrentPeers(), conf.getPreviousPeers())) {
      Set<String> ids = voters.stream().map(p -> p.getId().toString()).collect(Collectors.toSet());
      if (!ids.isEmpty() && !majorityAnsweredWithin(ids, self, answeredMsAgo, windowMs)) {
        return self + " leads but no majority of " + ids + " answered it within " + windowMs
            + " ms (answered ms ago: " + answeredMsAgo + "): another node may lead by now";
      }
    }
    return null;
  }

  /** Whether a majority of {@code voters} ({@code self} counts if a voter) answered within {@code windowMs}. */
  static boolean majorityAnsweredWithin(Set<String> voters, String self, Map<String, Long> answeredMsAgo,
      long windowMs) {
    long recent = voters.stream()
        .filter(v -> v.equals(self) || answeredMsAgo.getOrDefault(v, Long.MAX_VALUE) <= windowMs)
        .count();
    return 2 * recent > voters.size();
  }
}
