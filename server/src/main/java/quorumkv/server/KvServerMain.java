package quorumkv.server;

import quorumkv.server.cli.QuorumkvCommand;

/**
 * The {@code quorumkv} entry point ({@code bin/quorumkv}): {@code server} runs a node (see
 * {@link quorumkv.server.cli.ServerCommand}: exit 2 and one stderr line for a bad configuration, 1 if the
 * node fails to start); the other commands operate a running cluster (see {@link quorumkv.server.cli}).
 */
public final class KvServerMain {
  /** The JDK's property for the common fork-join pool's parallelism, read once when the pool is made. */
  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private KvServerMain() {}

  public static void main(String[] args) {
    String parallelism = commonPoolParallelism(System.getProperty(COMMON_POOL_PARALLELISM),
        Runtime.getRuntime().availableProcessors());
    if (parallelism != null) {
      System.setProperty(COMMON_POOL_PARALLELISM, parallelism); // first, before anything makes the pool
    }
    int code = QuorumkvCommand.commandLine().execute(QuorumkvCommand.hoistClientOptions(args));
    if (code == 0 && args.length > 0 && args[0].equals("server")) {
      return; // the node ran and shut down from its shutdown hook; the JVM is already exiting
    }
    System.exit(code);
  }

  /**
   * The common pool's parallelism to set, or null to leave the JVM's choice. {@code CompletableFuture}'s
   * {@code *Async} methods without an executor run on the common pool only when its parallelism is above
   * 1, and otherwise start a new thread for every task; the JVM's default is one less than the cores, so 1
   * on a 2-core machine, where Ratis (its follower's append path uses {@code thenComposeAsync}) then started
   * a thread per appended entry: a tenth of a follower's CPU at one write in flight (async-profiler, issue
   * 16). At least 2, so the pool is used; a value the operator set is kept.
   */
  static String commonPoolParallelism(String configured, int cores) {
    if (configured != null) {
      return null;
    }
    return cores - 1 > 1 ? null : "2";
  }
}
