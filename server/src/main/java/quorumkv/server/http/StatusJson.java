package quorumkv.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import quorumkv.server.status.NodeStatus;

/** The JSON form of a {@link NodeStatus}. */
final class StatusJson {
  private StatusJson() {}

  static ObjectNode of(NodeStatus s) {
    ObjectNode n = Json.object().put("node", s.nodeId()).put("role", s.role().toLowerCase(java.util.Locale.ROOT))
        .put("leader", s.leaderId()).put("term", s.term()).put("commit_index", s.commitIndex())
        .put("applied_index", s.appliedIndex()).put("last_log_index", s.lastLogIndex())
        .put("leader_contact_ms", s.leaderContactMs()).put("lags_known", s.isLeader());
    if (!s.isLeader()) {
      n.put("note", "follower progress (match_index, lag_entries, last_contact_ms) is known only on the leader"
          + (s.leaderId() == null ? "" : "; ask " + s.leaderId()));
    }
    ArrayNode members = n.putArray("members");
    for (NodeStatus.Member m : s.members()) {
      members.add(Json.object().put("id", m.id()).put("address", m.address()).put("role", m.role())
          .put("leader", m.isLeader()).put("match_index", m.matchIndex()).put("lag_entries", m.lagEntries())
          .put("last_contact_ms", m.lastContactMs()));
    }
    return n;
  }
}
