package quorumkv.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The failover rows of failover.tsv as two tables: per system and fault the rounds, how many had an
 * acknowledged write within the bound, median, p90 and worst of the figure, and the writes that failed or
 * timed out; then the quiet runs (elections and leader changes with no fault).
 */
final class FailoverTable {
  private FailoverTable() {}

  /** Median, p90 and worst (nearest rank) of the measured figures; NaN when none was measured. */
  record Stats(int rounds, int measured, double medianMs, double p90Ms, double worstMs) {
    static Stats of(List<FailoverRound> rounds) {
      double[] ms = rounds.stream().filter(FailoverRound::measured).mapToDouble(FailoverRound::figureMs)
          .sorted().toArray();
      return new Stats(rounds.size(), ms.length, rank(ms, 0.5), rank(ms, 0.9),
          ms.length == 0 ? Double.NaN : ms[ms.length - 1]);
    }

    private static double rank(double[] sorted, double p) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int r = (int) Math.ceil(p * sorted.length);
      return sorted[Math.max(0, Math.min(sorted.length - 1, r - 1))];
    }
  }

  static String tables(List<FailoverRound> all) {
    Map<String, List<FailoverRound>> groups = new LinkedHashMap<>();
    List<FailoverRound> quiet = new ArrayList<>();
    for (FailoverRound r : all) {
      if (r.fault().equals("quiet")) {
        quiet.add(r);
      } else {
        groups.computeIfAbsent(r.system() + "\t" + r.fault() + "\t" + r.layout(), k -> new ArrayList<>()).add(r);
      }
    }
    StringBuilder sb = new StringBuilder();
    if (!groups.isEmpty()) {
      List<String[]> rows = new ArrayList<>();
      for (var e : groups.entrySet()) {
        String[] k = e.getKey().split("\t");
        List<FailoverRound> rs = e.getValue();
        Stats s = Stats.of(rs);
        rows.add(new String[] {k[0], k[1], k[2], Integer.toString(s.rounds()),
            Integer.toString(s.rounds() - s.measured()),
            TextTable.fmt("%.0f", s.medianMs()), TextTable.fmt("%.0f", s.p90Ms()), TextTable.fmt("%.0f", s.worstMs()),
            Long.toString(rs.stream().mapToLong(FailoverRound::failed).sum()),
            Long.toString(rs.stream().mapToLong(FailoverRound::timedOut).sum()),
            Long.toString(rs.stream().mapToLong(r -> r.termAfter() - r.termBefore()).sum()),
            TextTable.fmt("%.0f", rs.stream().mapToDouble(FailoverRound::faultCallMs).filter(d -> !Double.isNaN(d))
                .max().orElse(Double.NaN))});
      }
      sb.append("Failover: ms from the fault to the first acknowledged write invoked after it (writer: 1 write / 10 ms)\n\n");
      sb.append(TextTable.render(new String[] {"system", "fault", "layout", "rounds", "no ack in 30 s", "median ms",
          "p90 ms", "worst ms", "failed writes", "timed-out writes", "term increase", "fault call ms (max)"}, rows,
          "lllrrrrrrrrr"));
    }
    if (!quiet.isEmpty()) {
      List<String[]> rows = new ArrayList<>();
      for (FailoverRound r : quiet) {
        rows.add(new String[] {r.system(), r.layout(), TextTable.fmt("%.1f", r.seconds() / 60),
            Long.toString(r.termAfter() - r.termBefore()), Integer.toString(r.leaderChanges()),
            Long.toString(r.acked()), Long.toString(r.failed() + r.timedOut()), r.note().isEmpty() ? "-" : r.note()});
      }
      sb.append(sb.length() == 0 ? "" : "\n");
      sb.append("Quiet run under the paced writer, no fault: elections (Raft term increase) and leader changes\n\n");
      sb.append(TextTable.render(new String[] {"system", "layout", "minutes", "elections", "leader changes",
          "acked writes", "failed writes", "note"}, rows, "llrrrrrl"));
    }
    return sb.toString();
  }

  /** Rounds without a figure, listed under the table so that they are not only a count. */
  static String unmeasured(List<FailoverRound> all) {
    StringBuilder sb = new StringBuilder();
    for (FailoverRound r : all) {
      if (!r.fault().equals("quiet") && !r.measured()) {
        sb.append(String.format("%s %s round %d: no figure: %s%n", r.system(), r.fault(), r.round(), r.note()));
      }
    }
    return sb.toString();
  }

  static List<FailoverRound> parse(List<String> lines) {
    return lines.stream().filter(l -> !l.isBlank() && !l.startsWith("#")).map(FailoverRound::fromTsv).toList();
  }
}
