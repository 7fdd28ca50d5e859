package quorumkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The watch phase's rows and tables, and the parsing of what ServerMemory reads. */
class WatchRowsTest {
  private static final WatchRows.Delivery OK = new WatchRows.Delivery("r", "quorumkv", 10000, "n1 (follower)", 2000, 2000, 12, 0, 0, 0,
      1.25, 7.5, 20.0, 0);
  private static final WatchRows.Memory MEMORY = new WatchRows.Memory("r", "etcd", 10000, 1.5, "RSS",
      100_000_000, 130_000_000, 50_000_000, 52_000_000);

  @Test
  void rowsSurviveTheirTsvAndPrintAsTwoTables() {
    String tables = WatchRows.tables(List.of(OK.toTsv(), "", "# comment", MEMORY.toTsv()));
    assertTrue(tables.contains("| quorumkv |   10000 | n1 (follower) |       2000 |        2000 |    12 |   1.25 |   7.50 |   20.0 |"),
        tables);
    assertTrue(tables.contains("|          0 | ok    |"), tables);
    // 30 MB over 10000 watches: 3000 bytes each; the driver's 2 MB: 200 bytes each.
    assertTrue(tables.contains("| etcd   |        10000 |         1.5 | RSS                      |"), tables);
    assertTrue(tables.contains("|             30.0 |               3000 |                     200 |"), tables);
    assertThrows(IllegalArgumentException.class, () -> WatchRows.tables(List.of("delivery\tshort")));
  }

  @Test
  void aMismatchIsSpelledOutAndEventsOfFailedPutsAreNot() {
    assertEquals("ok", WatchRows.check(OK));
    assertEquals("ok (+2 of failed puts)", WatchRows.check(new WatchRows.Delivery("r", "etcd", 1, "3 members", 10, 10, 0, 2, 0, 0,
        1, 1, 1, 2)));
    assertEquals("MISMATCH: 3 MISSING, 1 REPEATED, 4 FOREIGN", WatchRows.check(new WatchRows.Delivery("r", "etcd", 1,
        "3 members", 10, 7, 0, 0, 1, 4, 1, 1, 1, 0)));
  }

  @Test
  void unknownMemoryShowsAsAQuestionMark() {
    WatchRows.Memory unknown = new WatchRows.Memory("r", "quorumkv", 10, 0.1, "live heap", -1, 5, 1, 2);
    assertTrue(Double.isNaN(unknown.serverBytesPerWatch()));
    assertTrue(WatchRows.memoryTable(List.of(unknown)).contains(" ? |"), WatchRows.memoryTable(List.of(unknown)));
  }

  @Test
  void serverMemoryParsesJcmdsHistogramAndProcStatus() {
    String histogram = """
        12345:
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:         61245        9264264  [B (java.base@17.0.15)
           2:         58000        1392000  java.lang.String (java.base@17.0.15)
        Total        419207       27613072
        """;
    assertEquals(27_613_072L, ServerMemory.histogramTotal(histogram));
    assertEquals(-1L, ServerMemory.histogramTotal("12345:\nCould not attach\n"));
    String status = "Name:\tetcd\nVmPeak:\t  900000 kB\nVmRSS:\t   51200 kB\nRssAnon:\t   40000 kB\n";
    assertEquals(51200L * 1024, ServerMemory.vmRssBytes(status));
    assertEquals(-1L, ServerMemory.vmRssBytes("Name:\tetcd\n"));
    assertEquals(-1L, ServerMemory.read(List.of(), true));
  }
}
