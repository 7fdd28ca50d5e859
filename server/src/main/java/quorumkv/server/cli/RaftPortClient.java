package quorumkv.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.KvException;
import quorumkv.client.connect.KvClients;

/**
 * A {@link KvClient} on the nodes' Raft ports, for the commands that need more than HTTP offers (locks and
 * elections keep a lease alive and watch): the members' addresses and the cluster id come from
 * {@code GET /v1/cluster} on the HTTP endpoints, the certificate from the same flags as HTTP.
 */
final class RaftPortClient {
  private RaftPortClient() {}

  static KvClient connect(ClientOptions options, HttpApi api) throws CliException {
    HttpApi.Reply r = ClientCommand.expect(api.get("/v1/cluster"), 200);
    JsonNode cluster = r.json();
    List<String> addresses = new ArrayList<>();
    cluster.get("members").forEach(m -> addresses.add(m.get("address").asText()));
    if (addresses.isEmpty() || !cluster.hasNonNull("cluster_id")) {
      throw new CliException(ExitCodes.FAILED, "GET /v1/cluster named no members or no cluster id: " + cluster);
    }
    KvClientConfig.Tls tls = KvClientConfig.Tls.PLAINTEXT;
    if (!options.insecure) {
      DevCerts.Files3 files = DevCerts.resolve(options.caFile, options.certFile, options.keyFile, System.getenv());
      tls = KvClientConfig.Tls.of(files.caFile(), files.certFile(), files.keyFile());
    }
    try {
      return KvClients.connect(KvClientConfig.builder().addresses(addresses).clusterId(cluster.get("cluster_id").asText())
          .deadline(Duration.ofSeconds(options.timeoutSeconds)).tls(tls).build());
    } catch (KvException | IllegalArgumentException e) {
      throw new CliException(ExitCodes.UNAVAILABLE, "cannot connect to the Raft ports " + addresses + ": " + e.getMessage());
    }
  }

  /** The exit code for a client failure (see {@link ExitCodes}). */
  static int exitCode(KvException e) {
    if (e instanceof quorumkv.client.KvPermissionDeniedException) {
      return ExitCodes.PERMISSION_DENIED;
    }
    if (e instanceof quorumkv.client.KvRejectedException || e instanceof quorumkv.client.KvLeaseNotFoundException) {
      return ExitCodes.REJECTED;
    }
    return e.isDefinite() ? ExitCodes.UNAVAILABLE : ExitCodes.UNKNOWN_OUTCOME;
  }
}
