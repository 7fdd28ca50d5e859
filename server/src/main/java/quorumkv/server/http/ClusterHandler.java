package quorumkv.server.http;

import java.io.IOException;
import quorumkv.server.ratis.KvNode;

/**
 * {@code GET /v1/cluster}: this node's view of the group: members and roles, leader, term, commit and
 * applied index, the cluster id (what a Raft-port client needs besides the addresses), and on the leader each follower's match index, lag in entries and last contact. Only the
 * leader tracks followers' progress; a follower says so and names the leader.
 */
final class ClusterHandler implements Handler {
  private final KvNode node;

  ClusterHandler(KvNode node) {
    this.node = node;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly();
    try {
      return ApiResponse.ok(StatusJson.of(node.status()).put("cluster_id", node.config().clusterId()));
    } catch (IOException e) {
      throw new ApiException(503, "unavailable", "the Raft group is not available: " + e.getMessage());
    }
  }
}
