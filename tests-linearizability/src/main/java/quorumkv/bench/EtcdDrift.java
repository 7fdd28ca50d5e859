package quorumkv.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether the host was the same machine as on a reference day: etcd's own rows are the yardstick (the same
 * binary, workload and settings each run), so when they move by more than {@link #RERUN_ABOVE} from a
 * reference run's, the host gave this run a different machine (the hypervisor's steal does not always show,
 * see {@link BenchRow#stealCores}) and the run is to be repeated, not quoted.
 */
final class EtcdDrift {
  /** The largest relative difference of an etcd row's ops/s still counted as the same host. */
  static final double RERUN_ABOVE = 0.20;

  private EtcdDrift() {}

  /** One etcd row of this run beside the same row (system, phase, concurrency) of the reference run. */
  record Drift(String phase, int concurrency, double opsPerSecond, double referenceOpsPerSecond) {
    double relative() {
      return referenceOpsPerSecond <= 0 ? Double.NaN : opsPerSecond / referenceOpsPerSecond - 1;
    }

    boolean tooLarge() {
      return !(Math.abs(relative()) <= RERUN_ABOVE);
    }
  }

  /** The etcd rows of {@code run} (warm-up and preload left out) that {@code reference} also has. */
  static List<Drift> compare(List<BenchRow> run, List<BenchRow> reference) {
    Map<String, BenchRow> ref = reference.stream().filter(EtcdDrift::comparable)
        .collect(Collectors.toMap(EtcdDrift::key, Function.identity(), (a, b) -> b));
    List<Drift> out = new ArrayList<>();
    for (BenchRow r : run) {
      BenchRow old = comparable(r) ? ref.get(key(r)) : null;
      if (old != null) {
        out.add(new Drift(r.phase(), r.concurrency(), r.opsPerSecond(), old.opsPerSecond()));
      }
    }
    return out;
  }

  /** Lines for the table's end: each comparison, then the verdict. */
  static String report(List<Drift> drifts, String referenceName) {
    StringBuilder b = new StringBuilder();
    if (drifts.isEmpty()) {
      return "etcd against " + referenceName + ": no etcd row in common; the host is not checked\n";
    }
    b.append("etcd against ").append(referenceName).append(":\n");
    boolean rerun = false;
    for (Drift d : drifts) {
      b.append(String.format(Locale.ROOT, "  %-8s c=%-4d %8.0f ops/s, reference %8.0f: %+.0f%%%s%n", d.phase(),
          d.concurrency(), d.opsPerSecond(), d.referenceOpsPerSecond(), d.relative() * 100,
          d.tooLarge() ? "  (over 20%)" : ""));
      rerun |= d.tooLarge();
    }
    b.append(rerun
        ? "RERUN: etcd's own rows differ from the reference run by more than 20%: the host was not the same machine\n"
        : "etcd's rows are within 20% of the reference run: the host compares\n");
    return b.toString();
  }

  private static boolean comparable(BenchRow r) {
    return r.system().startsWith("etcd") && !r.phase().startsWith("warmup") && !r.phase().equals("preload");
  }

  private static String key(BenchRow r) {
    return r.system() + "/" + r.phase() + "/" + r.concurrency();
  }
}
