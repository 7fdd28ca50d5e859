package quorumkv.server.node;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.client.KvClient;
import quorumkv.client.KvClientConfig;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.tls.NodeTls;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.http.Dispatcher;
import quorumkv.server.http.HttpServer;
import quorumkv.server.http.Routes;
import quorumkv.server.metrics.NodeMetrics;
import quorumkv.server.ratis.KvNode;
import quorumkv.server.ratis.NodeClientConfig;
import quorumkv.server.status.Readiness;

/**
 * One whole node: the Raft node plus its two HTTP listeners, the data API and the operations port
 * (health, readiness, metrics: its own port, connection cap and threads, so probes answer under load).
 *
 * <pre>
 *  HTTP ─► HttpServer ─► Router ─► handler ─┬► KvClient (writes, KvAdmin) ─► leader ─► log ─► KvStateMachine
 *                                           ├► KvClient (reads aimed at this node: ReadIndex / stale read)
 *                                           └► KvNode.status() (NodeStatus) ─► /v1/cluster
 *  ops  ─► HttpServer ─► Router ─► /health (KvNode.liveness), /ready (Readiness), /metrics
 *  KvStateMachine ─ StateMachineListener ─► NodeMetrics ◄─ sampler (term, leader every 100 ms) ◄─ /metrics
 * </pre>
 *
 * <p>The node's {@link KvClient} is an ordinary client of its own group (the client library): one
 * session for every write the node forwards, so a write retried across a leader change applies once,
 * and the client's typed errors tell the HTTP caller whether a failed write could have applied. It
 * reaches this node in process ({@code KvNode.connectClient}) and the others over gRPC.
 */
public final class KvServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KvServer.class);

  private final KvNode node;
  private final KvClient client;
  private final HttpServer http;
  private final HttpServer ops;
  private final ScheduledExecutorService sampler;

  private KvServer(KvNode node, KvClient client, HttpServer http, HttpServer ops, ScheduledExecutorService sampler) {
    this.node = node;
    this.client = client;
    this.http = http;
    this.ops = ops;
    this.sampler = sampler;
  }

  /** Starts the node, then its HTTP server; on failure nothing is left running. */
  public static KvServer start(ServerConfig config) throws IOException {
    NodeMetrics metrics = new NodeMetrics(config.raft().electionTimeoutMin());
    KvNode node = KvNode.start(config, metrics);
    KvClient client = null;
    ScheduledExecutorService sampler = null;
    HttpServer ops = null;
    try {
      client = node.connectClient(clientConfig(config));
      metrics.registerGauges(() -> {
        try {
          return node.status();
        } catch (IOException | RuntimeException e) {
          return null;
        }
      }, node::storageSizes);
      metrics.registerReplication(() -> {
        try {
          return node.status();
        } catch (IOException | RuntimeException e) {
          return null;
        }
      }, () -> {
        try {
          return node.commitIndexes();
        } catch (IOException | RuntimeException e) {
          return null;
        }
      });
      // Contact with the leader (or a majority) older than three max election timeouts means cut off.
      Duration contact = config.raft().electionTimeoutMax().multipliedBy(3);
      Readiness readiness = new Readiness(config.http().readyMaxApplyLag(), contact);
      metrics.registerCondition(node::condition, () -> {
        try {
          return node.condition().notReady().isEmpty() && readiness.problems(node.status(), node.commitIndexes()).isEmpty();
        } catch (IOException | RuntimeException e) {
          return false;
        }
      });
      sampler = Executors.newSingleThreadScheduledExecutor(
          new DefaultThreadFactory("quorumkv-" + config.nodeId() + "-metrics-sampler", true));
      sampler.scheduleWithFixedDelay(() -> sample(node, metrics), 100, 100, TimeUnit.MILLISECONDS);
      Dispatcher.Observer observer = (op, statusCode, nanos) -> metrics.request(op, outcome(statusCode), nanos);
      // The data API takes only callers with a certificate from the CA; probes and scrapes need none.
      NodeTls tls = node.tls();
      ops = HttpServer.start("ops", ConfigKeys.OPS_PORT, config.ops().asHttp(config.http()), config.nodeId(),
          Routes.operations(node, metrics, readiness), observer, tls == null ? null : tls.httpServerContext(false));
      HttpServer http = HttpServer.start("http", ConfigKeys.HTTP_PORT, config.http(), config.nodeId(),
          Routes.data(node, client), observer, tls == null ? null : tls.httpServerContext(true));
      metrics.registerHttpBudget(http::inflightBytes, http.inflightLimit(), http::refusedForBytes);
      metrics.registerRaftPortDenials(node::raftCallsDenied);
      metrics.registerWatches(node::watchCount);
      metrics.registerGroupCommit(node::groupCommitCounts);
      metrics.registerLeases(node::leaseCount, node::leasesExpired);
      metrics.registerBackups(node::backupStatus);
      metrics.registerMembershipHealing(() -> node.healCounts().enabled(), () -> node.healCounts().lostVoters(),
          () -> node.healCounts().promotions(), () -> node.healCounts().demotions(), () -> node.healCounts().failures());
      return new KvServer(node, client, http, ops, sampler);
    } catch (RuntimeException e) {
      if (ops != null) {
        ops.close();
      }
      if (sampler != null) {
        sampler.shutdownNow();
      }
      if (client != null) {
        client.close();
      }
      node.close();
      throw e;
    }
  }

  /**
   * The node's client: every configured peer, this node first (it answers at once, so connecting never
   * waits for a peer that is down; the client learns later members from the group), the cluster id and
   * request limits of the node, and the HTTP call timeout as the deadline of every call.
   */
  static KvClientConfig clientConfig(ServerConfig config) {
    return NodeClientConfig.of(config);
  }

  private static void sample(KvNode node, NodeMetrics metrics) {
    try {
      metrics.sample(node.status(), node.electionCounts());
    } catch (IOException | RuntimeException e) {
      LOG.debug("metrics sample failed: {}", e.toString());
    }
  }

  static String outcome(int status) {
    if (status < 300) {
      return "ok";
    }
    return switch (status) {
      case 403 -> "denied";
      case 404 -> "not_found";
      case 409 -> "conflict";
      case 503 -> "unavailable";
      case 504 -> "indeterminate";
      default -> status < 500 ? "rejected" : "error";
    };
  }

  public KvNode node() {
    return node;
  }

  /** The bound HTTP port (the data API). */
  public int httpPort() {
    return http.port();
  }

  /** The bound operations port (/health, /ready, /metrics). */
  public int opsPort() {
    return ops.port();
  }

  @Override
  public void close() throws IOException {
    sampler.shutdownNow();
    http.close();
    ops.close();
    client.close();
    node.close();
  }
}
