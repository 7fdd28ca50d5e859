package quorumkv.linearizability.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import quorumkv.linearizability.fault.FaultWindow;
import quorumkv.linearizability.history.HistoryWriter;
import quorumkv.linearizability.history.Operation;
import quorumkv.linearizability.history.OperationKind;
import quorumkv.linearizability.history.Outcome;
import quorumkv.linearizability.run.RunResult;

/**
 * Writes a run's report into its directory: {@code history.jsonl} (checkable again with
 * {@code bin/check-history}), {@code report.txt} (verdict, counts by operation and outcome, throughput
 * per second, faults with their evidence, the counterexample) and {@code timeline.svg} (latency of every
 * operation over time, coloured by outcome, with the fault windows shaded).
 */
public final class RunReport {
  private RunReport() {}

  public static void write(RunResult r, long startNanos) throws IOException {
    Path dir = r.reportDir();
    Files.createDirectories(dir);
    HistoryWriter.write(r.history(), dir.resolve("history.jsonl"));
    Files.writeString(dir.resolve("report.txt"), text(r, startNanos));
    Files.writeString(dir.resolve("timeline.svg"), TimelineSvg.render(r, startNanos));
  }

  static String text(RunResult r, long start) {
    StringBuilder b = new StringBuilder();
    b.append("run: ").append(r.settings().name()).append("  seed ").append(r.settings().seed())
        .append("  variant ").append(r.settings().variant()).append('\n');
    b.append("workers ").append(r.settings().workers()).append(", duration ").append(r.settings().duration())
        .append(", op deadline ").append(r.settings().opDeadline()).append(", workload ")
        .append(r.settings().workload()).append(", client write batching ").append(r.settings().writeBatching())
        .append('\n');
    b.append("schedule: ").append(r.settings().schedule()).append("\n\n");
    b.append("verdict: ").append(r.verdict().summary()).append('\n');
    b.append("watch: ").append(r.watch().summary()).append('\n');
    r.watch().violations().forEach(v -> b.append("  watch violation: ").append(v).append('\n'));
    b.append(r.counts() ? "the run counts\n" : "THE RUN DOES NOT COUNT: " + r.problems() + "\n");
    b.append('\n').append(String.format(Locale.ROOT, "%-8s %8s %8s %8s%n", "op", "ok", "fail", "info"));
    Map<OperationKind, long[]> counts = new EnumMap<>(OperationKind.class);
    for (Operation op : r.history().operations()) {
      long[] c = counts.computeIfAbsent(op.kind(), k -> new long[3]);
      c[op.outcome() == Outcome.OK ? 0 : op.outcome() == Outcome.FAIL ? 1 : 2]++;
    }
    counts.forEach((k, c) -> b.append(String.format(Locale.ROOT, "%-8s %8d %8d %8d%n", k.wireName(), c[0], c[1], c[2])));
    b.append(String.format(Locale.ROOT, "total    %8d %8d %8d   (%.0f ok ops/s over %.1f s)%n",
        r.okOperations(), r.failOperations(), r.infoOperations(), r.okOperations() / r.seconds(), r.seconds()));
    b.append("\nfaults:\n");
    for (FaultWindow w : r.faults()) {
      b.append(String.format(Locale.ROOT, "  %6.1fs-%6.1fs  %-40s %s%n", (w.startNanos() - start) / 1e9,
          (w.endNanos() - start) / 1e9, w.description(), w.effects()));
    }
    for (String s : r.skippedFaults()) {
      b.append("  skipped: ").append(s).append('\n');
    }
    b.append("\nok operations per second:\n  ");
    long[] perSecond = new long[(int) Math.ceil(r.seconds()) + 1];
    for (Operation op : r.history().operations()) {
      if (op.outcome() == Outcome.OK && op.completeNanos().isPresent()) {
        int s = (int) ((op.completeNanos().getAsLong() - start) / 1_000_000_000L);
        if (s >= 0 && s < perSecond.length) {
          perSecond[s]++;
        }
      }
    }
    for (int s = 0; s < perSecond.length; s++) {
      b.append(perSecond[s]).append(s % 20 == 19 ? "\n  " : " ");
    }
    b.append('\n');
    r.verdict().counterexample().ifPresent(c -> b.append("\ncounterexample:\n").append(c.describe()).append('\n'));
    return b.toString();
  }
}
