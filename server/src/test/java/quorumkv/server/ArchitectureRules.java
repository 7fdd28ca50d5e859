package quorumkv.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The server's architecture rules, each a function of the root package so that the same rule runs on the
 * real code ({@code quorumkv.server}) and on a fixture under {@code quorumkv.archfixtures.server} that
 * breaks it: a rule that never fails on its fixture could be passing vacuously. (raft-log has its own
 * copy of the idea; the config-key predicate is repeated because modules share no test code but the kit.)
 */
public final class ArchitectureRules {
  private ArchitectureRules() {}

  /**
   * No two packages depend on each other, directly or through others. Every package is its own slice,
   * the root included: the loop this replaced ran through the root package (root → ratis → root).
   */
  public static ArchRule noPackageCycles() {
    return slices().matching("(**)").namingSlices("package $1").should().beFreeOfCycles();
  }

  /** The root package holds the entry point only, so nothing needs to depend on it. */
  public static ArchRule rootHoldsOnlyTheEntryPoint(String root) {
    return classes().that().resideInAPackage(root).and().doNotHaveSimpleName("package-info")
        .should().haveSimpleName("KvServerMain");
  }

  /**
   * The HTTP API speaks the client library and the node's own small types; Ratis and the store (which a
   * snapshot install swaps underneath) stay behind {@code KvNode}.
   */
  public static ArchRule httpImportsNeitherRatisNorStore(String root) {
    return noClasses().that().resideInAPackage(root + ".http..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.ratis..", "quorumkv.raftlog.store..",
            "quorumkv.raftlog.statemachine..");
  }

  /** Only {@code root.ratis} (KvNode and its helpers) sees the Ratis server. */
  public static ArchRule onlyRatisPackageImportsRatisServer(String root) {
    return noClasses().that().resideOutsideOfPackage(root + ".ratis..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.ratis.server..");
  }

  /**
   * The state machine and the live store are reached through {@code KvNode} only (the store through
   * {@code withStore}, so nobody holds it across a swap). Allowed elsewhere: the plain-Java
   * {@code StateMachineListener} callback (metrics are fed through it), {@code StoreOptions} (a config
   * record), and the backup package, which writes the file from a store lent to it inside
   * {@code withStore} and seeds a new node's empty store before it starts.
   */
  public static ArchRule stateMachineAndStoreOnlyThroughTheNode(String root) {
    return noClasses().that().resideOutsideOfPackages(root + ".ratis..", root + ".backup..")
        .should().dependOnClassesThat(
            DescribedPredicate.describe("in raft-log's statemachine or store, other than StateMachineListener"
                + " and StoreOptions", c -> (c.getPackageName().startsWith("quorumkv.raftlog.statemachine")
                    || c.getPackageName().startsWith("quorumkv.raftlog.store"))
                && !c.getName().equals("quorumkv.raftlog.statemachine.StateMachineListener")
                && !c.getName().equals("quorumkv.raftlog.store.StoreOptions")));
  }

  /** One named class turns our settings into Ratis properties; typed setters are safe only if nobody else writes keys. */
  public static ArchRule onlyOneClassWritesRatisConfigKeys(String writer) {
    return noClasses().that().doNotHaveFullyQualifiedName(writer).should().callMethodWhere(RATIS_CONFIG_KEY_SETTER);
  }

  /** A {@code set*} method of a Ratis {@code *ConfigKeys*} class, nested ones included ({@code RaftServerConfigKeys$Rpc}). */
  static final DescribedPredicate<JavaMethodCall> RATIS_CONFIG_KEY_SETTER =
      DescribedPredicate.describe("a set* method of a Ratis *ConfigKeys* class", call -> {
        String owner = call.getTargetOwner().getName();
        return call.getName().startsWith("set") && owner.startsWith("org.apache.ratis.") && owner.contains("ConfigKeys");
      });
}
