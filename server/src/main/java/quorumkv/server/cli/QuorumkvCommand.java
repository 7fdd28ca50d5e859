package quorumkv.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code quorumkv} command tree. */
@Command(name = "quorumkv", mixinStandardHelpOptions = true, version = "quorumkv 0.1.0",
    description = "QuorumKV: run a node, or operate a running cluster through its HTTP API.",
    subcommands = {ServerCommand.class, GetCommand.class, PutCommand.class, DelCommand.class, CasCommand.class,
        ScanCommand.class, WatchCommand.class, LockCommand.class, ElectCommand.class, TxnCommand.class, ClusterCommand.class, MemberCommand.class, LeaderCommand.class,
        SnapshotCommand.class, BackupCommand.class, RepairCommand.class, CertsCommand.class, AuthCommands.User.class,
        AuthCommands.Role.class, AuthCommands.Auth.class},
    footer = {"", "Exit codes: 0 ok, 1 failed, 2 usage or configuration error, 3 negative answer (not found, compare"
        + " failed, guards did not hold), 4 rejected by the cluster, 5 unavailable (nothing applied; retry), 6 outcome"
        + " unknown (re-read before retrying), 7 no space, 8 permission denied."})
public final class QuorumkvCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Client options that may also come before the command: {@code quorumkv --endpoints H:P get k}. */
  private static final java.util.Set<String> GLOBAL_WITH_VALUE = java.util.Set.of("--endpoints", "--timeout",
      "--cacert", "--cert", "--key");

  /**
   * Moves client options given before the command ({@code --endpoints}, {@code --timeout}, {@code --json},
   * the TLS files and {@code --insecure-plaintext})
   * to its end, where picocli expects them; everything else is left as it is.
   */
  public static String[] hoistClientOptions(String[] args) {
    java.util.List<String> hoisted = new java.util.ArrayList<>();
    int i = 0;
    while (i < args.length) {
      String a = args[i];
      if (a.equals("--json") || a.equals("--insecure-plaintext") || GLOBAL_WITH_VALUE.stream().anyMatch(o -> a.startsWith(o + "="))) {
        hoisted.add(a);
        i++;
      } else if (GLOBAL_WITH_VALUE.contains(a) && i + 1 < args.length) {
        hoisted.add(a);
        hoisted.add(args[i + 1]);
        i += 2;
      } else {
        break;
      }
    }
    if (hoisted.isEmpty() || i == args.length || args[i].equals("server")) {
      return args;
    }
    java.util.List<String> out = new java.util.ArrayList<>(java.util.Arrays.asList(args).subList(i, args.length));
    out.addAll(hoisted);
    return out.toArray(new String[0]);
  }

  /** The configured command line: server-style flags pass through to the config loader unparsed. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new QuorumkvCommand());
    cli.getSubcommands().get("server").setUnmatchedOptionsArePositionalParams(true);
    cli.getSubcommands().get("snapshot").getSubcommands().get("restore").setUnmatchedOptionsArePositionalParams(true);
    CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
    cli.setParameterExceptionHandler((e, args) -> CommandSuggestion.handle(e, args, usage));
    return cli;
  }
}
