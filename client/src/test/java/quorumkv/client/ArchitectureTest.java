package quorumkv.client;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The client's package rules, checked on the production classes. Each rule is a function of the client's
 * root package, so it also runs on a fixture under {@code quorumkv.archfixtures.client} laid out like the
 * client (a {@code client} package, its {@code internal}) that breaks exactly that rule: it must fail
 * there, naming the offending class, so no rule passes because it matched nothing.
 */
class ArchitectureTest {
  private static final String CLIENT = "quorumkv.client";
  private static final String FIXTURES = "quorumkv.archfixtures.client";
  /** The one class that turns settings into Ratis properties. */
  private static final String CONFIG_WRITER = "quorumkv.client.internal.RaftTransport";
  private static final JavaClasses PRODUCTION = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(CLIENT);

  @Test
  void noPackageCycles() {
    noPackageCycles(CLIENT).check(PRODUCTION);
    assertBroken(noPackageCycles(FIXTURES + ".cycle.client"), FIXTURES + ".cycle", "CycleApi");
  }

  @Test
  void ofRaftLogOnlyTheCommandPackage() {
    ofRaftLogOnlyTheCommandPackage(CLIENT).check(PRODUCTION);
    assertBroken(ofRaftLogOnlyTheCommandPackage(FIXTURES + ".raftlogimports.client"), FIXTURES + ".raftlogimports",
        "UsesTheStore");
  }

  @Test
  void apiDoesNotImportInternal() {
    apiDoesNotImportInternal(CLIENT).check(PRODUCTION);
    assertBroken(apiDoesNotImportInternal(FIXTURES + ".apiimports.client"), FIXTURES + ".apiimports",
        "ApiUsingInternal");
  }

  @Test
  void onlyOneClassWritesRatisConfigKeys() {
    onlyWritesRatisConfigKeys(CLIENT, CONFIG_WRITER).check(PRODUCTION);
    // The named writer really writes them: otherwise the rule would name a class that no longer matters.
    assertFalse(PRODUCTION.get(CONFIG_WRITER).getMethodCallsFromSelf().stream()
        .filter(RATIS_CONFIG_WRITE::test).toList().isEmpty(), CONFIG_WRITER + " writes Ratis config keys");
    String fixture = FIXTURES + ".configkeys";
    assertBroken(onlyWritesRatisConfigKeys(fixture + ".client", fixture + ".client.internal.Transport"), fixture,
        "AlsoWritesKeys");
  }

  // ------------------------------------------------------------------------------------------ rules

  /**
   * No cycle between the client's packages ({@code client}, {@code client.internal},
   * {@code client.connect}); each package is its own slice, the API package included.
   */
  static ArchRule noPackageCycles(String clientRoot) {
    String parent = clientRoot.substring(0, clientRoot.lastIndexOf('.'));
    return slices().matching(parent + ".(**)").should().beFreeOfCycles();
  }

  /** Of raft-log, the client uses only the JDK-only wire package {@code quorumkv.raftlog.command}. */
  static ArchRule ofRaftLogOnlyTheCommandPackage(String clientRoot) {
    return noClasses().that().resideInAPackage(clientRoot + "..")
        .should().dependOnClassesThat(resideInAPackage("quorumkv.raftlog..")
            .and(DescribedPredicate.not(resideInAPackage("quorumkv.raftlog.command.."))));
  }

  /** The API package never sees its implementation: {@code connect} is the one place that joins them. */
  static ArchRule apiDoesNotImportInternal(String clientRoot) {
    return noClasses().that().resideInAPackage(clientRoot)
        .should().dependOnClassesThat().resideInAPackage(clientRoot + ".internal..");
  }

  /** Only {@code writer} sets Ratis configuration: typed keys are safe only if nobody else writes raw ones. */
  static ArchRule onlyWritesRatisConfigKeys(String clientRoot, String writer) {
    return noClasses().that().resideInAPackage(clientRoot + "..").and().doNotHaveFullyQualifiedName(writer)
        .should().callMethodWhere(RATIS_CONFIG_WRITE);
  }

  /** A {@code set*} method of a Ratis {@code *ConfigKeys*} class (nested ones too) or of RaftProperties. */
  static final DescribedPredicate<JavaMethodCall> RATIS_CONFIG_WRITE =
      new DescribedPredicate<>("a set* method of a Ratis *ConfigKeys* class or of RaftProperties") {
        @Override
        public boolean test(JavaMethodCall call) {
          String owner = call.getTargetOwner().getName();
          return call.getName().startsWith("set") && owner.startsWith("org.apache.ratis.")
              && (owner.contains("ConfigKeys") || owner.equals("org.apache.ratis.conf.RaftProperties"));
        }
      };

  /** The rule fails on the fixture package, and for the fixture's offending class, not for an empty import. */
  private static void assertBroken(ArchRule rule, String fixturePackage, String offender) {
    JavaClasses fixture = new ClassFileImporter().importPackages(fixturePackage);
    assertTrue(fixture.size() > 0, "fixture classes found in " + fixturePackage);
    AssertionError e = assertThrows(AssertionError.class, () -> rule.check(fixture));
    assertTrue(e.getMessage().contains(offender), "fails because of " + offender + ": " + e.getMessage());
  }
}
