package quorumkv.client.connect;

import java.util.Objects;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.client.internal.ClientCore;

/**
 * Creates {@link KvClient}s. A factory of its own, outside both the API package and its implementation,
 * so that {@code quorumkv.client} never imports {@code quorumkv.client.internal} (no package cycle).
 */
public final class KvClients {
  private KvClients() {}

  /**
   * Creates a client. Contacts the configured addresses once to learn the group's members and leader,
   * but does not fail if none answers: calls retry until their deadline, so a client can be created
   * before the cluster is up.
   */
  public static KvClient connect(KvClientConfig config) {
    return ClientCore.connect(Objects.requireNonNull(config, "config"));
  }

  /**
   * A client for a process that is itself a member of the cluster (a QuorumKV node serving its HTTP
   * API): calls addressed to the member {@code localId} are handed to {@code localServer}, that member's
   * Ratis server in this process, without gRPC; calls to other members go over gRPC as usual. Results,
   * errors and guarantees are those of {@link #connect(KvClientConfig)}.
   */
  public static KvClient connectInProcess(KvClientConfig config, String localId,
      RaftClientAsynchronousProtocol localServer) {
    return ClientCore.connectInProcess(Objects.requireNonNull(config, "config"), localId, localServer);
  }

  /** A client with default settings for the cluster {@code quorumkv} at {@code addresses}. */
  public static KvClient connect(String... addresses) {
    return connect(KvClientConfig.builder().addresses(addresses).build());
  }
}
