package quorumkv.server;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.server.config.ConfigException;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.config.ConfigLoader;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.ratis.KvNode;

/**
 * {@code quorumkv server [--config FILE] [--node.id=n1 ...]}: loads the configuration, starts the node and
 * runs until SIGTERM/SIGINT, then shuts down gracefully. Exit codes: 0 after a clean shutdown, 2 for a bad
 * configuration (one line on stderr naming the problem), 1 if the node fails to start.
 */
public final class KvServerMain {
  private static final Logger LOG = LoggerFactory.getLogger(KvServerMain.class);

  private KvServerMain() {}

  public static void main(String[] args) {
    List<String> rest = Arrays.asList(args);
    if (!rest.isEmpty() && rest.get(0).equals("server")) {
      rest = rest.subList(1, rest.size());
    }
    if (rest.contains("--help") || rest.contains("-h")) {
      printHelp();
      return;
    }
    ServerConfig config;
    KvNode node;
    try {
      config = ConfigLoader.load(rest, System.getenv());
      LOG.info("effective config: {}", config);
      node = KvNode.start(config);
    } catch (ConfigException e) {
      System.err.println("quorumkv: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      System.err.println("quorumkv: failed to start: " + e);
      LOG.error("failed to start", e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("node={} shutting down", config.nodeId());
      try {
        node.close();
      } catch (Exception e) {
        LOG.warn("error during shutdown", e);
      }
      stopped.countDown();
    }, "quorumkv-" + config.nodeId() + "-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void printHelp() {
    System.out.println("usage: quorumkv server [--config FILE] [--<key>=<value> ...]");
    System.out.println("keys (flag --<key without quorumkv.>, env QUORUMKV_<KEY>):");
    ConfigKeys.DOCUMENTED.forEach((k, doc) -> System.out.printf("  %-45s default %-10s %s%n", k,
        doc[0] == null ? "(required)" : doc[0], doc[1]));
  }
}
