package quorumkv.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The watch phase's results beside the put/get table: delivery latency rows and idle-watch memory rows,
 * one TSV line each (first field {@code delivery} or {@code memory}) in their own file, printed as two
 * small tables. Put throughput with idle watches is not here: it is ordinary put rows of the main table.
 */
final class WatchRows {
  private WatchRows() {}

  /**
   * Delivery latency with {@code watches} open, served by {@code servedBy} (a node, and whether it leads
   * then, or "3 members"): puts acknowledged, their events seen by a listener, how
   * many arrived before the acknowledgement, events of unacknowledged puts, repeats and foreign events,
   * latency percentiles (acknowledgement to listener, 0 when early), failed puts.
   */
  record Delivery(String run, String system, int watches, String servedBy, long acked, long seen, long early,
      long unacked, long repeats, long foreign, double p50Ms, double p99Ms, double maxMs, long putErrors) {

    /** Every acknowledged put's event seen once, nothing else: anything else is a mismatch to report. */
    boolean exact() {
      return acked == seen && repeats == 0 && foreign == 0;
    }

    String toTsv() {
      return String.join("\t", "delivery", run, system, Integer.toString(watches), servedBy, Long.toString(acked),
          Long.toString(seen), Long.toString(early), Long.toString(unacked), Long.toString(repeats),
          Long.toString(foreign), num(p50Ms), num(p99Ms), num(maxMs), Long.toString(putErrors));
    }
  }

  /**
   * Memory of {@code watches} idle watches: the servers' summed {@code serverMeasure} (live heap or RSS)
   * and the driver's heap before and after opening them (negative: unknown), and how long they took to open.
   */
  record Memory(String run, String system, int watches, double openSeconds, String serverMeasure,
      long serverBefore, long serverAfter, long driverBefore, long driverAfter) {

    double serverBytesPerWatch() {
      return serverBefore < 0 || serverAfter < 0 ? Double.NaN : (serverAfter - serverBefore) / (double) watches;
    }

    double driverBytesPerWatch() {
      return driverBefore < 0 || driverAfter < 0 ? Double.NaN : (driverAfter - driverBefore) / (double) watches;
    }

    String toTsv() {
      return String.join("\t", "memory", run, system, Integer.toString(watches), num(openSeconds), serverMeasure,
          Long.toString(serverBefore), Long.toString(serverAfter), Long.toString(driverBefore),
          Long.toString(driverAfter));
    }
  }

  static void append(Path file, String tsvLine) throws IOException {
    Files.writeString(file, tsvLine + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Both tables of the rows in {@code tsvLines} (blank lines and # comments skipped), in their order. */
  static String tables(List<String> tsvLines) {
    List<Delivery> deliveries = new ArrayList<>();
    List<Memory> memories = new ArrayList<>();
    for (String line : tsvLines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      if (f[0].equals("delivery") && f.length == 15) {
        deliveries.add(new Delivery(f[1], f[2], Integer.parseInt(f[3]), f[4], Long.parseLong(f[5]),
            Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9]),
            Long.parseLong(f[10]), Double.parseDouble(f[11]), Double.parseDouble(f[12]), Double.parseDouble(f[13]),
            Long.parseLong(f[14])));
      } else if (f[0].equals("memory") && f.length == 10) {
        memories.add(new Memory(f[1], f[2], Integer.parseInt(f[3]), Double.parseDouble(f[4]), f[5],
            Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9])));
      } else {
        throw new IllegalArgumentException("not a watch row (" + f.length + " fields): " + line);
      }
    }
    return deliveryTable(deliveries) + "\n" + memoryTable(memories);
  }

  private static final String[] DELIVERY_HEADER = {"system", "watches", "served by", "puts acked", "events seen",
      "early", "p50 ms", "p99 ms", "max ms", "put errors", "check"};

  static String deliveryTable(List<Delivery> rows) {
    List<String[]> cells = new ArrayList<>();
    for (Delivery r : rows) {
      cells.add(new String[] {r.system, Integer.toString(r.watches), r.servedBy, Long.toString(r.acked),
          Long.toString(r.seen), Long.toString(r.early), TextTable.fmt("%.2f", r.p50Ms), TextTable.fmt("%.2f", r.p99Ms),
          TextTable.fmt("%.1f", r.maxMs), Long.toString(r.putErrors), check(r)});
    }
    return TextTable.render(DELIVERY_HEADER, cells, "lrlrrrrrrrl");
  }

  /** "ok", or what is wrong, loudly: missing, repeated or foreign events (events of failed puts are fine). */
  static String check(Delivery r) {
    if (r.exact()) {
      return r.unacked == 0 ? "ok" : "ok (+" + r.unacked + " of failed puts)";
    }
    List<String> wrong = new ArrayList<>();
    if (r.seen < r.acked) {
      wrong.add((r.acked - r.seen) + " MISSING");
    }
    if (r.repeats > 0) {
      wrong.add(r.repeats + " REPEATED");
    }
    if (r.foreign > 0) {
      wrong.add(r.foreign + " FOREIGN");
    }
    return "MISMATCH: " + String.join(", ", wrong);
  }

  private static final String[] MEMORY_HEADER = {"system", "idle watches", "opened in s", "server measure (3 nodes)",
      "server growth MB", "server bytes/watch", "driver heap bytes/watch"};

  static String memoryTable(List<Memory> rows) {
    List<String[]> cells = new ArrayList<>();
    for (Memory r : rows) {
      // Growth may be negative (a node freed more than the watches took): shown as measured.
      cells.add(new String[] {r.system, Integer.toString(r.watches), TextTable.fmt("%.1f", r.openSeconds),
          r.serverMeasure, bytes("%.1f", r.serverBytesPerWatch() * r.watches / 1e6),
          bytes("%.0f", r.serverBytesPerWatch()), bytes("%.0f", r.driverBytesPerWatch())});
    }
    return TextTable.render(MEMORY_HEADER, cells, "lrrlrrr");
  }

  private static String bytes(String format, double d) {
    return Double.isNaN(d) ? "?" : String.format(Locale.ROOT, format, d);
  }

  private static String num(double d) {
    return String.format(Locale.ROOT, "%.4f", d);
  }
}
