package quorumkv.raftlog;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * raft-log's package rules ({@link ArchitectureRules}), checked on the production classes; each also
 * runs on a fixture under {@code quorumkv.archfixtures.raftlog} that breaks it, and must fail there
 * naming the offending class.
 */
class ArchitectureTest {
  private static final String ROOT = "quorumkv.raftlog";
  private static final String FIXTURES = "quorumkv.archfixtures.raftlog";
  private static final JavaClasses RAFT_LOG = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles(ROOT).check(RAFT_LOG);
    String fixture = FIXTURES + ".cycle";
    assertBroken(ArchitectureRules.noPackageCycles(fixture), fixture, "CycleA");
  }

  @Test
  void commandImportsOnlyJava() {
    ArchitectureRules.commandImportsOnlyJava(ROOT).check(RAFT_LOG);
    String fixture = FIXTURES + ".commandimports";
    assertBroken(ArchitectureRules.commandImportsOnlyJava(fixture), fixture, "CommandUsingRocksDb");
  }

  @Test
  void storeImportsNoRatis() {
    ArchitectureRules.storeImportsNoRatis(ROOT).check(RAFT_LOG);
    String fixture = FIXTURES + ".storeimports";
    assertBroken(ArchitectureRules.storeImportsNoRatis(fixture), fixture, "StoreUsingRatis");
  }

  @Test
  void noClassWritesRatisConfigKeys() {
    ArchitectureRules.writesNoRatisConfigKeys().check(RAFT_LOG);
    String fixture = FIXTURES + ".configkeys";
    assertBroken(ArchitectureRules.writesNoRatisConfigKeys(), fixture, "WritesConfigKeys");
  }

  /** The rule fails on the fixture package, and for the fixture's offending class, not for an empty import. */
  private static void assertBroken(ArchRule rule, String fixturePackage, String offender) {
    JavaClasses fixture = new ClassFileImporter().importPackages(fixturePackage);
    assertTrue(fixture.size() > 0, "fixture classes found in " + fixturePackage);
    AssertionError e = assertThrows(AssertionError.class, () -> rule.check(fixture));
    assertTrue(e.getMessage().contains(offender), "fails because of " + offender + ": " + e.getMessage());
  }
}
