package quorumkv.server.cli;

import java.nio.file.Path;
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

  @Option(names = "--cacert", paramLabel = "FILE", description = "CA bundle (PEM) the nodes' certificates chain to;"
      + " env QUORUMKV_CACERT; default: the local cluster's development CA (" + DevCerts.DEFAULT_HINT + ")")
  Path caFile;

  @Option(names = "--cert", paramLabel = "FILE", description = "this client's certificate (PEM); env QUORUMKV_CERT;"
      + " default: the local cluster's development certificate 'root'")
  Path certFile;

  @Option(names = "--key", paramLabel = "FILE", description = "its private key (PEM, PKCS#8); env QUORUMKV_KEY")
  Path keyFile;

  @Option(names = "--insecure-plaintext", description = "INSECURE: plain HTTP, for a cluster started with"
      + " quorumkv.insecure-plaintext=true")
  boolean insecure;

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
    return new HttpApi(parsed, Duration.ofSeconds(timeoutSeconds), insecure ? null
        : DevCerts.resolve(caFile, certFile, keyFile, System.getenv()));
  }
}
