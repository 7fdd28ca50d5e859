package quorumkv.raftlog;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.lang.ArchRule;

/**
 * raft-log's architecture rules, each a function of the root package so that the same rule runs on the
 * real code ({@code quorumkv.raftlog}) and on a fixture that breaks it (a package under
 * {@code quorumkv.archfixtures.raftlog} laid out like the real one): a rule that never fails on its
 * fixture could be passing vacuously. Other modules copy the idea, not the class (no shared test module).
 */
public final class ArchitectureRules {
  private ArchitectureRules() {}

  /** The direct subpackages of {@code root} (with their own subpackages) form no dependency cycle. */
  public static ArchRule noPackageCycles(String root) {
    return slices().matching(root + ".(*)..").should().beFreeOfCycles();
  }

  /** {@code root.command} depends on the JDK and itself only: clients link it without RocksDB or Ratis. */
  public static ArchRule commandImportsOnlyJava(String root) {
    return classes().that().resideInAPackage(root + ".command..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", root + ".command..");
  }

  /** {@code root.store} imports nothing of Ratis: the store stays plain Java, testable without a network. */
  public static ArchRule storeImportsNoRatis(String root) {
    return noClasses().that().resideInAPackage(root + ".store..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.ratis..");
  }

  /** No class writes Ratis configuration keys: the server's one properties factory does. */
  public static ArchRule writesNoRatisConfigKeys() {
    return noClasses().should().callMethodWhere(RATIS_CONFIG_KEY_SETTER);
  }

  /** A {@code set*} method of a Ratis {@code *ConfigKeys*} class, nested ones included ({@code RaftServerConfigKeys$Rpc}). */
  public static final DescribedPredicate<JavaMethodCall> RATIS_CONFIG_KEY_SETTER =
      new DescribedPredicate<>("a set* method of a Ratis *ConfigKeys* class") {
        @Override
        public boolean test(JavaMethodCall call) {
          String owner = call.getTargetOwner().getName();
          return call.getName().startsWith("set") && owner.startsWith("org.apache.ratis.") && owner.contains("ConfigKeys");
        }
      };
}
