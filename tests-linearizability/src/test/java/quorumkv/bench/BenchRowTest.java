package quorumkv.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchRowTest {

  @Test
  void aRowSurvivesItsTsvWithStealAndMemory() {
    BenchRow row = new BenchRow("r", "quorumkv", "clients", 64, 1000, 2, 10.0, 1.5, 9.0, 30.0, 4.0, 1.0, 0.05,
        0.12, 301.5);
    assertEquals(row, BenchRow.fromTsv(row.toTsv()));
  }

  @Test
  void aRowWrittenBeforeStealAndMemoryReadsThemAsUnknown() {
    BenchRow old = BenchRow.fromTsv("r\tetcd\tput\t1\t100\t0\t10.0\t1.0\t2.0\t3.0\t0.5\t0.1\t0.02");
    assertEquals(-1, old.stealCores());
    assertEquals(-1, old.maxRssMiB());
    String table = BenchRow.table(List.of(old));
    assertTrue(table.contains("steal cores") && table.contains("max RSS MiB"), table);
    assertThrows(IllegalArgumentException.class, () -> BenchRow.fromTsv("r\tetcd\tput"));
  }

  @Test
  void procStatGivesTotalIdleAndSteal() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    long[] ticks = ProcCpu.statTicks(List.of("cpu  100 0 50 800 20 0 5 25 0 0", "cpu0 50 0 25 400 10 0 2 12 0 0"));
    assertArrayEquals(new long[] {1000, 820, 25}, ticks);
    assertArrayEquals(new long[] {-1, -1, -1}, ProcCpu.statTicks(List.of("intr 1 2 3")));
  }
}
