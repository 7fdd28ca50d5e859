package quorumkv.linearizability;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/**
 * tests-linearizability's architecture rules, each a function of the packages it applies to, so that
 * {@link ArchitectureTest} runs the same rule on the real code and on a fixture that breaks it.
 */
final class ArchitectureRules {
  private ArchitectureRules() {}

  /** Every package under {@code root} (at any depth) is its own slice, and no slices form a cycle. */
  static ArchRule noPackageCycles(String root) {
    return slices().matching(root + ".(**)").namingSlices("$1")
        .should().beFreeOfCycles()
        .because("a package cycle means neither side can be read, changed or tested alone");
  }

  /**
   * The checker and the history format under {@code linearizability} depend on neither Ratis nor the
   * server: they judge and store histories of any store ({@code bin/check-history}), not this system.
   */
  static ArchRule checkerAndHistoryImportNeitherRatisNorServer(String linearizability) {
    return noClasses().that().resideInAnyPackage(linearizability + ".checker..", linearizability + ".history..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.ratis..", "quorumkv.server..")
        .because("the checker and the history format judge histories of any store, not this system's internals");
  }
}
