package quorumkv.server.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Small tmpfs mounts that make a full disk on demand: one per node data dir, filled and emptied with a
 * filler file. Needs root (mount); elsewhere the test is skipped with the reason, except under CI=true,
 * where it fails (CI runs as root, so a skip there would hide a broken test).
 */
public final class Tmpfs implements AutoCloseable {
  private final List<Path> mounts = new ArrayList<>();

  /** Skips (or, under CI=true, fails) the calling test unless this process may mount file systems. */
  public static void assumeRoot() {
    boolean root = "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/bin/mount"));
    if (!root && "true".equals(System.getenv("CI"))) {
      fail("CI=true: disk-full tests need root to mount a tmpfs");
    }
    assumeTrue(root, "disk-full tests need root to mount a small tmpfs; run as root (CI does)");
  }

  /** Mounts a tmpfs of {@code megabytes} on {@code dir} (created if missing). */
  public Path mount(Path dir, int megabytes) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString());
    mounts.add(dir);
    return dir;
  }

  /** Mounts a tmpfs of {@code megabytes} on each node data dir {@code baseDir}/n1..n{@code nodes}. */
  public void mountNodeDirs(Path baseDir, int nodes, int megabytes) throws IOException, InterruptedException {
    for (int i = 1; i <= nodes; i++) {
      mount(baseDir.resolve("n" + i), megabytes);
    }
  }

  /** Usable bytes on the file system of {@code dir}. */
  public static long free(Path dir) throws IOException {
    return Files.getFileStore(dir).getUsableSpace();
  }

  /**
   * Grows the filler file in {@code dir} until at most {@code leaveBytes} are free (0: until the disk
   * refuses another byte). Returns the filler.
   */
  public static Path fill(Path dir, long leaveBytes) throws IOException {
    Path filler = dir.resolve("filler");
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      long toWrite = free(dir) - leaveBytes;
      while (toWrite > 0) {
        int n = (int) Math.min(chunk.length, toWrite);
        out.write(chunk, 0, n);
        toWrite -= n;
      }
      if (leaveBytes == 0) {
        while (true) {
          out.write(chunk, 0, 4096);
          out.flush();
        }
      }
    } catch (IOException e) {
      // The node may write meanwhile and fill the rest first: at most leaveBytes are free either way.
      if (!String.valueOf(e.getMessage()).contains("No space")) {
        throw e;
      }
    }
    return filler;
  }

  /** Gives back the space the filler took. */
  public static void empty(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve("filler"));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (Path dir : mounts) {
      run("umount", "-l", dir.toString());
    }
    mounts.clear();
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
  }
}
