package quorumkv.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import quorumkv.server.HttpCalls;
import quorumkv.server.PrometheusText;
import quorumkv.server.testing.Eventually;
import quorumkv.server.testing.LocalCluster;

/**
 * Every QuorumKV metric an alerting rule or a dashboard panel uses exists in a real cluster's
 * {@code /metrics} (names as samples carry them: {@code _bucket}, {@code _count}, {@code _sum}, {@code
 * _total}), and every histogram bucket a query picks by {@code le} is one the node exports. Scrapes all
 * three nodes of a cluster that has served requests (some series exist only on the leader, others only
 * once a request was made). A failure names each missing metric and every rule and panel using it.
 */
class OpsMetricsExistIT {
  @Test
  void everyMetricTheRulesAndTheDashboardUseIsExported() throws Exception {
    Map<String, String> queries = OpsFiles.allQueries();
    Map<String, TreeSet<String>> uses = OpsFiles.metricUses(queries);
    assertTrue(uses.size() >= 25, "metric names found in the rules and dashboard: " + uses.keySet());

    Set<String> names = new HashSet<>();
    Set<String> series = new HashSet<>();
    try (LocalCluster cluster = LocalCluster.startWithHttp(3, Files.createTempDirectory("ops-metrics-it"), Map.of())) {
      int leader = cluster.waitForLeader(Duration.ofSeconds(60));
      HttpCalls.Reply put = retrying(() -> cluster.http().putJson(cluster.httpAddress(leader), "/v1/kv/ops/check",
          "{\"value\":\"v\"}"));
      assertEquals(200, put.status(), put.body());
      assertEquals(200, retrying(() -> cluster.http().get(cluster.httpAddress((leader + 1) % 3), "/v1/kv/ops/check"))
          .status());
      // The per-peer gauges appear once the leader has heard from both followers and they from it.
      Eventually.assertTrue(Duration.ofSeconds(60), () -> scrape(cluster, leader).samples().keySet().stream()
          .filter(s -> s.startsWith("quorumkv_raft_peer_contact_seconds{")).count() == 2, "the leader's peer gauges");
      for (int i = 0; i < 3; i++) {
        PrometheusText.Parsed p = scrape(cluster, i);
        names.addAll(p.types().keySet());
        for (String s : p.samples().keySet()) {
          series.add(s);
          names.add(s.contains("{") ? s.substring(0, s.indexOf('{')) : s);
        }
      }
    }

    Map<String, TreeSet<String>> missing = new TreeMap<>(uses);
    missing.keySet().removeAll(names);
    StringBuilder report = new StringBuilder();
    missing.forEach((metric, where) -> report.append("\n  ").append(metric).append(" is not in /metrics; used by ")
        .append(String.join(", ", where)));
    assertTrue(missing.isEmpty(), "metrics used by ops/ but not exported by a node:" + report);

    Map<String, TreeSet<String>> buckets = new TreeMap<>(OpsFiles.bucketUses(queries));
    buckets.keySet().removeIf(b -> OpsFiles.bucketExported(b, series));
    StringBuilder badBuckets = new StringBuilder();
    buckets.forEach((b, where) -> badBuckets.append("\n  ").append(b).append(" is no bucket a node exports; used by ")
        .append(String.join(", ", where)));
    assertTrue(buckets.isEmpty(), "histogram buckets picked by le that do not exist:" + badBuckets);
  }

  /** A call retried while it cannot connect (HttpCalls allows 2 s; on a loaded machine that sometimes passes). */
  private static HttpCalls.Reply retrying(java.util.function.Supplier<HttpCalls.Reply> call) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        return call.get();
      } catch (java.io.UncheckedIOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static PrometheusText.Parsed scrape(LocalCluster cluster, int i) {
    HttpCalls.Reply r = retrying(() -> cluster.http().get(cluster.opsAddress(i), "/metrics"));
    assertEquals(200, r.status(), r.body());
    return PrometheusText.parse(r.body());
  }
}
