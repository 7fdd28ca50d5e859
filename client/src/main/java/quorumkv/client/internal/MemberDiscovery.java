package quorumkv.client.internal;

import java.util.List;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Reads a Ratis GroupInfo reply: the group's members, and the leader as the answering node sees it
 * (itself if it leads, the leader it follows otherwise, null during an election).
 */
final class MemberDiscovery {
  private MemberDiscovery() {}

  record Found(List<RaftPeer> members, RaftPeerId leader) {}

  static Found parse(GroupInfoReply reply) {
    List<RaftPeer> members = List.copyOf(reply.getGroup().getPeers());
    RoleInfoProto role = reply.getRoleInfoProto();
    RaftPeerId leader = null;
    if (role != null) {
      if (role.getRole() == RaftPeerRole.LEADER) {
        leader = RaftPeerId.valueOf(role.getSelf().getId());
      } else if (role.getRole() == RaftPeerRole.FOLLOWER && role.hasFollowerInfo()
          && role.getFollowerInfo().hasLeaderInfo()) {
        var id = role.getFollowerInfo().getLeaderInfo().getId().getId();
        leader = id.isEmpty() ? null : RaftPeerId.valueOf(id);
      }
    }
    return new Found(members, leader);
  }
}
