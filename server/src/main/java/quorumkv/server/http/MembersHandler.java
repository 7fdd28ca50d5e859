package quorumkv.server.http;

import java.io.IOException;
import quorumkv.server.admin.AdminException;
import quorumkv.server.admin.MembershipAdmin;
import quorumkv.server.status.StatusReader;

/**
 * {@code /v1/cluster/members}: GET lists members; POST {@code {"id":"n4","address":"host:port","role":"voter"}}
 * adds one (role voter or listener); {@code DELETE /v1/cluster/members/<id>} removes one;
 * {@code POST /v1/cluster/members/<id>/promote} and {@code .../demote} turn a listener into a voter and back.
 * 409 when the change does not fit the current configuration; 503 when the cluster cannot commit it.
 */
final class MembersHandler implements Handler {
  static final String PATH = "/v1/cluster/members";

  record AddBody(String id, String address, String role) {}

  private final MembershipAdmin admin;
  private final StatusReader status;

  MembersHandler(MembershipAdmin admin, StatusReader status) {
    this.admin = admin;
    this.status = status;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly();
    String rest = request.path().length() > PATH.length() ? request.path().substring(PATH.length() + 1) : "";
    try {
      if (rest.isEmpty()) {
        return switch (request.method()) {
          case "GET" -> list();
          case "POST" -> add(Json.parse(request.body(), AddBody.class));
          default -> throw new ApiException(405, "method_not_allowed", request.method() + " is not allowed on " + PATH);
        };
      }
      String[] parts = rest.split("/", -1);
      String id = Percent.decodeUtf8(parts[0], "member id");
      if (parts.length == 1 && request.method().equals("DELETE")) {
        admin.remove(id);
      } else if (parts.length == 2 && request.method().equals("POST") && parts[1].equals("promote")) {
        admin.promote(id);
      } else if (parts.length == 2 && request.method().equals("POST") && parts[1].equals("demote")) {
        admin.demote(id);
      } else {
        throw new ApiException(404, "not_found", "use DELETE " + PATH + "/<id> or POST " + PATH + "/<id>/promote|demote");
      }
      return list();
    } catch (AdminException e) {
      throw new ApiException(e.isConflict() ? 409 : 503, e.isConflict() ? "conflict" : "unavailable", e.getMessage());
    } catch (IOException e) {
      throw new ApiException(503, "unavailable", "membership change did not complete: " + e.getMessage());
    }
  }

  private ApiResponse add(AddBody body) throws ApiException, AdminException, IOException {
    if (body.id() == null || body.id().isBlank() || body.address() == null || !body.address().matches("[^:\\s]+:\\d{1,5}")) {
      throw ApiException.badRequest("bad_member", "need {\"id\": \"n4\", \"address\": \"host:port\", \"role\": \"voter|listener\"}");
    }
    String role = body.role() == null ? "voter" : body.role();
    if (!role.equals("voter") && !role.equals("listener")) {
      throw ApiException.badRequest("bad_member", "role must be voter or listener, got '" + role + "'");
    }
    admin.add(body.id(), body.address(), role.equals("listener"));
    return list();
  }

  private ApiResponse list() throws IOException {
    var json = StatusJson.of(status.read());
    var out = Json.object();
    out.set("members", json.get("members"));
    out.set("leader", json.get("leader"));
    return ApiResponse.ok(out);
  }
}
