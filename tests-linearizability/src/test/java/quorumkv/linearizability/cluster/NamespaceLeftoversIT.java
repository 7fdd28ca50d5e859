package quorumkv.linearizability.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cleanup of crashed runs' namespaces (and their nodes' tmpfs mounts) must spare a run still going: it once deleted every qkv*
 * namespace on the machine, including those of a concurrent run (another engineer's tests, or CI).
 */
class NamespaceLeftoversIT {
  /** Outside the random prefixes' usual range only by luck; the test owns it for its duration. */
  private static final String PREFIX = "qkvfffe";
  private static final Path OWNERS = Path.of("/run/quorumkv-netns");

  @BeforeEach
  void needNamespaces() throws Exception {
    String why = NamespaceClusterControl.whyUnavailable();
    if ("true".equals(System.getenv("CI"))) {
      assertNull(why, "CI=true: namespace tests must run here");
    }
    Assumptions.assumeTrue(why == null, "skipped: " + why);
    Sh.tryRun("ip", "netns", "del", PREFIX + "-n1");
    Sh.run("ip", "netns", "add", PREFIX + "-n1");
    Files.createDirectories(OWNERS);
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (mountPoint != null) {
      Sh.tryRun("umount", "-l", mountPoint.toString());
      Files.deleteIfExists(mountPoint);
    }
    Sh.tryRun("ip", "netns", "del", PREFIX + "-n1");
    Files.deleteIfExists(OWNERS.resolve(PREFIX));
  }

  private Path mountPoint;

  /** A node's tmpfs as the harness mounts it (source named after the prefix, see NodeDisks). */
  private void mountNodeTmpfs() throws Exception {
    mountPoint = Files.createTempDirectory("qkv-leftover-");
    Sh.run("mount", "-t", "tmpfs", "-o", "size=1m", PREFIX + "-n1", mountPoint.toString());
  }

  private boolean mounted() throws Exception {
    return Files.readString(Path.of("/proc/mounts")).contains(PREFIX + "-n1 " + mountPoint + " tmpfs");
  }

  private static boolean exists() {
    return Sh.tryRun("ip", "netns", "list").contains(PREFIX + "-n1");
  }

  @Test
  void aLiveRunsNamespacesSurviveTheCleanup() throws Exception {
    Files.writeString(OWNERS.resolve(PREFIX), Long.toString(ProcessHandle.current().pid()));
    mountNodeTmpfs();
    NamespaceClusterControl.removeLeftovers();
    assertTrue(exists(), "the namespace of a live run was deleted");
    assertTrue(mounted(), "the tmpfs of a live run's node was unmounted");
  }

  @Test
  void aDeadRunsNamespacesAreRemoved() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(OWNERS.resolve(PREFIX), Long.toString(gone.pid()));
    mountNodeTmpfs();
    NamespaceClusterControl.removeLeftovers();
    assertFalse(exists(), "a crashed run's namespace was left behind");
    assertFalse(mounted(), "a crashed run's node tmpfs was left mounted");
    assertFalse(Files.exists(OWNERS.resolve(PREFIX)), "its owner marker too");
  }

  @Test
  void anUnownedLeftoverIsRemoved() {
    NamespaceClusterControl.removeLeftovers();
    assertFalse(exists(), "a leftover without an owner marker was left behind");
  }
}
