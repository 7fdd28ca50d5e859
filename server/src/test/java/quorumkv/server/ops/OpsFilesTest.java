package quorumkv.server.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the ops tests read bucket selections by le: exact and regular-expression matchers. */
class OpsFilesTest {
  private static final String NAME = "quorumkv_raft_failover_seconds_bucket";

  private static String use(String matcher) {
    return OpsFiles.bucketUses(Map.of("q", "increase(" + NAME + "{job=\"x\"," + matcher + "}[5m])")).keySet().iterator().next();
  }

  @Test
  void anExactLeMatchesOnlyThatRendering() {
    String exact = use("le=\"5.0\"");
    assertTrue(OpsFiles.bucketExported(exact, List.of(NAME + "{le=\"5.0\"}")));
    assertFalse(OpsFiles.bucketExported(exact, List.of(NAME + "{le=\"5\"}")));
    assertFalse(OpsFiles.bucketExported(exact, List.of("quorumkv_other_bucket{le=\"5.0\"}")));
  }

  @Test
  void aRegularExpressionLeMatchesEveryRenderingItNamesAndNoOther() {
    String re = use("le=~\"5(\\\\.0)?\""); // as the rules file has it: 5(\\.0)?
    assertTrue(OpsFiles.bucketExported(re, List.of(NAME + "{le=\"5.0\"}")));
    assertTrue(OpsFiles.bucketExported(re, List.of(NAME + "{instance=\"n1\",le=\"5\"}")));
    assertFalse(OpsFiles.bucketExported(re, List.of(NAME + "{le=\"50\"}", NAME + "{le=\"5.05\"}", NAME + "{le=\"7.5\"}")));
  }

  @Test
  void theShippedWorstCaseRuleIsCheckedByItsRegularExpression() {
    // OpsMetricsExistIT checks every bucket a rule picks against a real /metrics; a regex matcher must be among them.
    assertTrue(OpsFiles.bucketUses(OpsFiles.allQueries()).containsKey(NAME + "{le=~\"5(\\\\.0)?\"}"),
        OpsFiles.bucketUses(OpsFiles.allQueries()).keySet().toString());
  }
}
