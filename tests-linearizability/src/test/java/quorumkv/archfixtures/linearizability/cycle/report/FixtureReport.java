package quorumkv.archfixtures.linearizability.cycle.report;

import quorumkv.archfixtures.linearizability.cycle.runner.FixtureRun;

/** The other half of the cycle: the report takes the runner's type. */
public final class FixtureReport {
  private FixtureReport() {}

  public static String write(FixtureRun run) {
    return String.valueOf(run);
  }
}
