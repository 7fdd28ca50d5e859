package quorumkv.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result of one phase. CPU figures are in cores (CPU seconds per wall-clock second; the machine's
 * cores bound their sum): {@code serverCores} of the cluster's three server processes, {@code
 * driverCores} of the benchmark driver, {@code otherCores} of everything else on the machine (other
 * people's builds: it should be near 0), {@code stealCores} taken by the hypervisor ({@code /proc/stat}'s
 * steal: CPU this machine wanted and did not get, which no process's own time shows; near 0 on a clean
 * run). {@code maxRssMiB}: the largest resident set of any one server process, sampled every second of the
 * phase. Negative values mean unknown (and rows written before a column existed read as unknown).
 */
record BenchRow(String run, String system, String phase, int concurrency, long ops, long errors, double seconds,
    double p50Ms, double p99Ms, double maxMs, double serverCpuSeconds, double driverCpuSeconds, double otherCores,
    double stealCores, double maxRssMiB) {

  /** A row without the steal and memory columns (as rows were written before they existed). */
  BenchRow(String run, String system, String phase, int concurrency, long ops, long errors, double seconds,
      double p50Ms, double p99Ms, double maxMs, double serverCpuSeconds, double driverCpuSeconds, double otherCores) {
    this(run, system, phase, concurrency, ops, errors, seconds, p50Ms, p99Ms, maxMs, serverCpuSeconds,
        driverCpuSeconds, otherCores, -1, -1);
  }

  double opsPerSecond() {
    return seconds > 0 ? ops / seconds : 0;
  }

  double serverCores() {
    return serverCpuSeconds < 0 || seconds <= 0 ? -1 : serverCpuSeconds / seconds;
  }

  double driverCores() {
    return driverCpuSeconds < 0 || seconds <= 0 ? -1 : driverCpuSeconds / seconds;
  }

  /** Server CPU per operation across the three servers, in milliseconds. */
  double serverCpuMsPerOp() {
    return serverCpuSeconds < 0 || ops == 0 ? -1 : serverCpuSeconds * 1000 / ops;
  }

  String toTsv() {
    return String.join("\t", run, system, phase, Integer.toString(concurrency), Long.toString(ops),
        Long.toString(errors), num(seconds), num(p50Ms), num(p99Ms), num(maxMs), num(serverCpuSeconds),
        num(driverCpuSeconds), num(otherCores), num(stealCores), num(maxRssMiB));
  }

  static BenchRow fromTsv(String line) {
    String[] f = line.split("\t");
    if (f.length != 13 && f.length != 15) {
      throw new IllegalArgumentException("not a benchmark row (" + f.length + " fields): " + line);
    }
    return new BenchRow(f[0], f[1], f[2], Integer.parseInt(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
        Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]),
        Double.parseDouble(f[10]), Double.parseDouble(f[11]), Double.parseDouble(f[12]),
        f.length == 15 ? Double.parseDouble(f[13]) : -1, f.length == 15 ? Double.parseDouble(f[14]) : -1);
  }

  private static String num(double d) {
    return String.format(Locale.ROOT, "%.4f", d);
  }

  private static final String[] HEADER = {"system", "phase", "conc", "ops/s", "p50 ms", "p99 ms", "max ms",
      "errors", "ops", "srv CPU ms/op", "srv cores", "driver cores", "other cores", "steal cores",
      "max RSS MiB"};

  /** A Markdown table (readable as plain text too) of {@code rows}, in their order. */
  static String table(List<BenchRow> rows) {
    List<String[]> cells = new ArrayList<>();
    for (BenchRow r : rows) {
      cells.add(new String[] {r.system, r.phase, Integer.toString(r.concurrency), fmt("%.0f", r.opsPerSecond()),
          fmt("%.2f", r.p50Ms), fmt("%.2f", r.p99Ms), fmt("%.1f", r.maxMs), Long.toString(r.errors),
          Long.toString(r.ops), cpu("%.3f", r.serverCpuMsPerOp()), cpu("%.2f", r.serverCores()),
          cpu("%.2f", r.driverCores()), cpu("%.2f", r.otherCores), cpu("%.2f", r.stealCores),
          cpu("%.0f", r.maxRssMiB)});
    }
    return TextTable.render(HEADER, cells, "llrrrrrrrrrrrrr");
  }

  private static String fmt(String f, double d) {
    return TextTable.fmt(f, d);
  }

  private static String cpu(String f, double d) {
    return TextTable.known(f, d);
  }
}
