package quorumkv.server.http;

import java.io.IOException;
import quorumkv.server.admin.AdminException;
import quorumkv.server.admin.MembershipAdmin;

/** {@code POST /v1/cluster/leader {"to": "n2"}}: hands leadership to a voter (waits up to 10 s). */
final class LeaderHandler implements Handler {
  record TransferBody(String to) {}

  private final MembershipAdmin admin;

  LeaderHandler(MembershipAdmin admin) {
    this.admin = admin;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly();
    TransferBody body = Json.parse(request.body(), TransferBody.class);
    if (body.to() == null || body.to().isBlank()) {
      throw ApiException.badRequest("bad_member", "need {\"to\": \"<member id>\"}");
    }
    try {
      admin.transferLeadership(body.to(), 10_000);
      return ApiResponse.ok(Json.object().put("leader", body.to()));
    } catch (AdminException e) {
      throw new ApiException(e.isConflict() ? 409 : 503, e.isConflict() ? "conflict" : "unavailable", e.getMessage());
    } catch (IOException e) {
      throw new ApiException(503, "unavailable", "leader transfer did not complete: " + e.getMessage());
    }
  }
}
