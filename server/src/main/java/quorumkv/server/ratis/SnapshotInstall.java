package quorumkv.server.ratis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Whether a snapshot from the leader is being installed: Ratis writes its chunks into the group's
 * {@code tmp/} dir and renames them into place at the end. While chunks arrive, a member's log and applied
 * index stand still, and that is progress, not a wedge.
 */
final class SnapshotInstall {
  private SnapshotInstall() {}

  /** True if a file under {@code <groupDir>/tmp} was written within {@code recent}. */
  static boolean underWay(Path groupDir, Duration recent) {
    long since = System.currentTimeMillis() - recent.toMillis();
    try (Stream<Path> files = Files.walk(groupDir.resolve("tmp"))) {
      return files.anyMatch(p -> p.toFile().lastModified() >= since);
    } catch (IOException | UncheckedIOException e) {
      return false; // no tmp dir (or it vanished while listed): nothing being installed
    }
  }
}
