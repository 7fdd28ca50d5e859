package quorumkv.bench;

import java.util.Locale;

/**
 * One failover round, or one quiet run, as a line of failover.tsv.
 *
 * @param fault kill, stop, isolate, or quiet (no fault: the spurious-election count)
 * @param figureMs fault to first acknowledged write invoked after it, in ms; NaN if none within the bound
 *     (or for a quiet run)
 * @param faultCallMs how long the signal or link call took (part of the figure: the clock starts before it)
 * @param leaderBefore the leader faulted (or at the quiet run's start), "-" if unknown
 * @param leaderAfter the leader once the cluster was stable again (or at the quiet run's end)
 * @param termBefore the Raft term before the fault; termAfter once stable again (elections = the difference)
 * @param leaderChanges leader changes seen by the once-a-second probe (quiet runs; 0 otherwise)
 * @param acked writes of the round acknowledged; failed: failed by the client; timedOut: deadline passed;
 *     unsent: ticks skipped because the bound on writes in flight was reached
 * @param note why a round has no figure, or what else went wrong ("" if nothing)
 */
record FailoverRound(String run, String system, String layout, String fault, int round, double figureMs,
    double faultCallMs, String leaderBefore, String leaderAfter, long termBefore, long termAfter, int leaderChanges, long acked,
    long failed, long timedOut, long unsent, double seconds, String note) {

  static final String HEADER = "# run\tsystem\tlayout\tfault\tround\tfigure_ms\tfault_call_ms\tleader_before\tleader_after"
      + "\tterm_before\tterm_after\tleader_changes\tacked\tfailed\ttimed_out\tunsent\tseconds\tnote";

  boolean measured() {
    return !Double.isNaN(figureMs);
  }

  String tsv() {
    return String.join("\t", run, system, layout, fault, Integer.toString(round),
        measured() ? String.format(Locale.ROOT, "%.1f", figureMs) : "-",
        Double.isNaN(faultCallMs) ? "-" : String.format(Locale.ROOT, "%.1f", faultCallMs), leaderBefore, leaderAfter,
        Long.toString(termBefore), Long.toString(termAfter), Integer.toString(leaderChanges), Long.toString(acked),
        Long.toString(failed), Long.toString(timedOut), Long.toString(unsent),
        String.format(Locale.ROOT, "%.1f", seconds), note.replaceAll("[\t\n]", " "));
  }

  static FailoverRound fromTsv(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 18) {
      throw new IllegalArgumentException("failover.tsv: 18 fields expected, got " + f.length + ": " + line);
    }
    return new FailoverRound(f[0], f[1], f[2], f[3], Integer.parseInt(f[4]),
        number(f[5]), number(f[6]), f[7], f[8], Long.parseLong(f[9]), Long.parseLong(f[10]),
        Integer.parseInt(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14]),
        Long.parseLong(f[15]), Double.parseDouble(f[16]), f[17]);
  }

  private static double number(String field) {
    return field.equals("-") ? Double.NaN : Double.parseDouble(field);
  }
}
