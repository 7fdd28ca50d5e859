package quorumkv.server;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.gateway.ClusterGateway;
import quorumkv.server.http.HttpServer;
import quorumkv.server.http.Routes;
import quorumkv.server.metrics.NodeMetrics;
import quorumkv.server.metrics.StorageSizes;
import quorumkv.server.ratis.KvNode;
import quorumkv.server.status.NodeStatus;
import quorumkv.server.status.Readiness;
import quorumkv.server.status.StatusReader;

/**
 * One whole node: the Raft node plus its operator surface (HTTP API, health, readiness, metrics).
 *
 * <pre>
 *  HTTP ─► HttpServer ─► Router ─► handler ─► ClusterGateway (Ratis client) ─► leader / ReadIndex ─► KvStateMachine
 *                                     └──► StatusReader (Division info) ─► /v1/cluster, /ready, gauges
 *  KvStateMachine ─ StateMachineListener ─► NodeMetrics ◄─ sampler (term, leader every 100 ms) ◄─ /metrics
 * </pre>
 */
public final class KvServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KvServer.class);

  private final KvNode node;
  private final ClusterGateway gateway;
  private final HttpServer http;
  private final ScheduledExecutorService sampler;

  private KvServer(KvNode node, ClusterGateway gateway, HttpServer http, ScheduledExecutorService sampler) {
    this.node = node;
    this.gateway = gateway;
    this.http = http;
    this.sampler = sampler;
  }

  /** Starts the node, then its HTTP server; on failure nothing is left running. */
  public static KvServer start(ServerConfig config) throws IOException {
    NodeMetrics metrics = new NodeMetrics();
    KvNode node = KvNode.start(config, metrics);
    ClusterGateway gateway = null;
    ScheduledExecutorService sampler = null;
    try {
      gateway = new ClusterGateway(node, config.http().callTimeout());
      StatusReader status = new StatusReader(node);
      StorageSizes sizes = new StorageSizes(node);
      metrics.registerGauges(() -> {
        try {
          return status.read();
        } catch (IOException | RuntimeException e) {
          return null;
        }
      }, sizes::measure);
      // Contact with the leader (or a majority) older than three max election timeouts means cut off.
      Duration contact = config.raft().electionTimeoutMax().multipliedBy(3);
      Readiness readiness = new Readiness(config.http().readyMaxApplyLag(), contact);
      sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "quorumkv-" + config.nodeId() + "-metrics-sampler");
        t.setDaemon(true);
        return t;
      });
      sampler.scheduleWithFixedDelay(() -> sample(node, metrics), 100, 100, TimeUnit.MILLISECONDS);
      HttpServer http = HttpServer.start(config.http(), config.nodeId(), Routes.create(node, gateway, metrics, readiness),
          (op, statusCode, nanos) -> metrics.request(op, outcome(statusCode), nanos));
      return new KvServer(node, gateway, http, sampler);
    } catch (RuntimeException e) {
      if (sampler != null) {
        sampler.shutdownNow();
      }
      if (gateway != null) {
        gateway.close();
      }
      node.close();
      throw e;
    }
  }

  private static void sample(KvNode node, NodeMetrics metrics) {
    try {
      var info = node.division().getInfo();
      var leader = info.getLeaderId();
      metrics.sample(info.getCurrentTerm(), leader == null ? null : leader.toString());
    } catch (IOException | RuntimeException e) {
      LOG.debug("metrics sample failed: {}", e.toString());
    }
  }

  static String outcome(int status) {
    if (status < 300) {
      return "ok";
    }
    return switch (status) {
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

  /** The bound HTTP port. */
  public int httpPort() {
    return http.port();
  }

  @Override
  public void close() throws IOException {
    sampler.shutdownNow();
    http.close();
    gateway.close();
    node.close();
  }
}
