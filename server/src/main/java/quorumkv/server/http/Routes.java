package quorumkv.server.http;

import java.util.Set;
import quorumkv.client.KvClient;
import quorumkv.server.metrics.NodeMetrics;
import quorumkv.server.ratis.KvNode;
import quorumkv.server.status.Readiness;

/**
 * Every resource of the two HTTP listeners, in one table each (README's "HTTP API" section lists the
 * same). Writes, reads and membership changes all go through the node's {@code client}; reads are aimed
 * at this node, which serves them.
 */
public final class Routes {
  private Routes() {}

  /** The data API; the probes are not here (see {@link #operations}), only a pointer to their port. */
  public static Router data(KvNode node, KvClient client) {
    String nodeId = node.config().nodeId();
    CallerClients clients = new CallerClients(client, Set.copyOf(node.config().tls().admins()));
    RangeHandler range = new RangeHandler(clients, nodeId);
    Handler members = adminChanges(new MembersHandler(client.admin(), node, node.config().http().callTimeout()), clients);
    return new Router()
        .prefix("kv", KvHandler.PREFIX, Set.of("GET", "PUT", "DELETE"), new KvHandler(clients, nodeId))
        .exact("range", "/v1/kv", Set.of("GET"), range)
        .exact("range", KvHandler.PREFIX, Set.of("GET"), range)
        .exact("txn", "/v1/txn", Set.of("POST"), new TxnHandler(clients))
        .exact("watch", WatchHandler.PATH, Set.of("GET"),
            new WatchHandler(node.watches(), clients, node.config().http().workers()))
        .exact("cluster", "/v1/cluster", Set.of("GET"), new ClusterHandler(node))
        .exact("members", MembersHandler.PATH, Set.of("GET", "POST"), members)
        .prefix("members", MembersHandler.PATH + "/", Set.of("POST", "DELETE"), members)
        .exact("leader", "/v1/cluster/leader", Set.of("POST"), adminOnly(new LeaderHandler(client.admin()), clients))
        .exact("backup", "/v1/backup", Set.of("GET"), adminOnly(new BackupHandler(node, client), clients))
        .exact("auth", AuthHandler.PATH, Set.of("GET", "POST"), new AuthHandler(clients))
        .exact("moved", "/health", Set.of("GET"), movedToOperations(node))
        .exact("moved", "/ready", Set.of("GET"), movedToOperations(node))
        .exact("moved", "/metrics", Set.of("GET"), movedToOperations(node));
  }

  /**
   * The operations listener: liveness, readiness and metrics, on their own port, connection cap and
   * threads, serving no data, so that they answer while the data API is saturated.
   */
  public static Router operations(KvNode node, NodeMetrics metrics, Readiness readiness) {
    return new Router()
        .exact("health", "/health", Set.of("GET"), new HealthHandler(node))
        .exact("ready", "/ready", Set.of("GET"), new ReadyHandler(node, readiness))
        .exact("metrics", "/metrics", Set.of("GET"), new MetricsHandler(metrics));
  }

  /**
   * Membership, leadership and backups (every key and value) are for admins: the node's own client, which
   * carries them out, acts as a member, so the HTTP caller is checked first ({@link CallerClients#requireAdmin}).
   * A plaintext listener identifies nobody and checks nothing.
   */
  static Handler adminOnly(Handler handler, CallerClients clients) {
    return request -> {
      clients.requireAdmin(request);
      return handler.handle(request);
    };
  }

  /** Reads (GET) for any caller, changes for admins only. */
  static Handler adminChanges(Handler handler, CallerClients clients) {
    Handler guarded = adminOnly(handler, clients);
    return request -> request.method().equals("GET") ? handler.handle(request) : guarded.handle(request);
  }

  private static Handler movedToOperations(KvNode node) {
    int port = node.config().ops().port();
    return request -> {
      throw new ApiException(404, "moved", request.path() + " is served on the operations port " + port
          + " (quorumkv.ops.port), not on the data API's");
    };
  }
}
