package quorumkv.server.cli;

/** Ends a command with an exit code and one line for stderr. */
final class CliException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
