package quorumkv.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cas", description = "Write a key only if its mod revision is PREV_REVISION (0: the key must be absent);"
    + " exit 3 if it is not.")
final class CasCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Parameters(index = "1", paramLabel = "PREV_REVISION")
  long prevRevision;

  @Parameters(index = "2", paramLabel = "VALUE")
  String value;

  @Option(names = "--base64", description = "KEY and VALUE are base64")
  boolean base64;

  @Override
  int run(HttpApi api) throws CliException {
    if (prevRevision < 0) {
      throw new CliException(ExitCodes.USAGE, "PREV_REVISION must be 0 or more");
    }
    HttpApi.Reply r = expect(PutCommand.write(api, key, value, base64, "&prev_revision=" + prevRevision), 200, 409);
    if (!printedJson(r)) {
      if (r.status() == 200) {
        out().println("OK revision=" + r.json().get("revision").asLong());
      } else {
        out().println(compareFailed(r));
      }
      out().flush();
    }
    return r.status() == 200 ? ExitCodes.OK : ExitCodes.NEGATIVE;
  }

  /** The line a refused compare prints (cas, del --prev-revision): what the key's mod revision is now. */
  static String compareFailed(HttpApi.Reply r) {
    var current = r.json().get("current");
    return "compare failed: current mod_revision="
        + (current == null || current.isNull() ? "0 (absent)" : current.get("mod_revision").asText());
  }
}
