package quorumkv.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import quorumkv.server.http.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "put", description = "Write a key (the value from the argument, or from stdin if omitted).")
final class PutCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Parameters(index = "1", paramLabel = "VALUE", arity = "0..1")
  String value;

  @Option(names = "--base64", description = "KEY and VALUE are base64")
  boolean base64;

  @Override
  int run(HttpApi api) throws CliException {
    HttpApi.Reply r = expect(write(api, key, valueOrStdin(value), base64, ""), 200);
    if (!printedJson(r)) {
      out().println("OK revision=" + r.json().get("revision").asLong());
      out().flush();
    }
    return ExitCodes.OK;
  }

  static String valueOrStdin(String value) throws CliException {
    if (value != null) {
      return value;
    }
    try {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot read the value from stdin: " + e.getMessage());
    }
  }

  /** PUT /v1/kv/KEY with a JSON body; {@code query} is appended ("&prev_revision=N" or empty). */
  static HttpApi.Reply write(HttpApi api, String key, String value, boolean base64, String query) throws CliException {
    var body = Json.object().put(base64 ? "value_base64" : "value", value);
    String path = "/v1/kv/" + Urls.key(key, base64) + "?encoding=" + (base64 ? "base64" : "utf8") + query;
    return api.send("PUT", path, "application/json", Json.bytes(body), true);
  }
}
