package quorumkv.linearizability.report;

import java.util.Locale;
import quorumkv.linearizability.fault.FaultWindow;
import quorumkv.linearizability.history.Operation;
import quorumkv.linearizability.history.Outcome;
import quorumkv.linearizability.run.RunResult;

/** Latency over time as an SVG scatter plot (log scale), fault windows shaded and labelled. */
final class TimelineSvg {
  private static final int W = 1000, H = 400, LEFT = 60, BOTTOM = 40, TOP = 30;

  private TimelineSvg() {}

  static String render(RunResult r, long start) {
    double seconds = Math.max(1, r.seconds());
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
        + "font-family='sans-serif' font-size='11'>%n<rect width='100%%' height='100%%' fill='white'/>%n", W, H));
    b.append(String.format(Locale.ROOT, "<text x='%d' y='18' font-size='13'>%s — %s</text>%n", LEFT,
        escape(r.settings().name()), escape(r.verdict().summary())));
    int i = 0;
    for (FaultWindow w : r.faults()) {
      double x0 = x((w.startNanos() - start) / 1e9, seconds);
      double x1 = x((w.endNanos() - start) / 1e9, seconds);
      b.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='%s' opacity='0.25'/>%n",
          x0, TOP, Math.max(1, x1 - x0), H - TOP - BOTTOM, i % 2 == 0 ? "#f4a460" : "#87ceeb"));
      b.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d'>%s</text>%n", x0 + 2, TOP + 12 + 12 * (i % 3),
          escape(w.description())));
      i++;
    }
    for (Operation op : r.history().operations()) {
      if (op.invokeNanos().isEmpty()) {
        continue;
      }
      long t0 = op.invokeNanos().getAsLong();
      long t1 = op.completeNanos().orElse(t0);
      double latencyMs = Math.max(0.1, (t1 - t0) / 1e6);
      String color = op.outcome() == Outcome.OK ? "#2e8b57" : op.outcome() == Outcome.FAIL ? "#ff8c00" : "#dc143c";
      b.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='1.5' fill='%s'/>%n",
          x((t1 - start) / 1e9, seconds), y(latencyMs), color));
    }
    b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n", LEFT, H - BOTTOM, W - 10, H - BOTTOM));
    b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n", LEFT, TOP, LEFT, H - BOTTOM));
    for (double ms : new double[] {1, 10, 100, 1000, 10000}) {
      b.append(String.format(Locale.ROOT, "<text x='5' y='%.1f'>%s ms</text>%n", y(ms) + 4, (long) ms));
    }
    for (int s = 0; s <= seconds; s += Math.max(1, (int) seconds / 10)) {
      b.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d'>%ds</text>%n", x(s, seconds), H - BOTTOM + 15, s));
    }
    b.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>completion time; latency (log) — green ok, orange fail, red info</text>%n",
        LEFT, H - 8));
    return b.append("</svg>\n").toString();
  }

  private static double x(double second, double total) {
    return LEFT + (W - LEFT - 10) * Math.min(1, Math.max(0, second / total));
  }

  private static double y(double latencyMs) {
    double top = Math.log10(20_000);
    double frac = Math.min(1, Math.max(0, (Math.log10(latencyMs) + 1) / (top + 1)));
    return H - BOTTOM - frac * (H - TOP - BOTTOM);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
  }
}
