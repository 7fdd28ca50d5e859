package quorumkv.linearizability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The package rules of tests-linearizability's main code (the harness, the checker, the benchmark driver),
 * checked by the build. Each rule also runs against a fixture under {@code quorumkv.archfixtures.linearizability}
 * that breaks it, and must fail there, naming the offending classes: no rule passes vacuously.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("quorumkv.linearizability", "quorumkv.bench");
  private static final String FIXTURES = "quorumkv.archfixtures.linearizability";

  private static JavaClasses fixture(String pkg) {
    JavaClasses classes = new ClassFileImporter().importPackages(FIXTURES + "." + pkg);
    assertFalse(classes.isEmpty(), "fixture " + pkg + " found");
    return classes;
  }

  @Test
  void mainCodeImportsBothTrees() {
    assertTrue(MAIN.contain("quorumkv.linearizability.runner.LinearizabilityRun"), "linearizability imported");
    assertTrue(MAIN.contain("quorumkv.bench.BenchMain"), "bench imported");
    assertFalse(MAIN.stream().anyMatch(c -> c.getName().endsWith("Test") || c.getName().endsWith("IT")),
        "main code only");
  }

  @Test
  void noPackageCyclesInLinearizabilityOrBench() {
    ArchitectureRules.noPackageCycles("quorumkv").check(MAIN);
  }

  @Test
  void noPackageCyclesFailsOnACycle() {
    ArchRule rule = ArchitectureRules.noPackageCycles(FIXTURES + ".cycle");
    AssertionError e = assertThrows(AssertionError.class, () -> rule.check(fixture("cycle")));
    assertTrue(e.getMessage().contains("FixtureRun") && e.getMessage().contains("FixtureReport"), e.getMessage());
  }

  @Test
  void checkerAndHistoryImportNeitherRatisNorServer() {
    ArchitectureRules.checkerAndHistoryImportNeitherRatisNorServer("quorumkv.linearizability").check(MAIN);
  }

  @Test
  void checkerAndHistoryRuleFailsOnRatisInACheckerAndTheServerInAHistory() {
    ArchRule rule = ArchitectureRules.checkerAndHistoryImportNeitherRatisNorServer(FIXTURES + ".leak");
    AssertionError e = assertThrows(AssertionError.class, () -> rule.check(fixture("leak")));
    assertTrue(e.getMessage().contains("RatisAwareChecker") && e.getMessage().contains("RaftPeerId"), e.getMessage());
    assertTrue(e.getMessage().contains("ServerAwareHistory") && e.getMessage().contains("KvServerMain"), e.getMessage());
  }
}
