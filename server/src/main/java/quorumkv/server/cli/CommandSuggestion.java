package quorumkv.server.cli;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;

/**
 * Answers a mistyped command with the nearest one ({@code gte} → {@code get}). picocli's own suggestion ranks
 * by shared letter pairs and offered {@code cluster} for {@code gte}; a typo is usually one edit away, so this
 * ranks by edit distance with transpositions counted as one edit.
 */
final class CommandSuggestion {
  private CommandSuggestion() {}

  /** Handles an unknown command word itself; any other usage error goes to picocli's default handler. */
  static int handle(CommandLine.ParameterException e, String[] args, CommandLine.IParameterExceptionHandler otherwise)
      throws Exception {
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getCommandLine().getSubcommands().isEmpty()) {
      List<String> unmatched = u.getUnmatched();
      String word = unmatched.isEmpty() ? "" : unmatched.get(0);
      if (!word.isEmpty() && !word.startsWith("-")) {
        CommandLine where = u.getCommandLine();
        PrintWriter err = where.getErr();
        String parent = where.getCommandSpec().qualifiedName();
        err.println(parent + ": unknown command '" + word + "'.");
        nearest(word, where.getSubcommands().keySet())
            .ifPresent(s -> err.println("Did you mean '" + parent + " " + s + "'?"));
        err.println("See '" + parent + " --help' for the commands.");
        err.flush();
        return ExitCodes.USAGE;
      }
    }
    return otherwise.handleParseException(e, args);
  }

  /** The candidate nearest to {@code word}, if it is near enough to be a typo of it. */
  static java.util.Optional<String> nearest(String word, Collection<String> candidates) {
    return candidates.stream()
        .filter(c -> distance(word, c) <= Math.max(1, Math.min(word.length(), c.length()) / 2))
        .min(Comparator.comparingInt((String c) -> distance(word, c)).thenComparing(c -> c));
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
