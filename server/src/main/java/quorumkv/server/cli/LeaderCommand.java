package quorumkv.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import quorumkv.server.http.Json;

@Command(name = "leader", description = "Leadership.", subcommands = LeaderCommand.Transfer.class)
final class LeaderCommand {
  @Mixin
  HelpOption help;


  @Command(name = "transfer", description = "Hand leadership to voter ID (waits up to 10 s).")
  static final class Transfer extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int run(HttpApi api) throws CliException {
      HttpApi.Reply r = expect(api.send("POST", "/v1/cluster/leader", "application/json",
          Json.bytes(Json.object().put("to", id)), true), 200);
      if (!printedJson(r)) {
        out().println("leader is now " + id);
        out().flush();
      }
      return ExitCodes.OK;
    }
  }
}
