package quorumkv.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Prints the rows of one or more TSV result files as one table: {@code BenchTable FILE...}. */
public final class BenchTable {
  private BenchTable() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: BenchTable RESULTS.tsv...");
      System.exit(2);
    }
    List<BenchRow> rows = new ArrayList<>();
    for (String a : args) {
      for (String line : Files.readAllLines(Path.of(a))) {
        if (!line.isBlank() && !line.startsWith("#")) {
          rows.add(BenchRow.fromTsv(line));
        }
      }
    }
    System.out.print(BenchRow.table(rows));
  }
}
