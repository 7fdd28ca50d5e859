package quorumkv.server.ratis;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import quorumkv.server.status.NodeStatus;

/**
 * Reads a {@link NodeStatus} from the node's Ratis division (public Ratis server API only), for
 * {@link KvNode#status()}: the one place that turns Ratis's view of the group into our plain type.
 */
final class StatusReader {
  private final KvNode node;

  StatusReader(KvNode node) {
    this.node = node;
  }

  NodeStatus read() throws IOException {
    RaftServer.Division division = node.division();
    DivisionInfo info = division.getInfo();
    RoleInfoProto roleInfo = info.getRoleInfoProto();
    var log = division.getRaftLog();
    long lastIndex = log.getLastEntryTermIndex() == null ? -1 : log.getLastEntryTermIndex().getIndex();
    RaftPeerId leader = info.getLeaderId();
    boolean isLeader = info.isLeader();

    Map<String, long[]> progress = new HashMap<>(); // id -> {matchIndex, lastContactMs}
    long leaderContact = -1;
    if (isLeader && roleInfo.hasLeaderInfo()) {
      List<ServerRpcProto> followers = roleInfo.getLeaderInfo().getFollowerInfoList();
      long[] matches = info.getFollowerMatchIndices();
      long[] contacts = new long[followers.size()];
      for (int i = 0; i < followers.size(); i++) {
        // Ratis lists followers and their match indices from the same appender list, in the same order.
        long match = matches != null && matches.length == followers.size() ? matches[i] : -1;
        contacts[i] = followers.get(i).getLastRpcElapsedTimeMs();
        progress.put(followers.get(i).getId().getId().toStringUtf8(), new long[] {match, contacts[i]});
      }
      leaderContact = majorityContact(division.getRaftConf(), followers);
    } else if (roleInfo.hasFollowerInfo() && roleInfo.getFollowerInfo().hasLeaderInfo()) {
      leaderContact = roleInfo.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs();
    }

    List<NodeStatus.Member> members = new ArrayList<>();
    RaftConfiguration conf = division.getRaftConf();
    addMembers(members, conf.getCurrentPeers(RaftPeerRole.FOLLOWER), "voter", leader, progress, lastIndex, isLeader);
    addMembers(members, conf.getCurrentPeers(RaftPeerRole.LISTENER), "listener", leader, progress, lastIndex, isLeader);
    return new NodeStatus(node.config().nodeId(), info.getCurrentRole().name(), leader == null ? null : leader.toString(),
        info.getCurrentTerm(), log.getLastCommittedIndex(), info.getLastAppliedIndex(), lastIndex, leaderContact, members);
  }

  private static void addMembers(List<NodeStatus.Member> out, Iterable<RaftPeer> peers, String role, RaftPeerId leader,
      Map<String, long[]> progress, long lastIndex, boolean selfIsLeader) {
    for (RaftPeer p : peers) {
      String id = p.getId().toString();
      boolean isLeader = p.getId().equals(leader);
      long[] pr = progress.get(id);
      long match = isLeader && selfIsLeader ? lastIndex : pr == null ? -1 : pr[0];
      long lag = selfIsLeader && match >= 0 ? Math.max(0, lastIndex - match) : -1;
      long contact = isLeader && selfIsLeader ? 0 : pr == null ? -1 : pr[1];
      out.add(new NodeStatus.Member(id, p.getAddress(), role, isLeader, match, lag, contact));
    }
  }

  /** The time since a majority of voters (the leader counting as just contacted) last answered. */
  private static long majorityContact(RaftConfiguration conf, List<ServerRpcProto> followers) {
    var voters = conf.getCurrentPeers(RaftPeerRole.FOLLOWER);
    List<Long> elapsed = new ArrayList<>();
    elapsed.add(0L);
    for (ServerRpcProto f : followers) {
      String id = f.getId().getId().toStringUtf8();
      if (voters.stream().anyMatch(v -> v.getId().toString().equals(id))) {
        elapsed.add(f.getLastRpcElapsedTimeMs());
      }
    }
    long[] sorted = elapsed.stream().mapToLong(Long::longValue).sorted().toArray();
    int majority = voters.size() / 2 + 1;
    return majority <= sorted.length ? sorted[majority - 1] : Arrays.stream(sorted).max().orElse(-1);
  }
}
