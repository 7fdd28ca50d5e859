package quorumkv.raftlog.command;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Names shared by clients and servers. A cluster has one fixed Raft group whose id is derived from the
 * cluster id, so a client needs only the cluster id and any node's address.
 */
public final class ClusterIds {
  /** The cluster id used when none is configured. */
  public static final String DEFAULT_CLUSTER_ID = "quorumkv";

  private ClusterIds() {}

  /** The Raft group id (a name-based UUID) of the cluster called {@code clusterId}. */
  public static UUID groupId(String clusterId) {
    if (clusterId == null || clusterId.isBlank()) {
      throw new IllegalArgumentException("cluster id must not be blank");
    }
    return UUID.nameUUIDFromBytes(("quorumkv-cluster:" + clusterId).getBytes(StandardCharsets.UTF_8));
  }
}
