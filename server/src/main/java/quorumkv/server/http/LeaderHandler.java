package quorumkv.server.http;

import quorumkv.client.KvAdmin;
import quorumkv.client.KvException;

/**
 * {@code POST /v1/cluster/leader {"to": "n2"}}: hands leadership to a voter through the node's
 * {@link KvAdmin} and waits until it leads (at most {@code quorumkv.http.call-timeout}); 409 if the
 * target is not a voter.
 */
final class LeaderHandler implements Handler {
  record TransferBody(String to) {}

  private final KvAdmin admin;

  LeaderHandler(KvAdmin admin) {
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
      admin.transferLeadership(body.to());
      return ApiResponse.ok(Json.object().put("leader", body.to()));
    } catch (KvException e) {
      throw KvErrors.admin(e);
    }
  }
}
