package quorumkv.server;

import quorumkv.server.cli.QuorumkvCommand;

/**
 * The {@code quorumkv} entry point ({@code bin/quorumkv}): {@code server} runs a node (see
 * {@link quorumkv.server.cli.ServerCommand}: exit 2 and one stderr line for a bad configuration, 1 if the
 * node fails to start); the other commands operate a running cluster (see {@link quorumkv.server.cli}).
 */
public final class KvServerMain {
  private KvServerMain() {}

  public static void main(String[] args) {
    int code = QuorumkvCommand.commandLine().execute(QuorumkvCommand.hoistClientOptions(args));
    if (code == 0 && args.length > 0 && args[0].equals("server")) {
      return; // the node ran and shut down from its shutdown hook; the JVM is already exiting
    }
    System.exit(code);
  }
}
