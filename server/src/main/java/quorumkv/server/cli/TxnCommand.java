package quorumkv.server.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "txn", description = "Run an atomic transaction given as JSON (the body of POST /v1/txn, see README)"
    + " from --file or stdin; exit 3 if its guards did not hold.")
final class TxnCommand extends ClientCommand {
  @Option(names = "--file", paramLabel = "FILE", description = "the transaction as JSON (default: stdin)")
  Path file;

  @Override
  int run(HttpApi api) throws CliException {
    byte[] body;
    try {
      body = file == null ? System.in.readAllBytes() : Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot read the transaction: " + e.getMessage());
    }
    HttpApi.Reply r = expect(api.send("POST", "/v1/txn", "application/json", body, true), 200);
    boolean succeeded = r.json().get("succeeded").asBoolean();
    if (!printedJson(r)) {
      out().println((succeeded ? "SUCCESS" : "FAILURE (guards did not hold)") + " index=" + r.json().get("index").asLong());
      for (var result : r.json().get("results")) {
        out().println("  " + result);
      }
      out().flush();
    }
    return succeeded ? ExitCodes.OK : ExitCodes.NEGATIVE;
  }
}
