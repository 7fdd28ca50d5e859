package quorumkv.server.http;

import java.util.Set;
import quorumkv.server.admin.MembershipAdmin;
import quorumkv.server.gateway.ClusterGateway;
import quorumkv.server.metrics.NodeMetrics;
import quorumkv.server.ratis.KvNode;
import quorumkv.server.status.Readiness;
import quorumkv.server.status.StatusReader;

/** Every resource of the HTTP API, in one table (the README's "HTTP API" section lists the same). */
public final class Routes {
  private Routes() {}

  public static Router create(KvNode node, ClusterGateway gateway, NodeMetrics metrics, Readiness readiness) {
    StatusReader status = new StatusReader(node);
    MembershipAdmin admin = new MembershipAdmin(node, gateway);
    RangeHandler range = new RangeHandler(gateway);
    MembersHandler members = new MembersHandler(admin, status);
    return new Router()
        .prefix("kv", KvHandler.PREFIX, Set.of("GET", "PUT", "DELETE"), new KvHandler(gateway))
        .exact("range", "/v1/kv", Set.of("GET"), range)
        .exact("range", KvHandler.PREFIX, Set.of("GET"), range)
        .exact("txn", "/v1/txn", Set.of("POST"), new TxnHandler(gateway))
        .exact("cluster", "/v1/cluster", Set.of("GET"), new ClusterHandler(status))
        .exact("members", MembersHandler.PATH, Set.of("GET", "POST"), members)
        .prefix("members", MembersHandler.PATH + "/", Set.of("POST", "DELETE"), members)
        .exact("leader", "/v1/cluster/leader", Set.of("POST"), new LeaderHandler(admin))
        .exact("backup", "/v1/backup", Set.of("GET"), new BackupHandler(node, gateway))
        .exact("health", "/health", Set.of("GET"), new HealthHandler(node))
        .exact("ready", "/ready", Set.of("GET"), new ReadyHandler(status, readiness))
        .exact("metrics", "/metrics", Set.of("GET"), new MetricsHandler(metrics));
  }
}
