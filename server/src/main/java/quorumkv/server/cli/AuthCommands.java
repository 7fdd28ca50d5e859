package quorumkv.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import quorumkv.server.http.Json;

/**
 * {@code user}, {@code role} and {@code auth}: users, roles and grants, through {@code /v1/auth} (admins
 * only; exit 8 otherwise). A user is a client certificate's common name.
 */
final class AuthCommands {
  private AuthCommands() {}

  /** Posts one change; prints "ok" (or the JSON reply). */
  static int change(ClientCommand c, HttpApi api, ObjectNode body) throws CliException {
    HttpApi.Reply r = ClientCommand.expect(api.send("POST", "/v1/auth", "application/json", Json.bytes(body), true), 200);
    if (!c.printedJson(r)) {
      c.out().println("ok");
      c.out().flush();
    }
    return ExitCodes.OK;
  }

  static JsonNode state(ClientCommand c, HttpApi api) throws CliException {
    HttpApi.Reply r = ClientCommand.expect(api.get("/v1/auth"), 200);
    return c.printedJson(r) ? null : r.json();
  }

  @Command(name = "user", description = "Users: client certificate names, and the roles they hold.",
      subcommands = {UserAdd.class, UserDelete.class, UserGrant.class, UserRevoke.class, UserList.class})
  static final class User {
    @Mixin
    HelpOption help;
  }

  @Command(name = "add", description = "Add a user (a client certificate's common name).")
  static final class UserAdd extends ClientCommand {
    @Parameters(index = "0", paramLabel = "USER")
    String user;

    @Override
    int run(HttpApi api) throws CliException {
      return change(this, api, Json.object().put("op", "user-add").put("user", user));
    }
  }

  @Command(name = "delete", description = "Delete a user and its role grants.")
  static final class UserDelete extends ClientCommand {
    @Parameters(index = "0", paramLabel = "USER")
    String user;

    @Override
    int run(HttpApi api) throws CliException {
      return change(this, api, Json.object().put("op", "user-delete").put("user", user));
    }
  }

  @Command(name = "grant", description = "Give a user a role.")
  static final class UserGrant extends ClientCommand {
    @Parameters(index = "0", paramLabel = "USER")
    String user;

    @Parameters(index = "1", paramLabel = "ROLE")
    String role;

    @Override
    int run(HttpApi api) throws CliException {
      return change(this, api, Json.object().put("op", "user-grant").put("user", user).put("role", role));
    }
  }

  @Command(name = "revoke", description = "Take a role from a user.")
  static final class UserRevoke extends ClientCommand {
    @Parameters(index = "0", paramLabel = "USER")
    String user;

    @Parameters(index = "1", paramLabel = "ROLE")
    String role;

    @Override
    int run(HttpApi api) throws CliException {
      return change(this, api, Json.object().put("op", "user-revoke").put("user", user).put("role", role));
    }
  }

  @Command(name = "list", description = "List users and their roles.")
  static final class UserList extends ClientCommand {
    @Override
    int run(HttpApi api) throws CliException {
      JsonNode s = state(this, api);
      if (s != null) {
        for (Iterator<Map.Entry<String, JsonNode>> it = s.get("users").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> u = it.next();
          StringBuilder roles = new StringBuilder();
          u.getValue().forEach(r -> roles.append(roles.length() == 0 ? "" : ",").append(r.asText()));
          out().printf("%-24s %s%n", u.getKey(), roles);
        }
        out().flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "role", description = "Roles: read or readwrite per key prefix, or admin.",
      subcommands = {RoleAdd.class, RoleDelete.class, RoleGrant.class, RoleRevoke.class, RoleList.class})
  static final class Role {
    @Mixin
    HelpOption help;
  }

  @Command(name = "add", description = "Add a role.")
  static final class RoleAdd extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ROLE")
    String role;

    @Override
    int run(HttpApi api) throws CliException {
      return change(this, api, Json.object().put("op", "role-add").put("role", role));
    }
  }

  @Command(name = "delete", description = "Delete a role (users holding it lose it).")
  static final class RoleDelete extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ROLE")
    String role;

    @Override
    int run(HttpApi api) throws CliException {
      return change(this, api, Json.object().put("op", "role-delete").put("role", role));
    }
  }

  @Command(name = "grant", description = "Give a role a permission: read or readwrite on keys starting with PREFIX"
      + " (none: every key), or admin.")
  static final class RoleGrant extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ROLE")
    String role;

    @Parameters(index = "1", paramLabel = "read|readwrite|admin")
    String access;

    @Parameters(index = "2", paramLabel = "PREFIX", arity = "0..1", defaultValue = "")
    String prefix;

    @Override
    int run(HttpApi api) throws CliException {
      return change(this, api, Json.object().put("op", "role-grant").put("role", role).put("access", access)
          .put("prefix", prefix));
    }
  }

  @Command(name = "revoke", description = "Take a permission from a role.")
  static final class RoleRevoke extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ROLE")
    String role;

    @Parameters(index = "1", paramLabel = "read|readwrite|admin")
    String access;

    @Parameters(index = "2", paramLabel = "PREFIX", arity = "0..1", defaultValue = "")
    String prefix;

    @Override
    int run(HttpApi api) throws CliException {
      return change(this, api, Json.object().put("op", "role-revoke").put("role", role).put("access", access)
          .put("prefix", prefix));
    }
  }

  @Command(name = "list", description = "List roles and their permissions.")
  static final class RoleList extends ClientCommand {
    @Override
    int run(HttpApi api) throws CliException {
      JsonNode s = state(this, api);
      if (s != null) {
        for (Iterator<Map.Entry<String, JsonNode>> it = s.get("roles").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> r = it.next();
          StringBuilder perms = new StringBuilder();
          for (JsonNode p : r.getValue()) {
            perms.append(perms.length() == 0 ? "" : ", ").append(p.get("access").asText());
            if (p.has("prefix")) {
              perms.append(" '").append(p.get("prefix").asText()).append("'");
            } else if (p.has("prefix_base64")) {
              perms.append(" base64:").append(p.get("prefix_base64").asText());
            }
          }
          out().printf("%-24s %s%n", r.getKey(), perms);
        }
        out().flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "auth", description = "Authorization for the whole cluster (on by default).",
      subcommands = {AuthEnable.class, AuthDisable.class, AuthStatus.class})
  static final class Auth {
    @Mixin
    HelpOption help;
  }

  @Command(name = "enable", description = "Turn authorization on: callers need grants.")
  static final class AuthEnable extends ClientCommand {
    @Override
    int run(HttpApi api) throws CliException {
      return change(this, api, Json.object().put("op", "enable"));
    }
  }

  @Command(name = "disable", description = "Turn authorization off: every caller with a certificate from the CA may do"
      + " anything.")
  static final class AuthDisable extends ClientCommand {
    @Override
    int run(HttpApi api) throws CliException {
      return change(this, api, Json.object().put("op", "disable"));
    }
  }

  @Command(name = "status", description = "Say whether authorization is on, and how many users and roles exist.")
  static final class AuthStatus extends ClientCommand {
    @Override
    int run(HttpApi api) throws CliException {
      JsonNode s = state(this, api);
      if (s != null) {
        out().printf("authorization %s; %d users, %d roles%n", s.get("enabled").asBoolean() ? "enabled" : "DISABLED",
            s.get("users").size(), s.get("roles").size());
        out().flush();
      }
      return ExitCodes.OK;
    }
  }
}
