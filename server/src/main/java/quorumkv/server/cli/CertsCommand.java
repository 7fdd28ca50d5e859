package quorumkv.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import quorumkv.server.tls.DevPki;

/**
 * {@code quorumkv certs --dir DIR --node n1 --node n2 --client root}: a development certificate authority
 * in DIR (made on first use, reused after) and certificates it issues for nodes and clients, as PEM files
 * with owner-only keys. For development clusters and tests; production clusters bring their own CA.
 */
@Command(name = "certs", description = "Make a development CA in DIR (on first use; reused after) and issue"
    + " certificates for nodes (serverAuth+clientAuth, names: the node id, localhost, 127.0.0.1 and each --host)"
    + " and clients (clientAuth): DIR/ca.pem, DIR/<name>.pem and DIR/<name>.key (mode 0600). Not for production.")
final class CertsCommand implements Callable<Integer> {
  @Mixin
  HelpOption help;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "where the CA and certificates live")
  Path dir;

  @Option(names = "--cluster", defaultValue = "quorumkv", paramLabel = "NAME", description = "named in the CA's"
      + " subject (default: ${DEFAULT-VALUE})")
  String cluster;

  @Option(names = "--node", paramLabel = "ID", description = "issue a node certificate (repeatable)")
  List<String> nodes = new ArrayList<>();

  @Option(names = "--host", paramLabel = "NAME|IP", description = "one more name or address every node"
      + " certificate is valid for (repeatable), e.g. the address clients dial")
  List<String> hosts = new ArrayList<>();

  @Option(names = "--client", paramLabel = "NAME", description = "issue a client certificate (repeatable)")
  List<String> clients = new ArrayList<>();

  @Option(names = "--days", defaultValue = "365", paramLabel = "N", description = "validity of each certificate"
      + " issued (default: ${DEFAULT-VALUE})")
  int days;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (days < 1) {
      err.println("quorumkv: --days must be 1 or more");
      err.flush();
      return ExitCodes.USAGE;
    }
    try {
      // Every name first: a bad one must not leave a CA or half the certificates behind.
      nodes.forEach(DevPki::checkName);
      clients.forEach(DevPki::checkName);
      DevPki pki = DevPki.openOrCreate(dir, cluster);
      out.println("CA: " + dir.resolve(DevPki.CA_CERT) + " (key " + dir.resolve(DevPki.CA_KEY) + ")");
      for (String node : nodes) {
        out.println("node " + node + ": " + pki.issueNode(node, hosts, Duration.ofDays(days)));
      }
      for (String client : clients) {
        out.println("client " + client + ": " + pki.issueClient(client, Duration.ofDays(days)));
      }
      out.flush();
      return ExitCodes.OK;
    } catch (IOException | IllegalArgumentException e) {
      err.println("quorumkv: certs: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILED;
    }
  }
}
