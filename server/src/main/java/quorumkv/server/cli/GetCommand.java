package quorumkv.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = "Print a key's value (exit 3 if absent).")
final class GetCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Option(names = "--consistency", defaultValue = "linearizable", description = "linearizable (default) or follower")
  String consistency;

  @Option(names = "--base64", description = "KEY is base64; print the value as base64")
  boolean base64;

  @Option(names = {"-w", "--with-revision"}, description = "also print mod revision and version")
  boolean withRevision;

  @Override
  int run(HttpApi api) throws CliException {
    String path = "/v1/kv/" + Urls.key(key, base64) + "?consistency=" + Urls.encode(consistency)
        + (base64 ? "&encoding=base64" : "");
    HttpApi.Reply r = expect(api.get(path), 200, 404);
    if (!printedJson(r) && r.status() == 200) {
      out().println(base64 ? r.json().get("value_base64").asText() : text(r.json(), "value"));
      if (withRevision) {
        out().println("mod_revision=" + r.json().get("mod_revision") + " version=" + r.json().get("version"));
      }
      out().flush();
    }
    if (r.status() == 404) {
      if (!options.json) {
        err().println("quorumkv: key not found");
        err().flush();
      }
      return ExitCodes.NEGATIVE;
    }
    return ExitCodes.OK;
  }
}
