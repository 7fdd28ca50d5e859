package quorumkv.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code quorumkv} command line in-process and captures its output, for tests. */
public final class Cli {
  /** Exit code, stdout and stderr of one run. */
  public record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  private Cli() {}

  public static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = QuorumkvCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(QuorumkvCommand.hoistClientOptions(args));
    return new Run(code, out.toString(), err.toString());
  }
}
