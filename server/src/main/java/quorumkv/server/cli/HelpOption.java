package quorumkv.server.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} for a command: README documents {@code bin/quorumkv <command> --help}. */
final class HelpOption {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;
}
