package quorumkv.linearizability.harness;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import quorumkv.linearizability.fault.FaultKind;
import quorumkv.linearizability.fault.FaultStep;
import quorumkv.linearizability.workload.RegisterWorkload;

/** jqwik generators of workloads and fault schedules; shrinking makes schedules shorter and faults fewer. */
final class Schedules {
  private Schedules() {}

  static Arbitrary<RegisterWorkload> workloads() {
    return Combinators.combine(Arbitraries.integers().between(1, 5), Arbitraries.integers().between(20, 70),
        Arbitraries.integers().between(0, 25), Arbitraries.integers().between(0, 5)).as(RegisterWorkload::new);
  }

  /**
   * Up to {@code max} faults of the given kinds in a run of {@code runMillis}: each lasts 1.5–4 s, with
   * at least a second of calm before the next, so every fault's effect is visible on its own.
   */
  static Arbitrary<List<FaultStep>> schedules(List<FaultKind> kinds, int max, long runMillis) {
    Arbitrary<FaultKind> kind = Arbitraries.of(kinds);
    Arbitrary<Long> duration = Arbitraries.longs().between(1500, 4000);
    return Combinators.combine(kind, duration).as((k, d) -> new long[] {k.ordinal(), d})
        .list().ofMinSize(1).ofMaxSize(max)
        .map(raw -> {
          List<FaultStep> steps = new ArrayList<>();
          long at = 1500;
          for (long[] r : raw) {
            if (at + r[1] > runMillis - 1000) {
              break;
            }
            steps.add(new FaultStep(FaultKind.values()[(int) r[0]], at, r[1]));
            at += r[1] + 3000;   // heal, restart and settle before the next fault
          }
          return steps;
        })
        .filter(s -> !s.isEmpty());
  }
}
