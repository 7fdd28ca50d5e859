package quorumkv.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "scan", description = "List keys in order: by --prefix, or from --start to --end (exclusive); all keys if neither.")
final class ScanCommand extends ClientCommand {
  @Option(names = "--prefix", paramLabel = "P")
  String prefix;

  @Option(names = "--start", paramLabel = "KEY")
  String start;

  @Option(names = "--end", paramLabel = "KEY")
  String end;

  @Option(names = "--limit", defaultValue = "100", description = "most keys to list (default ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--consistency", defaultValue = "linearizable", description = "linearizable (default) or follower")
  String consistency;

  @Option(names = "--base64", description = "keys given and printed as base64")
  boolean base64;

  @Option(names = "--keys-only", description = "print keys only")
  boolean keysOnly;

  @Override
  int run(HttpApi api) throws CliException {
    if (prefix != null && (start != null || end != null)) {
      throw new CliException(ExitCodes.USAGE, "give either --prefix or --start/--end");
    }
    StringBuilder path = new StringBuilder("/v1/kv?limit=").append(limit).append("&consistency=")
        .append(Urls.encode(consistency)).append(base64 ? "&encoding=base64" : "");
    if (prefix != null) {
      path.append("&prefix=").append(Urls.key(prefix, base64));
    }
    if (start != null) {
      path.append("&start=").append(Urls.key(start, base64));
    }
    if (end != null) {
      path.append("&end=").append(Urls.key(end, base64));
    }
    HttpApi.Reply r = expect(api.get(path.toString()), 200);
    if (!printedJson(r)) {
      for (JsonNode kv : r.json().get("kvs")) {
        String k = base64 ? kv.get("key_base64").asText() : text(kv, "key");
        String v = base64 ? kv.get("value_base64").asText() : text(kv, "value");
        out().println(keysOnly ? k : k + " = " + v + "  (mod_revision " + kv.get("mod_revision").asLong() + ")");
      }
      if (r.json().get("more").asBoolean()) {
        out().println("... more keys (raise --limit or continue with --start)");
      }
      out().flush();
    }
    return ExitCodes.OK;
  }
}
