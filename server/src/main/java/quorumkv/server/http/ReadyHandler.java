package quorumkv.server.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import quorumkv.server.ratis.KvNode;
import quorumkv.server.status.NodeCondition;
import quorumkv.server.status.NodeStatus;
import quorumkv.server.status.Readiness;

/**
 * {@code GET /ready}: 200 when the node can do its job, else 503 listing every reason: what its
 * self-check found ({@link NodeCondition}: the disk below its floor, a failed or stopped Raft member) and
 * what {@link Readiness} finds in its Raft status. Never a 500: a status it cannot read is a reason too.
 */
final class ReadyHandler implements Handler {
  private final KvNode node;
  private final Readiness readiness;

  ReadyHandler(KvNode node, Readiness readiness) {
    this.node = node;
    this.readiness = readiness;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly();
    NodeCondition condition = node.condition();
    List<String> problems = new ArrayList<>(condition.notReady());
    NodeStatus s = null;
    Map<String, Long> commits = null;
    try {
      s = node.status();
      commits = node.commitIndexes();
      problems.addAll(readiness.problems(s, commits));
    } catch (IOException | RuntimeException e) {
      // e.g. a member stopped or restarting, or Ratis's IllegalStateException for a closed log
      if (problems.isEmpty()) {
        problems.add("this node cannot read its own Raft state: " + ErrorText.forBody(e.getMessage()));
      }
    }
    var body = Json.object().put("ready", problems.isEmpty()).put("node", node.config().nodeId());
    if (s != null) {
      body.put("leader", s.leaderId()).put("commit_index", s.commitIndex()).put("applied_index", s.appliedIndex());
      // What the cluster committed as far as this node knows (the rule's yardstick): its own commit index,
      // or the leader's as last heard if higher.
      body.put("cluster_commit_index", Readiness.clusterCommitIndex(s, commits));
    }
    body.put("free_bytes", condition.freeBytes()).put("free_space_floor_bytes", condition.floorBytes());
    if (problems.isEmpty()) {
      return ApiResponse.ok(body);
    }
    body.put("error", "not_ready").put("message", String.join("; ", problems));
    problems.forEach(body.putArray("problems")::add);
    return ApiResponse.json(503, body);
  }
}
