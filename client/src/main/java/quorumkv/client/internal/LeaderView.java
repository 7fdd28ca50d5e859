package quorumkv.client.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.util.ProtoUtils;
import quorumkv.client.ClusterStatus;

/**
 * The leader's GroupInfo reply, read: the configuration (voters and listeners, and whether a change is
 * in flight) and each member's progress. Sources, all in the reply: the configuration proto; the
 * commit infos (on the leader, each follower's commit index as it last reported it); the leader info
 * of the role proto (ms since each follower last answered).
 */
record LeaderView(RaftPeerId leaderId, Conf conf, boolean reconfiguring, ClusterStatus status) {

  /** A configuration: voters and listeners, as the RaftPeers the leader has (addresses included). */
  record Conf(List<RaftPeer> voters, List<RaftPeer> listeners) {
    Conf {
      voters = List.copyOf(voters);
      listeners = List.copyOf(listeners);
    }

    RaftPeer find(String id) {
      for (RaftPeer p : voters) {
        if (p.getId().toString().equals(id)) {
          return p;
        }
      }
      for (RaftPeer p : listeners) {
        if (p.getId().toString().equals(id)) {
          return p;
        }
      }
      return null;
    }
  }

  /** The view, or null if the node that answered is not the leader. */
  static LeaderView parse(GroupInfoReply reply) {
    RoleInfoProto role = reply.getRoleInfoProto();
    if (role == null || role.getRole() != RaftPeerRole.LEADER || !role.hasLeaderInfo()) {
      return null;
    }
    RaftPeerId self = RaftPeerId.valueOf(role.getSelf().getId());
    Conf conf;
    boolean reconfiguring;
    RaftConfigurationProto proto = reply.getConf().orElse(null);
    if (proto != null) {
      conf = new Conf(ProtoUtils.toRaftPeers(proto.getPeersList()), ProtoUtils.toRaftPeers(proto.getListenersList()));
      reconfiguring = proto.getOldPeersCount() > 0 || proto.getOldListenersCount() > 0;
    } else {
      // Older servers: only the group, whose peers carry their startup role.
      List<RaftPeer> voters = new ArrayList<>();
      List<RaftPeer> listeners = new ArrayList<>();
      for (RaftPeer p : reply.getGroup().getPeers()) {
        (p.getStartupRole() == RaftPeerRole.LISTENER ? listeners : voters).add(p);
      }
      conf = new Conf(voters, listeners);
      reconfiguring = false;
    }

    Map<String, Long> commits = new HashMap<>();
    for (CommitInfoProto c : reply.getCommitInfos()) {
      commits.put(c.getServer().getId().toStringUtf8(), c.getCommitIndex());
    }
    Map<String, Long> contact = new HashMap<>();
    for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
      contact.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
    }
    long leaderCommit = reply.getLogInfoProto() != null && reply.getLogInfoProto().hasCommitted()
        ? reply.getLogInfoProto().getCommitted().getIndex()
        : commits.getOrDefault(self.toString(), -1L);

    List<ClusterStatus.Member> members = new ArrayList<>();
    add(members, conf.voters(), ClusterStatus.Role.VOTER, self, leaderCommit, commits, contact);
    add(members, conf.listeners(), ClusterStatus.Role.LISTENER, self, leaderCommit, commits, contact);
    ClusterStatus status = new ClusterStatus(self.toString(), role.getLeaderInfo().getTerm(), leaderCommit,
        reconfiguring, members);
    return new LeaderView(self, conf, reconfiguring, status);
  }

  private static void add(List<ClusterStatus.Member> out, List<RaftPeer> peers, ClusterStatus.Role role,
      RaftPeerId leader, long leaderCommit, Map<String, Long> commits, Map<String, Long> contact) {
    List<RaftPeer> sorted = new ArrayList<>(peers);
    sorted.sort(Comparator.comparing(p -> p.getId().toString()));
    for (RaftPeer p : sorted) {
      String id = p.getId().toString();
      boolean isLeader = p.getId().equals(leader);
      long commit = isLeader ? leaderCommit : commits.getOrDefault(id, -1L);
      long lag = isLeader ? 0 : commit < 0 || leaderCommit < 0 ? -1 : Math.max(0, leaderCommit - commit);
      long lastContact = isLeader ? 0 : contact.getOrDefault(id, -1L);
      out.add(new ClusterStatus.Member(id, p.getAddress(), role, isLeader, commit, lag, lastContact));
    }
  }
}
