package quorumkv.server.http;

import java.io.IOException;
import java.util.List;
import quorumkv.server.ratis.KvNode;
import quorumkv.server.status.NodeStatus;
import quorumkv.server.status.Readiness;

/** {@code GET /ready}: 200 when {@link Readiness} holds, else 503 listing every failed condition. */
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
    NodeStatus s;
    try {
      s = node.status();
    } catch (IOException | RuntimeException e) {
      // e.g. Ratis's IllegalStateException for a closed log: not ready, and said as such, never a 500.
      throw new ApiException(503, "not_ready", "this node cannot read its own Raft state: " + e.getMessage());
    }
    List<String> problems = readiness.problems(s);
    var body = Json.object().put("ready", problems.isEmpty()).put("node", s.nodeId()).put("leader", s.leaderId())
        .put("commit_index", s.commitIndex()).put("applied_index", s.appliedIndex());
    if (problems.isEmpty()) {
      return ApiResponse.ok(body);
    }
    body.put("error", "not_ready").put("message", String.join("; ", problems));
    problems.forEach(body.putArray("problems")::add);
    return ApiResponse.json(503, body);
  }
}
