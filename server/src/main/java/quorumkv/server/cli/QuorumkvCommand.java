package quorumkv.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code quorumkv} command tree. */
@Command(name = "quorumkv", mixinStandardHelpOptions = true, version = "quorumkv 0.1.0",
    description = "QuorumKV: run a node, or operate a running cluster through its HTTP API.",
    subcommands = {ServerCommand.class, GetCommand.class, PutCommand.class, DelCommand.class, CasCommand.class,
        ScanCommand.class, TxnCommand.class, ClusterCommand.class, MemberCommand.class, LeaderCommand.class,
        SnapshotCommand.class},
    footer = {"", "Exit codes: 0 ok, 1 failed, 2 usage or configuration error, 3 negative answer (not found, compare"
        + " failed, guards did not hold), 4 rejected by the cluster, 5 unavailable (nothing applied; retry), 6 outcome"
        + " unknown (re-read before retrying)."})
public final class QuorumkvCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** The configured command line: server-style flags pass through to the config loader unparsed. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new QuorumkvCommand());
    cli.getSubcommands().get("server").setUnmatchedOptionsArePositionalParams(true);
    cli.getSubcommands().get("snapshot").getSubcommands().get("restore").setUnmatchedOptionsArePositionalParams(true);
    return cli;
  }
}
