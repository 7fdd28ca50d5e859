package quorumkv.server.http;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import quorumkv.client.ClusterStatus;
import quorumkv.client.KvAdmin;
import quorumkv.client.KvException;
import quorumkv.server.ratis.KvNode;

/**
 * {@code /v1/cluster/members}: GET lists members; POST {@code {"id":"n4","address":"host:port","role":"voter"}}
 * adds one (role voter or listener); {@code DELETE /v1/cluster/members/<id>} removes one;
 * {@code POST /v1/cluster/members/<id>/promote} and {@code .../demote} turn a listener into a voter and back.
 *
 * <p>Changes go through the node's {@link KvAdmin} (a new voter joins as a listener and is promoted once
 * caught up; demoting or removing the leader hands leadership over first). {@code KvAdmin} states the
 * membership it wants and succeeds if it already holds; this API instead answers 409 for a change that
 * does not fit the leader's current configuration (adding a member that exists, removing one that does
 * not, promoting a voter, demoting a listener, removing or demoting the last voter), so it checks that
 * first. 503 when the cluster cannot make the change, 504 when a change was sent but not confirmed in
 * time. The whole request takes at most {@code quorumkv.http.call-timeout}.
 */
final class MembersHandler implements Handler {
  static final String PATH = "/v1/cluster/members";

  record AddBody(String id, String address, String role) {}

  private final KvAdmin admin;
  private final KvNode node;
  private final Duration timeout;

  MembersHandler(KvAdmin admin, KvNode node, Duration timeout) {
    this.admin = admin;
    this.node = node;
    this.timeout = timeout;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly();
    String rest = request.path().length() > PATH.length() ? request.path().substring(PATH.length() + 1) : "";
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (rest.isEmpty()) {
        return switch (request.method()) {
          case "GET" -> list();
          case "POST" -> add(Json.parse(request.body(), AddBody.class), deadline);
          default -> throw new ApiException(405, "method_not_allowed", Quote.of(request.method()) + " is not allowed on " + PATH);
        };
      }
      String[] parts = rest.split("/", -1);
      String id = Percent.decodeUtf8(parts[0], "member id");
      if (parts.length == 1 && request.method().equals("DELETE")) {
        member(id);
        within(deadline).remove(id);
      } else if (parts.length == 2 && request.method().equals("POST") && parts[1].equals("promote")) {
        if (member(id).isVoter()) {
          throw conflict(Quote.of(id) + " is already a voter");
        }
        within(deadline).promote(id);
      } else if (parts.length == 2 && request.method().equals("POST") && parts[1].equals("demote")) {
        if (!member(id).isVoter()) {
          throw conflict(Quote.of(id) + " is already a listener");
        }
        within(deadline).demote(id);
      } else {
        throw new ApiException(404, "not_found", "use DELETE " + PATH + "/<id> or POST " + PATH + "/<id>/promote|demote");
      }
      return list();
    } catch (KvException e) {
      throw KvErrors.admin(e);
    } catch (IOException e) {
      throw new ApiException(503, "unavailable", "this node cannot read its own status: " + e.getMessage());
    }
  }

  private ApiResponse add(AddBody body, long deadline) throws ApiException, IOException {
    if (body.id() == null || body.id().isBlank() || body.address() == null || !body.address().matches("[^:\\s]+:\\d{1,5}")) {
      throw ApiException.badRequest("bad_member", "need {\"id\": \"n4\", \"address\": \"host:port\", \"role\": \"voter|listener\"}");
    }
    String role = body.role() == null ? "voter" : body.role();
    if (!role.equals("voter") && !role.equals("listener")) {
      throw ApiException.badRequest("bad_member", "role must be voter or listener, got '" + Quote.of(role) + "'");
    }
    if (admin.clusterStatus().member(body.id()).isPresent()) {
      throw conflict("member " + Quote.of(body.id()) + " is already in the configuration");
    }
    if (role.equals("listener")) {
      within(deadline).addListener(body.id(), body.address());
    } else {
      within(deadline).addVoter(body.id(), body.address());
    }
    return list();
  }

  /** The member as the leader sees it now; 409 if there is none. */
  private ClusterStatus.Member member(String id) throws ApiException {
    Optional<ClusterStatus.Member> m = admin.clusterStatus().member(id);
    if (m.isEmpty()) {
      throw conflict("no member " + Quote.of(id));
    }
    return m.get();
  }

  /** The admin facet with what is left of this request's time; 503 if nothing is left. */
  private KvAdmin within(long deadline) throws ApiException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new ApiException(503, "unavailable", "no time left for the change after reading the configuration");
    }
    return admin.withTimeout(Duration.ofNanos(left));
  }

  private static ApiException conflict(String message) {
    return new ApiException(409, "conflict", message);
  }

  private ApiResponse list() throws IOException {
    var json = StatusJson.of(node.status());
    var out = Json.object();
    out.set("members", json.get("members"));
    out.set("leader", json.get("leader"));
    return ApiResponse.ok(out);
  }
}
