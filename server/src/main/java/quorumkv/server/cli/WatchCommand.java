package quorumkv.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints the changes to a key (or under a prefix) as they are applied, by long polls of {@code GET /v1/watch}:
 * each poll starts at the revision the previous one reached, so nothing is missed or printed twice, and a poll
 * that fails on one endpoint goes on at the next.
 */
@Command(name = "watch", description = "Print each change to KEY (or to keys under it, with --prefix) as it happens, "
    + "one line per change, until --count changes or --for seconds (without either, until interrupted).")
final class WatchCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Option(names = "--prefix", description = "watch every key starting with KEY")
  boolean prefix;

  @Option(names = "--rev", paramLabel = "N", defaultValue = "0",
      description = "start at revision N (print the changes since; exit 4 if the history no longer holds it); default: from now")
  long rev;

  @Option(names = "--prev", description = "also print each change's previous value")
  boolean prev;

  @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "stop after N changes")
  long count;

  @Option(names = "--for", paramLabel = "SECONDS", defaultValue = "0", description = "stop after this many seconds")
  long seconds;

  @Option(names = "--base64", description = "KEY is base64; print keys and values as base64")
  boolean base64;

  @Override
  int run(HttpApi api) throws CliException {
    if (rev < 0 || count < 0 || seconds < 0) {
      throw new CliException(ExitCodes.USAGE, "--rev, --count and --for take numbers of 0 or more");
    }
    // Each poll ends before the CLI's own request timeout, so a quiet key is not mistaken for a dead node.
    long pollMs = Math.max(500, Math.min(15_000, options.timeoutSeconds * 1000L - 3_000));
    long end = seconds == 0 ? Long.MAX_VALUE : System.nanoTime() + seconds * 1_000_000_000L;
    long next = rev;
    long printed = 0;
    String watched = (prefix ? "prefix=" : "key=") + Urls.key(key, base64) + (base64 ? "&encoding=base64" : "")
        + (prev ? "&prev=true" : "");
    while ((count == 0 || printed < count) && System.nanoTime() < end) {
      long waitMs = Math.min(pollMs, Math.max(0, (end - System.nanoTime()) / 1_000_000));
      HttpApi.Reply r = api.get("/v1/watch?" + watched + "&timeout=" + waitMs + "ms" + (next > 0 ? "&start_revision=" + next : ""));
      if (r.status() == 410) {
        throw new CliException(ExitCodes.REJECTED, "revision " + next + " is compacted; the oldest revision kept is "
            + r.json().get("oldest").asLong() + " (read the keys again, then watch from the revision after that read)");
      }
      expect(r, 200);
      for (JsonNode e : r.json().get("events")) {
        if (count > 0 && printed >= count) {
          break;
        }
        print(e);
        printed++;
      }
      next = r.json().get("next").asLong();
    }
    return ExitCodes.OK;
  }

  private void print(JsonNode e) {
    if (options.json) {
      out().println(e.toString());
    } else {
      JsonNode kv = e.get("kv");
      String k = base64 ? kv.get("key_base64").asText() : text(kv, "key");
      String line = e.get("type").asText().toUpperCase(java.util.Locale.ROOT) + " " + k;
      if (e.get("type").asText().equals("put")) {
        line += " = " + (base64 ? kv.get("value_base64").asText() : text(kv, "value"));
      }
      line += "  (revision " + e.get("revision").asLong() + ")";
      if (e.has("prev_kv")) {
        line += "  previous: " + (base64 ? e.get("prev_kv").get("value_base64").asText() : text(e.get("prev_kv"), "value"));
      }
      out().println(line);
    }
    out().flush();
  }
}
