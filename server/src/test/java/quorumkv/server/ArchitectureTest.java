package quorumkv.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The server's package rules ({@link ArchitectureRules}), checked on its production classes; each also
 * runs on a fixture under {@code quorumkv.archfixtures.server} that breaks it, and must fail there naming
 * the offending class.
 */
class ArchitectureTest {
  private static final String ROOT = "quorumkv.server";
  private static final String FIXTURES = "quorumkv.archfixtures.server";
  private static final JavaClasses SERVER = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);

  @Test
  void mainCodeOnlyIsChecked() {
    assertTrue(SERVER.contain(ROOT + ".ratis.KvNode"), "server classes imported");
    assertFalse(SERVER.contain(ROOT + ".testing.LocalCluster"), "the test kit is not main code");
  }

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles().check(SERVER);
    assertBroken(ArchitectureRules.noPackageCycles(), FIXTURES + ".cycle", "EntryPointHelper");
  }

  @Test
  void rootHoldsOnlyTheEntryPoint() {
    ArchitectureRules.rootHoldsOnlyTheEntryPoint(ROOT).check(SERVER);
    String fixture = FIXTURES + ".rootonly";
    assertBroken(ArchitectureRules.rootHoldsOnlyTheEntryPoint(fixture), fixture, "StrayWiring");
  }

  @Test
  void httpImportsNeitherRatisNorStore() {
    ArchitectureRules.httpImportsNeitherRatisNorStore(ROOT).check(SERVER);
    String fixture = FIXTURES + ".httpimports";
    assertBroken(ArchitectureRules.httpImportsNeitherRatisNorStore(fixture), fixture, "HandlerUsingRatis");
    assertBroken(ArchitectureRules.httpImportsNeitherRatisNorStore(fixture), fixture, "HandlerUsingStore");
  }

  @Test
  void onlyRatisPackageImportsRatisServer() {
    ArchitectureRules.onlyRatisPackageImportsRatisServer(ROOT).check(SERVER);
    String fixture = FIXTURES + ".ratisimports";
    assertBroken(ArchitectureRules.onlyRatisPackageImportsRatisServer(fixture), fixture, "StatusFromDivision");
  }

  @Test
  void stateMachineAndStoreOnlyThroughTheNode() {
    ArchitectureRules.stateMachineAndStoreOnlyThroughTheNode(ROOT).check(SERVER);
    String fixture = FIXTURES + ".storeimports";
    assertBroken(ArchitectureRules.stateMachineAndStoreOnlyThroughTheNode(fixture), fixture, "MetricsHoldingStateMachine");
  }

  @Test
  void onlyRaftPropertiesFactoryWritesRatisConfigKeys() {
    ArchitectureRules.onlyOneClassWritesRatisConfigKeys(ROOT + ".ratis.RaftPropertiesFactory").check(SERVER);
    assertBroken(ArchitectureRules.onlyOneClassWritesRatisConfigKeys(ROOT + ".ratis.RaftPropertiesFactory"),
        FIXTURES + ".configkeys", "WritesConfigKeys");
  }

  /** The rule fails on the fixture package, and for the fixture's offending class, not for an empty import. */
  private static void assertBroken(ArchRule rule, String fixturePackage, String offender) {
    JavaClasses fixture = new ClassFileImporter().importPackages(fixturePackage);
    assertTrue(fixture.size() > 0, "fixture classes found in " + fixturePackage);
    AssertionError e = assertThrows(AssertionError.class, () -> rule.check(fixture));
    assertTrue(e.getMessage().contains(offender), "fails because of " + offender + ": " + e.getMessage());
  }
}
