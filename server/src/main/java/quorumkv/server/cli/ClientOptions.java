package quorumkv.server.cli;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of every command that talks to a running cluster. */
final class ClientOptions {
  @Mixin
  HelpOption help;

  /** The HTTP ports of the three nodes that {@code bin/quorumkv-cluster up} starts. */
  /** The HTTP ports bin/quorumkv-cluster and docker-compose.yml publish. */
  static final String DEFAULT_ENDPOINTS = "127.0.0.1:8081,127.0.0.1:8082,127.0.0.1:8083";

  @Option(names = "--endpoints", paramLabel = "HOST:PORT,...",
      description = "HTTP address (quorumkv.http.port) of one or more nodes, tried in order; env QUORUMKV_ENDPOINTS;"
          + " default " + DEFAULT_ENDPOINTS)
  String endpoints;

  @Option(names = "--json", description = "print the server's JSON reply instead of human-readable text")
  boolean json;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "20",
      description = "how long to wait for one node's answer (default ${DEFAULT-VALUE})")
  int timeoutSeconds;

  HttpApi api() throws CliException {
    String list = endpoints != null ? endpoints : System.getenv().getOrDefault("QUORUMKV_ENDPOINTS", DEFAULT_ENDPOINTS);
    List<String> parsed = Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String e : parsed) {
      if (!e.matches("[^:/\\s]+:\\d{1,5}")) {
        throw new CliException(ExitCodes.USAGE, "--endpoints: '" + e + "' is not host:port");
      }
    }
    if (parsed.isEmpty() || timeoutSeconds < 1) {
      throw new CliException(ExitCodes.USAGE, "--endpoints needs at least one host:port and --timeout at least 1");
    }
    return new HttpApi(parsed, Duration.ofSeconds(timeoutSeconds));
  }
}
