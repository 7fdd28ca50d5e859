package quorumkv.raftlog.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.apache.ratis.util.FileUtils;
import quorumkv.raftlog.files.AtomicFiles;

/** Replacing the live database with a checkpoint, crash-safely. */
public final class Checkpoints {
  private Checkpoints() {}

  /**
   * Replaces {@code target} with a copy of the checkpoint in {@code source} (skipping Ratis's .md5
   * files). The copy is built beside the target and renamed into place, so a crash leaves either the old
   * database or the complete new one; a restart then compares applied indexes and redoes the copy if
   * needed. Files are copied, not hard-linked, because the live database must not share files with a
   * snapshot that Ratis may delete or send.
   */
  public static void replaceDirectory(Path target, Path source) throws IOException {
    Path staging = target.resolveSibling(target.getFileName() + ".restoring");
    if (Files.exists(staging)) {
      FileUtils.deleteFully(staging);
    }
    Files.createDirectories(staging);
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f) && !f.getFileName().toString().endsWith(".md5")) {
          Files.copy(f, staging.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    AtomicFiles.fsyncTree(staging); // copies are not durable by themselves
    Path old = target.resolveSibling(target.getFileName() + ".old");
    if (Files.exists(old)) {
      FileUtils.deleteFully(old);
    }
    if (Files.exists(target)) {
      AtomicFiles.move(target, old);
    }
    AtomicFiles.move(staging, target);
    if (Files.exists(old)) {
      FileUtils.deleteFully(old);
    }
  }
}
