package quorumkv.server.http;

import java.io.IOException;
import quorumkv.server.status.StatusReader;

/**
 * {@code GET /v1/cluster}: this node's view of the group: members and roles, leader, term, commit and
 * applied index, and on the leader each follower's match index, lag in entries and last contact. Only the
 * leader tracks followers' progress; a follower says so and names the leader.
 */
final class ClusterHandler implements Handler {
  private final StatusReader status;

  ClusterHandler(StatusReader status) {
    this.status = status;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly();
    try {
      return ApiResponse.ok(StatusJson.of(status.read()));
    } catch (IOException e) {
      throw new ApiException(503, "unavailable", "the Raft group is not available: " + e.getMessage());
    }
  }
}
