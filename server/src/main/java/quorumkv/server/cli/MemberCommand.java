package quorumkv.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import quorumkv.server.http.Json;

@Command(name = "member", description = "Membership changes (Ratis setConfiguration, compare-and-set against the current"
    + " configuration; exit 4 if the change does not fit it).",
    subcommands = {MemberCommand.ListMembers.class, MemberCommand.Add.class, MemberCommand.Remove.class,
        MemberCommand.Promote.class, MemberCommand.Demote.class})
final class MemberCommand {
  @Mixin
  HelpOption help;


  static int print(ClientCommand c, HttpApi.Reply r) throws CliException {
    ClientCommand.expect(r, 200);
    if (!c.printedJson(r)) {
      for (JsonNode m : r.json().get("members")) {
        c.out().printf("%-8s %-9s %s%s%n", m.get("id").asText(), m.get("role").asText(), m.get("address").asText(),
            m.get("leader").asBoolean() ? "  (leader)" : "");
      }
      c.out().flush();
    }
    return ExitCodes.OK;
  }

  @Command(name = "list", description = "List members and their roles.")
  static final class ListMembers extends ClientCommand {
    @Override
    int run(HttpApi api) throws CliException {
      return print(this, api.get("/v1/cluster/members"));
    }
  }

  @Command(name = "add", description = "Add a member; start the new node first (with the new peer list).")
  static final class Add extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "HOST:PORT", description = "its Raft address")
    String address;

    @Option(names = "--listener", description = "add as a non-voting asynchronous follower")
    boolean listener;

    @Override
    int run(HttpApi api) throws CliException {
      var body = Json.object().put("id", id).put("address", address).put("role", listener ? "listener" : "voter");
      return print(this, api.send("POST", "/v1/cluster/members", "application/json", Json.bytes(body), true));
    }
  }

  @Command(name = "remove", description = "Remove a member.")
  static final class Remove extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int run(HttpApi api) throws CliException {
      return print(this, api.send("DELETE", "/v1/cluster/members/" + Urls.encode(id), null, null, true));
    }
  }

  @Command(name = "promote", description = "Turn a listener into a voter.")
  static final class Promote extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int run(HttpApi api) throws CliException {
      return print(this, api.send("POST", "/v1/cluster/members/" + Urls.encode(id) + "/promote", null, null, true));
    }
  }

  @Command(name = "demote", description = "Turn a voter into a listener.")
  static final class Demote extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int run(HttpApi api) throws CliException {
      return print(this, api.send("POST", "/v1/cluster/members/" + Urls.encode(id) + "/demote", null, null, true));
    }
  }
}
