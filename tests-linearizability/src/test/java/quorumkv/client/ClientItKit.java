package quorumkv.client;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import quorumkv.client.connect.KvClients;
import quorumkv.server.testing.LocalCluster;

/**
 * The set-up the client ITs share: an in-process cluster that has elected a leader, and clients
 * configured for it. Tests close what they get (try-with-resources or an {@code @AfterAll}).
 */
final class ClientItKit {
  /** Long enough for a first election on a loaded 2-core machine. */
  static final Duration FIRST_LEADER = Duration.ofSeconds(30);

  private ClientItKit() {}

  /** {@code voters} voters with default settings, once one of them leads. */
  static LocalCluster startCluster(int voters, Path dir) throws IOException {
    return startCluster(voters, 0, dir, Map.of());
  }

  /** {@code voters} voters then {@code listeners} listeners, with config overrides on every node, once one leads. */
  static LocalCluster startCluster(int voters, int listeners, Path dir, Map<String, String> overrides)
      throws IOException {
    LocalCluster cluster = LocalCluster.start(voters, listeners, dir, overrides);
    try {
      cluster.waitForLeader(FIRST_LEADER);
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** A config for {@code cluster}: every node's address and its cluster id; adjust it further as needed. */
  static KvClientConfig.Builder configFor(LocalCluster cluster) {
    return KvClientConfig.builder().addresses(cluster.addresses()).clusterId(cluster.clusterId())
        .tls(cluster.clientTls(LocalCluster.ADMIN_CLIENT));
  }

  /** A client of {@code cluster} with default settings. */
  static KvClient connect(LocalCluster cluster) {
    return KvClients.connect(configFor(cluster).build());
  }
}
