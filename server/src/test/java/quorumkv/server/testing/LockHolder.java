package quorumkv.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another process holding a file's POSIX lock (RocksDB's {@code LOCK}, say), so that a node's attempt to
 * open that store fails as it would with a second process on the same data dir. {@link #hold} starts a
 * child JVM that takes the lock (retrying while its current holder lets go) and keeps it until
 * {@link #close}. A lock of this JVM's own would not do: POSIX locks never conflict within one process.
 */
public final class LockHolder implements AutoCloseable {
  private final Process process;

  private LockHolder(Process process) {
    this.process = process;
  }

  /** Returns once the child holds the lock on {@code file}; fails if it cannot within {@code seconds}. */
  public static LockHolder hold(Path file, int seconds) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), file.toString(),
        Integer.toString(seconds)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"locked".equals(line)) {
      p.destroyForcibly();
      throw new IOException("could not lock " + file + " from another process: " + line);
    }
    return new LockHolder(p);
  }

  /** The child: lock, say so, hold until stdin closes (or at most 5 minutes), exit. */
  public static void main(String[] args) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Integer.parseInt(args[1]));
    try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
      FileLock lock = null;
      while (lock == null && System.nanoTime() < deadline) {
        lock = channel.tryLock();
        if (lock == null) {
          Thread.sleep(20);
        }
      }
      System.out.println(lock == null ? "still locked by another process" : "locked");
      System.out.flush();
      if (lock != null) {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.in.read() >= 0 && System.nanoTime() < end) {
          // hold
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
