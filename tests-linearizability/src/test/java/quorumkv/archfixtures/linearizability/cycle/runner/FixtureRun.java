package quorumkv.archfixtures.linearizability.cycle.runner;

import quorumkv.archfixtures.linearizability.cycle.report.FixtureReport;

/** Breaks "no package cycles": a run that writes its report, whose report renders the run (the old runner <-> report). */
public final class FixtureRun {
  public void finish() {
    FixtureReport.write(this);
  }
}
