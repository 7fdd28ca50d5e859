package quorumkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdDriftTest {
  private static BenchRow row(String system, String phase, int conc, long ops) {
    return new BenchRow("r", system, phase, conc, ops, 0, 10.0, 1, 2, 3, 1, 1, 0);
  }

  @Test
  void etcdRowsWithinTwentyPercentCompare() {
    List<EtcdDrift.Drift> d = EtcdDrift.compare(
        List.of(row("etcd", "put", 1, 6_500), row("etcd", "warmup-put", 64, 1), row("quorumkv", "put", 1, 1)),
        List.of(row("etcd", "put", 1, 6_000), row("etcd", "warmup-put", 64, 99_999), row("quorumkv", "put", 1, 99)));
    assertEquals(1, d.size(), "only etcd's measured rows: " + d);
    String report = EtcdDrift.report(d, "old.tsv");
    assertTrue(report.contains("within 20%") && !report.contains("RERUN"), report);
  }

  @Test
  void anEtcdRowOffByMoreThanTwentyPercentSaysRerun() {
    List<EtcdDrift.Drift> d = EtcdDrift.compare(List.of(row("etcd", "put", 1, 6_280), row("etcd", "get", 64, 59_000)),
        List.of(row("etcd", "put", 1, 8_610), row("etcd", "get", 64, 60_000)));
    assertEquals(2, d.size());
    assertTrue(d.get(0).tooLarge() && !d.get(1).tooLarge(), d.toString());
    assertTrue(EtcdDrift.report(d, "old.tsv").contains("RERUN"), EtcdDrift.report(d, "old.tsv"));
  }

  @Test
  void noRowInCommonIsSaidSo() {
    assertTrue(EtcdDrift.report(EtcdDrift.compare(List.of(row("etcd", "clients", 16, 1)), List.of()), "x")
        .contains("no etcd row in common"));
  }
}
