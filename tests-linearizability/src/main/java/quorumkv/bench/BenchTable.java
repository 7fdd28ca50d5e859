package quorumkv.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the rows of one or more TSV result files as one table, then, given {@code --watch FILE}, the watch
 * phase's delivery and memory tables, given {@code --failover FILE} the failover tables, and given
 * {@code --reference OLD.tsv} how far etcd's rows moved from an earlier clean run's ({@link EtcdDrift}):
 * {@code BenchTable [RESULTS.tsv...] [--watch WATCH.tsv] [--failover FAILOVER.tsv] [--reference OLD.tsv]}.
 */
public final class BenchTable {
  private BenchTable() {}

  public static void main(String[] args) throws IOException {
    List<String> results = new ArrayList<>();
    List<String> watchLines = new ArrayList<>();
    List<String> failoverLines = new ArrayList<>();
    String reference = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--watch") && i + 1 < args.length) {
        watchLines.addAll(Files.readAllLines(Path.of(args[++i])));
      } else if (args[i].equals("--reference") && i + 1 < args.length) {
        reference = args[++i];
      } else if (args[i].equals("--failover") && i + 1 < args.length) {
        failoverLines.addAll(Files.readAllLines(Path.of(args[++i])));
      } else {
        results.add(args[i]);
      }
    }
    if (results.isEmpty() && failoverLines.isEmpty()) {
      System.err.println("usage: BenchTable [RESULTS.tsv...] [--watch WATCH.tsv] [--failover FAILOVER.tsv]");
      System.exit(2);
    }
    List<BenchRow> rows = new ArrayList<>();
    for (String a : results) {
      rows.addAll(readRows(Path.of(a)));
    }
    if (!rows.isEmpty()) {
      System.out.print(BenchRow.table(rows));
    }
    if (reference != null) {
      System.out.println();
      System.out.print(EtcdDrift.report(EtcdDrift.compare(rows, readRows(Path.of(reference))), reference));
    }
    if (!watchLines.isEmpty()) {
      System.out.println();
      System.out.print(WatchRows.tables(watchLines));
    }
    if (!failoverLines.isEmpty()) {
      List<FailoverRound> failover = FailoverTable.parse(failoverLines);
      if (!rows.isEmpty() || !watchLines.isEmpty()) {
        System.out.println();
      }
      System.out.print(FailoverTable.tables(failover));
      System.out.print(FailoverTable.unmeasured(failover));
    }
  }

  private static List<BenchRow> readRows(Path tsv) throws IOException {
    List<BenchRow> rows = new ArrayList<>();
    for (String line : Files.readAllLines(tsv)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        rows.add(BenchRow.fromTsv(line));
      }
    }
    return rows;
  }
}
