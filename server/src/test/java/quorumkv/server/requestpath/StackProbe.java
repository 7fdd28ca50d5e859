package quorumkv.server.requestpath;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What QuorumKV code was on the stack when a probed library method ran: while {@link #arm() armed}, each
 * {@link #hit} walks the calling thread's stack and keeps the top-level QuorumKV classes on it, innermost
 * first. Called from code that {@link StackProbes} weaves into Ratis's and RocksDB's classes, so it must be
 * public and must not throw.
 */
public final class StackProbe {
  private static final String OWN_PACKAGE = StackProbe.class.getPackageName() + ".";
  private static final Map<String, Set<List<String>>> STACKS = new ConcurrentHashMap<>();
  private static volatile boolean armed;

  private StackProbe() {}

  /** Called on entry to a probed method; {@code where} is {@code package.Type.method}. */
  public static void hit(String where) {
    if (!armed) {
      return;
    }
    String probe = where.substring(where.lastIndexOf('.', where.lastIndexOf('.') - 1) + 1);
    List<String> classes = StackWalker.getInstance().walk(frames -> frames
        .map(StackWalker.StackFrame::getClassName)
        .filter(name -> name.startsWith("quorumkv.") && !name.startsWith(OWN_PACKAGE))
        .map(StackProbe::topLevel)
        .distinct()
        .collect(Collectors.toList()));
    STACKS.computeIfAbsent(probe, p -> ConcurrentHashMap.newKeySet()).add(classes);
  }

  /** {@code a.b.C$D$1} and {@code a.b.C$$Lambda$7} are both in the file of {@code a.b.C}. */
  static String topLevel(String className) {
    int dollar = className.indexOf('$');
    return dollar < 0 ? className : className.substring(0, dollar);
  }

  static void arm() {
    armed = true;
  }

  static void disarm() {
    armed = false;
  }

  static void clear() {
    STACKS.clear();
  }

  /** The distinct stacks seen per probed method since the last {@link #clear()}. */
  static Map<String, Set<List<String>>> stacks() {
    return new TreeMap<>(STACKS);
  }
}
