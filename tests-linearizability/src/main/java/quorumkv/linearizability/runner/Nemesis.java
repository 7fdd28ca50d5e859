package quorumkv.linearizability.runner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quorumkv.linearizability.cluster.ClusterControl;
import quorumkv.linearizability.fault.FaultKind;
import quorumkv.linearizability.fault.FaultStep;
import quorumkv.linearizability.fault.FaultWindow;
import quorumkv.linearizability.run.RunResult;

/** Runs a fault schedule against a cluster, checking each fault is available first, healing each after. */
final class Nemesis {
  private static final Logger LOG = LoggerFactory.getLogger(Nemesis.class);
  private Nemesis() {}

  /**
   * Injects each step at its time (steps never overlap: a step waits for the previous heal), records
   * a {@link FaultWindow} per injected fault, and a reason per skipped one. Stops at {@code duration}.
   */
  static void run(ClusterControl cluster, List<FaultStep> schedule, long seed, Duration duration, long start,
      List<FaultWindow> windows, List<String> skipped) {
    Random random = new Random(seed);
    List<FaultStep> steps = new ArrayList<>(schedule);
    steps.sort((a, b) -> Long.compare(a.startMillis(), b.startMillis()));
    try {
      for (FaultStep step : steps) {
        long at = start + step.startMillis() * 1_000_000;
        long wait = (at - System.nanoTime()) / 1_000_000;
        if (wait > 0) {
          Thread.sleep(wait);
        }
        if (System.nanoTime() - start > duration.toNanos()) {
          break;
        }
        if (!step.kind().isAvailable(cluster)) {
          skipped.add(step + ": not available on this cluster now");
          continue;
        }
        long termBefore = cluster.maxTerm();
        long evidenceBefore = cluster.faultEvidence();
        long t0 = System.nanoTime();
        FaultKind.Injected injected;
        try {
          injected = step.kind().inject(cluster, random);
        } catch (Exception e) {
          skipped.add(step + ": injection failed: " + e);
          continue;
        }
        LOG.info("nemesis: {} ({})", injected.description(), step);
        long probedLinks = 0;
        if (step.kind().isPartition()) {
          try {
            probedLinks = cluster.confirmCut();
          } catch (Exception e) {
            injected.heal().run();
            throw e;   // a partition not in force: the run must not count (see RunResult#problems)
          }
        }
        long left = step.durationMillis() - (System.nanoTime() - t0) / 1_000_000;
        if (left > 0) {
          Thread.sleep(left);
        }
        // A killed or paused node, or a changed configuration, is itself the observed effect, confirmed
        // by the control that did it.
        boolean confirmedByControl = step.kind() == FaultKind.KILL || step.kind() == FaultKind.PAUSE
            || step.kind() == FaultKind.MEMBERSHIP_CHANGE   // the admin call confirmed the new configuration
            || step.kind() == FaultKind.DISK_FULL           // the node reported itself degraded
            || step.kind() == FaultKind.DAMAGED_TAIL;       // killed, and its log cut
        injected.heal().run();
        long t1 = System.nanoTime();
        // Let the cluster settle so the term after reflects the fault's elections.
        Thread.sleep(300);
        long evidence = cluster.faultEvidence() - evidenceBefore + (confirmedByControl ? 1 : 0) + probedLinks;
        String note = injected.heal().note();
        String description = injected.description() + (note.isEmpty() ? "" : "; heal: " + note);
        LOG.info("nemesis: healed {}", description);
        windows.add(new FaultWindow(step.kind().name(), description, t0, t1, termBefore,
            cluster.maxTerm(), evidence, 0, 0, 0));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      skipped.add(RunResult.NEMESIS_STOPPED + e);
      LOG.warn("nemesis failed", e);
    }
  }

}
