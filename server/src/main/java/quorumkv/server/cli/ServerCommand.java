package quorumkv.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import quorumkv.server.config.ConfigException;
import quorumkv.server.config.ConfigKeys;
import quorumkv.server.config.ConfigLoader;
import quorumkv.server.config.ServerConfig;
import quorumkv.server.node.KvServer;

/**
 * {@code quorumkv server [--config FILE] [--node.id=n1 ...]}: loads the configuration, starts the node and its
 * HTTP server, and runs until SIGTERM/SIGINT, then shuts down gracefully. Exit codes: 0 after a clean
 * shutdown, 2 for a bad configuration (one line on stderr naming the problem), 1 if the node fails to start.
 * Its flags are configuration keys, parsed by {@link ConfigLoader}, not by picocli.
 */
@Command(name = "server", description = "Run a node (flags are config keys: `quorumkv server --help` lists them).")
public final class ServerCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

  @Parameters(paramLabel = "SETTING", arity = "0..*")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    if (args.contains("--help") || args.contains("-h")) {
      printHelp();
      return ExitCodes.OK;
    }
    ServerConfig config;
    KvServer server;
    try {
      config = ConfigLoader.load(args, System.getenv());
      LOG.info("effective config: {}", config);
      server = KvServer.start(config);
    } catch (ConfigException e) {
      System.err.println("quorumkv: configuration error: " + e.getMessage());
      return ExitCodes.USAGE;
    } catch (Exception e) {
      System.err.println("quorumkv: failed to start: " + e);
      LOG.error("failed to start", e);
      return ExitCodes.FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("node={} shutting down", config.nodeId());
      try {
        server.close();
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
    return ExitCodes.OK;
  }

  private static void printHelp() {
    System.out.println("usage: quorumkv server [--config FILE] [--<key>=<value> ...]");
    System.out.println("keys (flag --<key without quorumkv.>, env QUORUMKV_<KEY>):");
    ConfigKeys.DOCUMENTED.forEach((k, doc) -> System.out.printf("  %-45s default %-10s %s%n", k,
        doc[0] == null ? "(required)" : doc[0], doc[1]));
  }
}
