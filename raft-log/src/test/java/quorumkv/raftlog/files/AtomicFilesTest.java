package quorumkv.raftlog.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir
  Path dir;

  @Test
  void replacesTheContentAndLeavesNoTempFile() throws IOException {
    Path file = dir.resolve("IDENTITY");
    AtomicFiles.writeString(file, "old");
    AtomicFiles.writeString(file, "new, and longer than the old");
    assertEquals("new, and longer than the old", Files.readString(file));
    assertEquals(1, count(dir), "only the file itself");
  }

  /** Two writers of one file at once, each with its own temp file: neither disturbs the other, the last rename wins. */
  @Test
  void writersWithTempFilesOfTheirOwnDoNotDisturbEachOther() throws IOException {
    Path file = dir.resolve("backup.qkv");
    AtomicFiles.writeOwnerOnly(file, dir.resolve(".backup.qkv.a.part"), out -> {
      out.write("first writer, ".getBytes(StandardCharsets.UTF_8));
      // The second writer starts and finishes while the first is half-way.
      AtomicFiles.writeOwnerOnly(file, dir.resolve(".backup.qkv.b.part"),
          o -> o.write("second writer".getBytes(StandardCharsets.UTF_8)));
      assertEquals("second writer", Files.readString(file));
      out.write("whole".getBytes(StandardCharsets.UTF_8));
    });
    assertEquals("first writer, whole", Files.readString(file), "the last rename wins with a whole file");
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(1, count(dir), "no temp file left");
    assertThrows(IllegalArgumentException.class, () -> AtomicFiles.writeOwnerOnly(file,
        Files.createDirectories(dir.resolve("elsewhere")).resolve("t.part"), o -> o.write(1)));
  }

  @Test
  void aWriteThatFailsHalfwayLeavesTheOldFileWholeAndNoTempFile() throws IOException {
    Path file = dir.resolve("REJOIN");
    AtomicFiles.writeString(file, "the old marker\n");
    IOException failure = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
      out.write("half of the new".getBytes(StandardCharsets.UTF_8));
      throw new IOException("No space left on device");
    }));
    assertEquals("No space left on device", failure.getMessage());
    assertEquals("the old marker\n", Files.readString(file));
    assertFalse(Files.exists(dir.resolve("REJOIN" + AtomicFiles.TEMP_SUFFIX)), "temp file removed");
  }

  @Test
  void aTempFileLeftByACrashIsOverwritten() throws IOException {
    Path file = dir.resolve("IDENTITY");
    Files.writeString(dir.resolve("IDENTITY" + AtomicFiles.TEMP_SUFFIX), "a much longer leftover of a crashed write");
    AtomicFiles.writeString(file, "short");
    assertEquals("short", Files.readString(file));
    assertEquals(1, count(dir));
  }

  @Test
  void movesADirectoryAndDeletesAFile() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tmp.1_5/sub"));
    Files.writeString(tree.resolve("CURRENT"), "x");
    AtomicFiles.fsyncTree(dir.resolve("tmp.1_5"));
    AtomicFiles.move(dir.resolve("tmp.1_5"), dir.resolve("snapshot.1_5"));
    assertEquals("x", Files.readString(dir.resolve("snapshot.1_5/sub/CURRENT")));
    AtomicFiles.delete(dir.resolve("snapshot.1_5/sub/CURRENT"));
    AtomicFiles.delete(dir.resolve("absent")); // no-op
    assertTrue(Files.isDirectory(dir.resolve("snapshot.1_5/sub")));
    assertFalse(Files.exists(dir.resolve("snapshot.1_5/sub/CURRENT")));
  }

  private static long count(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }
}
