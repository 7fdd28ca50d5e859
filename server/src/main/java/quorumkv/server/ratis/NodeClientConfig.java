package quorumkv.server.ratis;

import java.util.ArrayList;
import java.util.List;
import quorumkv.client.KvClientConfig;
import quorumkv.server.config.PeerSpec;
import quorumkv.server.config.ServerConfig;

/** The configuration of the clients a node runs itself (its HTTP front, its self-healing tasks). */
public final class NodeClientConfig {
  private NodeClientConfig() {}

  /** A client configuration for this node's cluster: its own address first, then the other peers. */
  public static KvClientConfig of(ServerConfig config) {
    List<String> addresses = new ArrayList<>();
    addresses.add(config.self().address());
    for (PeerSpec p : config.peers()) {
      if (!addresses.contains(p.address())) {
        addresses.add(p.address());
      }
    }
    var tls = config.tls();
    return KvClientConfig.builder().addresses(addresses).clusterId(config.clusterId())
        .deadline(config.http().callTimeout()).limits(config.limits())
        // The node's own client (HTTP front, self-healing) shows the node's certificate.
        .tls(tls.enabled() ? new KvClientConfig.Tls(tls.caFile(), tls.certFile(), tls.keyFile(), tls.protocols(),
            tls.reloadInterval()) : KvClientConfig.Tls.PLAINTEXT)
        .build();
  }
}
