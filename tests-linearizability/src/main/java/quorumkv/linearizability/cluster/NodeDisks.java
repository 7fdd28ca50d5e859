package quorumkv.linearizability.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each node's data dir of a namespace cluster on its own small tmpfs, so that a test can fill one node's
 * disk and give the space back ({@code DISK_FULL}). The tmpfs's source is named after the run's prefix
 * ({@code qkv1a2b-n1}, as its namespaces), so the mounts of a crashed run are found in {@code /proc/mounts}
 * and unmounted by {@link NamespaceOwners#removeLeftovers} once their owner is gone, never while it runs.
 * The nodes run with an explicit free-space floor ({@link #FLOOR_BYTES}; the automatic one is larger than
 * the tmpfs) and a short disk-check interval.
 */
final class NodeDisks {
  static final int TMPFS_MB = 256;
  static final long MIB = 1024 * 1024;
  /** The nodes' {@code quorumkv.storage.free-space-floor}. */
  static final long FLOOR_BYTES = 32 * MIB;
  private static final String FILLER = "filler";
  private static final Pattern LEFTOVER = Pattern.compile("^(qkv[0-9a-f]{4})-n\\d+ (\\S+) tmpfs ");

  private final String prefix;
  private final Path dir;
  private final IntFunction<String> ids;
  private final List<Path> mounted = new ArrayList<>();

  NodeDisks(String prefix, Path dir, IntFunction<String> ids) {
    this.prefix = prefix;
    this.dir = dir;
    this.ids = ids;
  }

  /** Node {@code i}'s data dir (the mount point). */
  Path dataDir(int i) {
    return dir.resolve(ids.apply(i));
  }

  /** The settings every node of the cluster runs with. */
  static List<String> nodeFlags() {
    return List.of("--storage.free-space-floor=" + FLOOR_BYTES / MIB + "MB", "--storage.check-interval=300ms");
  }

  /** Mounts a fresh tmpfs on node {@code i}'s data dir (call after the prefix is claimed). */
  void mount(int i) throws IOException {
    Path at = dataDir(i);
    Files.createDirectories(at);
    Sh.run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_MB + "m", prefix + "-" + ids.apply(i), at.toString());
    mounted.add(at);
  }

  /** Grows a filler file on node {@code i}'s tmpfs until only half the floor is free; returns the bytes written. */
  long fill(int i) throws IOException {
    Path at = dataDir(i);
    long toWrite = Files.getFileStore(at).getUsableSpace() - FLOOR_BYTES / 2;
    long written = 0;
    ByteBuffer chunk = ByteBuffer.allocate(1024 * 1024);
    try (FileChannel out = FileChannel.open(at.resolve(FILLER), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      while (written < toWrite) {
        chunk.clear().limit((int) Math.min(chunk.capacity(), toWrite - written));
        written += out.write(chunk);
      }
    }
    return written;
  }

  /** Gives node {@code i}'s space back. */
  void empty(int i) throws IOException {
    Files.deleteIfExists(dataDir(i).resolve(FILLER));
  }

  /** Gives every node's space back (best effort: a heal of everything). */
  void emptyAll() {
    for (Path at : mounted) {
      try {
        Files.deleteIfExists(at.resolve(FILLER));
      } catch (IOException e) {
        // the unmount at close frees it anyway
      }
    }
  }

  /** Unmounts every tmpfs of this cluster (lazily: a node that has not exited yet does not keep it). */
  void unmountAll() {
    for (Path at : mounted) {
      Sh.tryRun("umount", "-l", at.toString());
    }
    mounted.clear();
  }

  /** Unmounts the qkv tmpfs mounts whose run is gone; returns their prefixes. */
  static List<String> removeLeftovers() {
    List<String> dead = new ArrayList<>();
    String mounts;
    try {
      mounts = Files.readString(Path.of("/proc/mounts"));
    } catch (IOException e) {
      return dead;
    }
    for (String line : mounts.split("\n")) {
      Matcher m = LEFTOVER.matcher(line);
      if (m.find() && !NamespaceOwners.ownerAlive(m.group(1))) {
        Sh.tryRun("umount", "-l", m.group(2));
        dead.add(m.group(1));
      }
    }
    return dead;
  }
}
