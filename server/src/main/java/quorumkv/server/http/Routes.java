package quorumkv.server.http;

import java.util.Set;
import quorumkv.client.KvClient;
import quorumkv.server.metrics.NodeMetrics;
import quorumkv.server.ratis.KvNode;
import quorumkv.server.status.Readiness;

/**
 * Every resource of the HTTP API, in one table (the README's "HTTP API" section lists the same). Writes,
 * reads and membership changes all go through the node's {@code client}; reads are aimed at this node,
 * which serves them.
 */
public final class Routes {
  private Routes() {}

  public static Router create(KvNode node, KvClient client, NodeMetrics metrics, Readiness readiness) {
    String nodeId = node.config().nodeId();
    RangeHandler range = new RangeHandler(client, nodeId);
    MembersHandler members = new MembersHandler(client.admin(), node, node.config().http().callTimeout());
    return new Router()
        .prefix("kv", KvHandler.PREFIX, Set.of("GET", "PUT", "DELETE"), new KvHandler(client, nodeId))
        .exact("range", "/v1/kv", Set.of("GET"), range)
        .exact("range", KvHandler.PREFIX, Set.of("GET"), range)
        .exact("txn", "/v1/txn", Set.of("POST"), new TxnHandler(client))
        .exact("cluster", "/v1/cluster", Set.of("GET"), new ClusterHandler(node))
        .exact("members", MembersHandler.PATH, Set.of("GET", "POST"), members)
        .prefix("members", MembersHandler.PATH + "/", Set.of("POST", "DELETE"), members)
        .exact("leader", "/v1/cluster/leader", Set.of("POST"), new LeaderHandler(client.admin()))
        .exact("backup", "/v1/backup", Set.of("GET"), new BackupHandler(node, client))
        .exact("health", "/health", Set.of("GET"), new HealthHandler(node))
        .exact("ready", "/ready", Set.of("GET"), new ReadyHandler(node, readiness))
        .exact("metrics", "/metrics", Set.of("GET"), new MetricsHandler(metrics));
  }
}
