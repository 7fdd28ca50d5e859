package quorumkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** failover.tsv rows, their statistics and the tables made of them. */
class FailoverTableTest {

  private static FailoverRound round(String system, String fault, int n, double ms, long failed, long timedOut) {
    return new FailoverRound("r1", system, "netns", fault, n, ms, 4.5, "n1", "n2", 3, 4, 0, 900, failed, timedOut, 0,
        12.5, Double.isNaN(ms) ? "no acknowledged write within 30 s" : "");
  }

  @Test
  void aRowSurvivesTheTsvRoundTripIncludingAMissingFigure() {
    FailoverRound measured = round("quorumkv", "kill", 1, 1234.5, 7, 2);
    assertEquals(measured, FailoverRound.fromTsv(measured.tsv()));
    FailoverRound none = round("etcd", "stop", 2, Double.NaN, 0, 3000);
    FailoverRound back = FailoverRound.fromTsv(none.tsv());
    assertTrue(!back.measured() && back.note().equals(none.note()) && back.timedOut() == 3000);
    assertEquals(18, FailoverRound.HEADER.split("\t").length);
    assertEquals(18, measured.tsv().split("\t", -1).length);
  }

  @Test
  void tabsAndNewlinesInANoteDoNotBreakTheRow() {
    FailoverRound r = new FailoverRound("r", "etcd", "loopback", "kill", 1, 5, Double.NaN, "e1", "e2", 1, 2, 0, 1, 0, 0, 0, 1,
        "line one\tand\ntwo");
    assertEquals("line one and two", FailoverRound.fromTsv(r.tsv()).note());
  }

  @Test
  void aShortLineIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> FailoverRound.fromTsv("r\tetcd\tkill"));
  }

  @Test
  void statsAreNearestRankOverMeasuredRoundsOnly() {
    List<FailoverRound> rounds = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      rounds.add(round("etcd", "kill", i, i * 100, 0, 0));   // 100 .. 1000 ms
    }
    rounds.add(round("etcd", "kill", 11, Double.NaN, 0, 0));
    FailoverTable.Stats s = FailoverTable.Stats.of(rounds);
    assertEquals(11, s.rounds());
    assertEquals(10, s.measured());
    assertEquals(500, s.medianMs());
    assertEquals(900, s.p90Ms());
    assertEquals(1000, s.worstMs());
  }

  @Test
  void noMeasuredRoundGivesNoStatistics() {
    FailoverTable.Stats s = FailoverTable.Stats.of(List.of(round("etcd", "stop", 1, Double.NaN, 0, 0)));
    assertTrue(Double.isNaN(s.medianMs()) && Double.isNaN(s.worstMs()) && s.measured() == 0);
  }

  /** Each table line's cells, trimmed. */
  private static List<List<String>> cells(String table) {
    return table.lines().filter(l -> l.startsWith("|"))
        .map(l -> java.util.Arrays.stream(l.substring(1).split("\\|")).map(String::strip).toList()).toList();
  }

  @Test
  void theTableHasOneRowPerSystemAndFaultAndSumsTheWrites() {
    List<FailoverRound> rounds = List.of(round("etcd", "kill", 1, 800, 1, 2), round("etcd", "kill", 2, 1200, 3, 4),
        round("quorumkv", "stop", 1, Double.NaN, 0, 5),
        new FailoverRound("r1", "quorumkv", "netns", "quiet", 0, Double.NaN, Double.NaN, "n1", "n1", 5, 5, 0, 60000, 0, 0, 0,
            600, ""));
    String t = FailoverTable.tables(rounds);
    assertTrue(cells(t).contains(List.of("etcd", "kill", "netns", "2", "0", "800", "1200", "1200", "4", "6", "2", "5")), t);
    assertTrue(cells(t).contains(List.of("quorumkv", "stop", "netns", "1", "1", "-", "-", "-", "0", "5", "1", "5")), t);
    assertTrue(t.contains("Quiet run"), t);
    assertTrue(cells(t).contains(List.of("quorumkv", "netns", "10.0", "0", "0", "60000", "0", "-")), t);
    assertEquals("quorumkv stop round 1: no figure: no acknowledged write within 30 s%n".formatted(),
        FailoverTable.unmeasured(rounds));
  }
}
