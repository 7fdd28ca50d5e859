package quorumkv.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import quorumkv.client.KvException;
import quorumkv.client.KvAuth;
import quorumkv.raftlog.command.AuthChange;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.Permission;

/**
 * {@code /v1/auth}: GET lists users, roles and whether authorization is on; POST makes one change, e.g.
 * {@code {"op":"role-grant","role":"app-reader","access":"read","prefix":"app/"}}. Ops: {@code enable},
 * {@code disable}, {@code user-add}, {@code user-delete}, {@code user-grant} / {@code user-revoke} (user,
 * role), {@code role-add}, {@code role-delete}, {@code role-grant} / {@code role-revoke} (role, access:
 * read|readwrite|admin, prefix). Admins only: the state machine refuses anyone else (403
 * {@code permission_denied}), judged after the read-index wait for GET and when the change applies for POST.
 */
final class AuthHandler implements Handler {
  static final String PATH = "/v1/auth";

  /** A change in JSON. */
  record ChangeBody(String op, String user, String role, String access, String prefix) {}

  private final CallerClients clients;

  AuthHandler(CallerClients clients) {
    this.clients = clients;
  }

  @Override
  public ApiResponse handle(ApiRequest request) throws ApiException {
    request.allowOnly();
    KvAuth auth = clients.of(request).auth();
    try {
      if (request.method().equals("POST")) {
        AuthChange change = change(Json.parse(request.body(), ChangeBody.class));
        auth.change(change);
        return ApiResponse.ok(Json.object().put("applied", true));
      }
      return ApiResponse.ok(json(auth.state()));
    } catch (KvException e) {
      throw KvErrors.toApi(e, request.method().equals("POST"));
    }
  }

  static AuthChange change(ChangeBody body) throws ApiException {
    String op = body.op() == null ? "" : body.op();
    try {
      return switch (op) {
        case "enable" -> new AuthChange.SetEnabled(true);
        case "disable" -> new AuthChange.SetEnabled(false);
        case "user-add" -> new AuthChange.AddUser(need(body.user(), "user"));
        case "user-delete" -> new AuthChange.DeleteUser(need(body.user(), "user"));
        case "user-grant" -> new AuthChange.GrantRole(need(body.user(), "user"), need(body.role(), "role"));
        case "user-revoke" -> new AuthChange.RevokeRole(need(body.user(), "user"), need(body.role(), "role"));
        case "role-add" -> new AuthChange.AddRole(need(body.role(), "role"));
        case "role-delete" -> new AuthChange.DeleteRole(need(body.role(), "role"));
        case "role-grant" -> new AuthChange.GrantPermission(need(body.role(), "role"), permission(body));
        case "role-revoke" -> new AuthChange.RevokePermission(need(body.role(), "role"), permission(body));
        default -> throw ApiException.badRequest("bad_op", "unknown op " + Quote.of(op) + "; use enable, disable,"
            + " user-add, user-delete, user-grant, user-revoke, role-add, role-delete, role-grant or role-revoke");
      };
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("bad_auth_change", e.getMessage());
    }
  }

  private static Permission permission(ChangeBody body) throws ApiException {
    Permission.Access access = Permission.Access.parse(need(body.access(), "access"));
    String prefix = body.prefix() == null ? "" : body.prefix();
    return new Permission(access, quorumkv.raftlog.command.Bytes.utf8(prefix));
  }

  private static String need(String value, String field) throws ApiException {
    if (value == null || value.isEmpty()) {
      throw ApiException.badRequest("bad_auth_change", "the change needs a " + Quote.of(field));
    }
    return value;
  }

  static ObjectNode json(AuthState state) {
    ObjectNode out = Json.object().put("enabled", state.enabled());
    ObjectNode users = out.putObject("users");
    for (Map.Entry<String, SortedSet<String>> u : state.users().entrySet()) {
      ArrayNode roles = users.putArray(u.getKey());
      u.getValue().forEach(roles::add);
    }
    ObjectNode roles = out.putObject("roles");
    for (Map.Entry<String, List<Permission>> r : state.roles().entrySet()) {
      ArrayNode perms = roles.putArray(r.getKey());
      for (Permission p : r.getValue()) {
        ObjectNode pj = perms.addObject().put("access", p.access().toString());
        if (p.access() != Permission.Access.ADMIN) {
          KeyCodec.put(pj, "prefix", p.prefix(), KeyCodec.Encoding.UTF8);
        }
      }
    }
    return out;
  }
}
