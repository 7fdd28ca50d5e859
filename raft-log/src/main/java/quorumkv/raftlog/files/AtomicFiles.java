package quorumkv.raftlog.files;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every file QuorumKV writes itself goes through here: write a temp file beside the target, fsync it,
 * rename it over the target, fsync the directory. A crash at any point leaves the old file or the new one
 * whole: the rename is atomic, the fsync before it keeps a renamed file from being empty after a power
 * loss (the rename can reach the disk before the data), and the directory fsync makes the rename itself
 * durable. A failed write (ENOSPC) deletes its temp file and leaves the target as it was, unlike a
 * stream that renames on close whatever it managed to write (how Ratis once emptied raft-meta).
 */
public final class AtomicFiles {
  /** Suffix of the temp file beside the target; a leftover from a crash is overwritten by the next write. */
  public static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /** What writes a file's content; it may wrap, flush and close the stream (the file stays open until fsynced). */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Replaces {@code file} with {@code text} (UTF-8), atomically and durably. */
  public static void writeString(Path file, String text) throws IOException {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces {@code file} with {@code bytes}, atomically and durably. */
  public static void write(Path file, byte[] bytes) throws IOException {
    write(file, out -> out.write(bytes));
  }

  /** Replaces {@code file} with what {@code content} writes, atomically and durably. */
  public static void write(Path file, Content content) throws IOException {
    write(file, content, false);
  }

  /**
   * Replaces {@code file} with {@code bytes}, atomically and durably, readable and writable by its owner
   * only (0600) from its first byte on: for private keys and other secrets.
   */
  public static void writeOwnerOnly(Path file, byte[] bytes) throws IOException {
    write(file, out -> out.write(bytes), true);
  }

  /**
   * Replaces {@code file} with what {@code content} writes, atomically and durably, readable and writable by
   * its owner only (0600) from its first byte on, through {@code temp}: a name of this writer's own in the
   * same directory. Two writers of the same file at once (the fixed temp name would have one delete the
   * other's temp file) each write their own, and the last rename wins with a whole file.
   */
  public static void writeOwnerOnly(Path file, Path temp, Content content) throws IOException {
    if (!parentOf(temp).equals(parentOf(file))) {
      throw new IllegalArgumentException("the temp file " + temp + " is not beside " + file + " (the rename must be atomic)");
    }
    write(file, temp, content, true);
  }

  private static void write(Path file, Content content, boolean ownerOnly) throws IOException {
    write(file, file.resolveSibling(file.getFileName() + TEMP_SUFFIX), content, ownerOnly);
  }

  private static void write(Path file, Path temp, Content content, boolean ownerOnly) throws IOException {
    boolean done = false;
    try {
      Files.deleteIfExists(temp); // a leftover could carry wider permissions than asked for
      FileAttribute<?>[] attributes = ownerOnly
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
          : new FileAttribute<?>[0];
      try (FileChannel ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          attributes)) {
        // Unbuffered, so a failed write throws inside writeTo; closing it (content may) leaves the channel open.
        OutputStream out = new FilterOutputStream(Channels.newOutputStream(ch)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            this.out.write(b, off, len);
          }

          @Override
          public void close() {
          }
        };
        content.writeTo(out);
        ch.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(temp);
      }
    }
    fsyncDirectory(parentOf(file));
  }

  /**
   * Fsyncs {@code written}, a whole file written by other means (a download), and renames it over
   * {@code target}, atomically and durably.
   */
  public static void publish(Path written, Path target) throws IOException {
    try (FileChannel ch = FileChannel.open(written, StandardOpenOption.READ)) {
      ch.force(true);
    }
    move(written, target);
  }

  /**
   * Renames {@code source} (a file or a directory whose content is already durable) to {@code target}
   * atomically, and fsyncs both parent directories.
   */
  public static void move(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory(parentOf(target));
    if (!parentOf(source).equals(parentOf(target))) {
      fsyncDirectory(parentOf(source));
    }
  }

  /** Deletes {@code file} if present and fsyncs its directory, so that the deletion survives a crash. */
  public static void delete(Path file) throws IOException {
    if (Files.deleteIfExists(file)) {
      fsyncDirectory(parentOf(file));
    }
  }

  /**
   * Fsyncs every regular file under {@code dir} and every directory, {@code dir} included: for a tree
   * written by plain copies, before it is renamed into place.
   */
  public static void fsyncTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isRegularFile(p)) {
          try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
          }
        }
      }
    }
    try (Stream<Path> dirs = Files.walk(dir)) {
      for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        fsyncDirectory(d);
      }
    }
  }

  /** Makes the entries of {@code dir} (created, renamed, deleted files) durable. Linux allows a read-only open. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static Path parentOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IllegalArgumentException("no parent directory: " + file);
    }
    return parent;
  }
}
