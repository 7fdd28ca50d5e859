package quorumkv.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "del", description = "Delete a key. Deleting an absent key succeeds (exit 0, prints 'not found:"
    + " nothing deleted'): a delete is idempotent. With --prev-revision only if its mod revision matches (exit 3"
    + " and the current mod revision if not).")
final class DelCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Option(names = "--prev-revision", paramLabel = "N", description = "delete only if the key's mod revision is N")
  Long prevRevision;

  @Option(names = "--base64", description = "KEY is base64")
  boolean base64;

  @Override
  int run(HttpApi api) throws CliException {
    String path = "/v1/kv/" + Urls.key(key, base64) + (base64 ? "?encoding=base64" : "?encoding=utf8")
        + (prevRevision == null ? "" : "&prev_revision=" + prevRevision);
    HttpApi.Reply r = expect(api.send("DELETE", path, null, null, true), 200, 409);
    if (!printedJson(r)) {
      out().println(r.status() == 409 ? CasCommand.compareFailed(r) + ": not deleted"
          : r.json().get("deleted").asBoolean() ? "deleted revision=" + r.json().get("revision").asLong() : "not found: nothing deleted");
      out().flush();
    }
    return r.status() == 200 ? ExitCodes.OK : ExitCodes.NEGATIVE;
  }
}
