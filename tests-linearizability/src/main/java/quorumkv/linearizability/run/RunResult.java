package quorumkv.linearizability.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import quorumkv.linearizability.checker.Verdict;
import quorumkv.linearizability.checker.WatchChecker;
import quorumkv.linearizability.fault.FaultWindow;
import quorumkv.linearizability.history.History;

/**
 * What a run produced: the history, the checker's verdict, the run's watch judged against the history, the faults with their evidence, and the
 * problems that make the run not count (faults that did not bite, too few operations, a checker that ran
 * out of time). {@link #passed()} is true only for a counting run judged linearizable.
 */
public record RunResult(RunSettings settings, History history, Verdict verdict, WatchChecker.WatchVerdict watch,
    List<FaultWindow> faults, List<String> skippedFaults, long okOperations, long failOperations, long infoOperations,
    double seconds, Path reportDir) {
  /** How a skipped-fault entry starts when the nemesis itself failed; such a run does not count. */
  public static final String NEMESIS_STOPPED = "nemesis stopped: ";

  /** Why this run does not count, empty if it does. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (okOperations < settings.minOkOperations()) {
      p.add("only " + okOperations + " ok operations (need " + settings.minOkOperations() + ")");
    }
    for (FaultWindow f : faults) {
      if (!f.bit()) {
        p.add("fault did not bite: " + f.description());
      }
    }
    for (String s : skippedFaults) {
      if (s.startsWith(NEMESIS_STOPPED)) {
        p.add(s);
      }
    }
    if (watch.checked() && watch.ok() && !watch.caughtUp()) {
      p.add("the watch did not catch up with the run's last write, so losses could not be checked");
    }
    if (verdict.kind() == Verdict.Kind.UNKNOWN) {
      p.add("checker gave no verdict: " + verdict.reason().orElse("?"));
    }
    return p;
  }

  public boolean counts() {
    return problems().isEmpty();
  }

  public boolean passed() {
    return counts() && verdict.isLinearizable() && watch.ok();
  }

  /** The history is not linearizable, or the watch delivered something other than what happened. */
  public boolean foundViolation() {
    return verdict.kind() == Verdict.Kind.NOT_LINEARIZABLE || !watch.ok();
  }

  public String summary() {
    return settings.name() + " seed=" + settings.seed() + " variant=" + settings.variant() + ": "
        + verdict.kind() + " (" + okOperations + " ok, " + failOperations + " fail, " + infoOperations
        + " info in " + String.format(java.util.Locale.ROOT, "%.1f", seconds) + " s; " + watch.summary() + "; faults "
        + faults.size() + (problems().isEmpty() ? "" : "; DOES NOT COUNT: " + problems()) + ") report: " + reportDir;
  }
}
