package quorumkv.linearizability.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who owns which namespace network on this machine: one marker file per run prefix holding the pid of the
 * JVM that created it. Leftovers of crashed runs (names starting with {@code qkv} whose owner is gone) are
 * removed; those of a run still going never are (another engineer's test, or a CI run on the same machine,
 * may be using its own namespaces right now).
 */
final class NamespaceOwners {
  private static final Path OWNERS = Path.of("/run/quorumkv-netns");

  private NamespaceOwners() {}

  /** Claims {@code prefix} for this JVM: the marker holds this JVM's pid. */
  static void claim(String prefix) throws IOException {
    Files.createDirectories(OWNERS);
    Files.writeString(OWNERS.resolve(prefix), Long.toString(ProcessHandle.current().pid()));
  }

  /** Gives {@code prefix} up once its network is torn down. */
  static void release(String prefix) {
    try {
      Files.deleteIfExists(OWNERS.resolve(prefix));
    } catch (IOException e) {
      // removeLeftovers of a later run deletes it once this pid is gone
    }
  }

  /**
   * Deletes namespaces and links named qkv*, and unmounts the nodes' tmpfs mounts, left behind by crashed
   * runs, never those of a live run.
   */
  static void removeLeftovers() {
    Set<String> dead = new HashSet<>();
    for (String line : Sh.tryRun("ip", "netns", "list").split("\n")) {
      String name = line.split(" ")[0].trim();
      if (name.matches("qkv[0-9a-f]{4}-n\\d+") && !ownerAlive(name.substring(0, 7))) {
        dead.add(name.substring(0, 7));
        Sh.tryRun("ip", "netns", "del", name);
      }
    }
    for (String line : Sh.tryRun("ip", "-o", "link", "show").split("\n")) {
      Matcher m = Pattern.compile("^\\d+: ((qkv[0-9a-f]{4})(br|v\\d+))[@:]").matcher(line);
      if (m.find() && !ownerAlive(m.group(2))) {
        dead.add(m.group(2));
        Sh.tryRun("ip", "link", "del", m.group(1));
      }
    }
    dead.addAll(NodeDisks.removeLeftovers());
    for (String prefix : dead) {
      try {
        Files.deleteIfExists(OWNERS.resolve(prefix));
      } catch (IOException e) {
        // a stale marker only keeps nothing alive: its pid is gone
      }
    }
  }

  /** True if the run that created {@code prefix}'s network is still running (its owner file names a live pid). */
  static boolean ownerAlive(String prefix) {
    try {
      long pid = Long.parseLong(Files.readString(OWNERS.resolve(prefix)).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false; // no marker: a crashed run of a version without markers, or a marker half written
    }
  }
}
