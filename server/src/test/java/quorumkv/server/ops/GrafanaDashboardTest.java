package quorumkv.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ops/grafana/quorumkv-dashboard.json parses, and every panel shows something: at least one query. */
class GrafanaDashboardTest {
  private final JsonNode dashboard = OpsFiles.dashboard();

  @Test
  void everyPanelHasAQueryOnThePrometheusDataSourceAndAPlace() {
    Set<Integer> ids = new HashSet<>();
    int panels = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      String title = panel.path("title").asText();
      assertFalse(title.isBlank(), "a panel without a title: " + panel);
      assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique: " + title);
      assertTrue(panel.path("gridPos").has("w") && panel.path("gridPos").has("y"), "panel '" + title + "' has a place");
      if ("row".equals(panel.path("type").asText())) {
        continue;
      }
      panels++;
      assertTrue(panel.path("targets").size() > 0, "panel '" + title + "' has no query");
      for (JsonNode target : panel.get("targets")) {
        assertFalse(target.path("expr").asText().isBlank(), "panel '" + title + "' has an empty query: " + target);
        assertTrue(target.path("expr").asText().contains("quorumkv_"), "panel '" + title + "' queries QuorumKV's metrics");
      }
      assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), "panel '" + title + "' data source");
    }
    assertTrue(panels >= 20, "panels: " + panels);
  }

  @Test
  void theDataSourceAndJobAreChosenByVariables() {
    Set<String> names = new HashSet<>();
    dashboard.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
    assertEquals(Set.of("datasource", "job"), names);
    OpsFiles.dashboardQueries(dashboard).forEach((where, expr) ->
        assertTrue(expr.contains("job=\"$job\""), where + " selects the chosen job: " + expr));
  }
}
