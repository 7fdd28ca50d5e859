package quorumkv.client.connect;

import java.util.Objects;
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

  /** A client with default settings for the cluster {@code quorumkv} at {@code addresses}. */
  public static KvClient connect(String... addresses) {
    return connect(KvClientConfig.builder().addresses(addresses).build());
  }
}
