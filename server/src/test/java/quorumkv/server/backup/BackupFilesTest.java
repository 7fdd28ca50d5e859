package quorumkv.server.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names by slot, retention that deletes only this cluster incarnation's old backups, and writes that are atomic. */
class BackupFilesTest {
  @TempDir
  Path dir;

  private static final long INTERVAL = 60_000;
  private static final long INCARNATION = 0x0123_4567_89ab_cdefL;

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aSlotHasOneNameSoARetryReplacesItsFile() throws IOException {
    BackupFiles files = new BackupFiles(dir, "prod", INCARNATION);
    Path file = files.fileOf(29_000_000 * INTERVAL);
    assertEquals("qkvbackup-prod-20250219T212000.000Z-0123456789abcdef.qkv", file.getFileName().toString());
    assertEquals(file, files.fileOf(29_000_000 * INTERVAL), "the same slot, the same name");
    BackupFiles.writeAtomically(file, out -> out.write("first".getBytes(StandardCharsets.UTF_8)));
    BackupFiles.writeAtomically(file, out -> out.write("retry".getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of(file), files.list(), "a retry of the slot replaced the file");
    assertEquals("retry", Files.readString(file));
    assertEquals(29_000_000 * INTERVAL, files.slotStartOf(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
        "a backup holds every key and grant: owner only");
  }

  @Test
  void clusterIdsBecomeSafeFileNames() {
    assertEquals("a.b_c-1", BackupFiles.fileSafe("a.b_c-1"));
    assertEquals("a%2Fb%20c", BackupFiles.fileSafe("a/b c"));
    assertEquals("%2E.", BackupFiles.fileSafe(".."));
    assertTrue(new BackupFiles(dir, "../x", INCARNATION).fileOf(0).getParent().equals(dir), "never outside the directory");
  }

  @Test
  void aCrashMidWriteLeavesNoFileUnderTheFinalName() throws IOException {
    BackupFiles files = new BackupFiles(dir, "c1", INCARNATION);
    Path file = files.fileOf(5 * INTERVAL);
    IOException crash = assertThrows(IOException.class, () -> BackupFiles.writeAtomically(file, out -> {
      out.write(new byte[4096]);
      throw new IOException("disk gone mid-write");
    }));
    assertEquals("disk gone mid-write", crash.getMessage());
    assertEquals(List.of(), names(dir), "neither the final file nor the temp file");

    BackupFiles.writeAtomically(file, out -> out.write("whole".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IOException.class, () -> BackupFiles.writeAtomically(file, out -> {
      out.write("half".getBytes(StandardCharsets.UTF_8));
      throw new IOException("crash");
    }));
    assertEquals("whole", Files.readString(file), "a failed retry leaves the earlier whole file as it was");
  }

  @Test
  void aTempFileLeftByAKilledWriterIsNoBackupAndIsCleanedOnceStale() throws IOException {
    BackupFiles files = new BackupFiles(dir, "c1", INCARNATION);
    Path file = files.fileOf(7 * INTERVAL);
    // What a writer killed (kill -9, power loss) between create and rename leaves behind.
    Path leftover = dir.resolve("." + file.getFileName() + ".0f8fad5b-d9cb-469f-a165-70867728950e.part");
    Files.writeString(leftover, "half a backup");
    assertEquals(List.of(), files.list(), "a temp file never counts as a backup");
    assertEquals(List.of(), files.prune(3, 60_000, null), "a fresh temp file may belong to a writer still at work");
    assertTrue(Files.exists(leftover));
    Files.setLastModifiedTime(leftover, FileTime.fromMillis(System.currentTimeMillis() - 120_000));
    assertEquals(List.of(leftover), files.prune(3, 60_000, null));
    assertFalse(Files.exists(leftover));
  }

  @Test
  void retentionKeepsTheNewestNAndDeletesOnlyThisClustersBackupsOldestFirst() throws IOException {
    BackupFiles files = new BackupFiles(dir, "c1", INCARNATION);
    for (long slot = 1; slot <= 5; slot++) {
      BackupFiles.writeAtomically(files.fileOf(slot * INTERVAL), out -> out.write(1));
    }
    Path otherCluster = new BackupFiles(dir, "c2", INCARNATION).fileOf(INTERVAL);
    Files.writeString(otherCluster, "c2's");
    Path prefixCluster = new BackupFiles(dir, "c1-old", INCARNATION).fileOf(INTERVAL);
    Files.writeString(prefixCluster, "a cluster whose id starts like ours");
    Path operatorCopy = dir.resolve(files.fileOf(INTERVAL).getFileName() + ".copy");
    Files.writeString(operatorCopy, "an operator's copy");
    Files.writeString(dir.resolve("notes.txt"), "unrelated");

    List<Path> deleted = files.prune(2, 60_000, null);
    assertEquals(List.of(files.fileOf(INTERVAL), files.fileOf(2 * INTERVAL), files.fileOf(3 * INTERVAL)), deleted,
        "oldest first");
    assertEquals(List.of(files.fileOf(4 * INTERVAL), files.fileOf(5 * INTERVAL)), files.list());
    for (Path kept : List.of(otherCluster, prefixCluster, operatorCopy, dir.resolve("notes.txt"))) {
      assertTrue(Files.exists(kept), "not ours to delete: " + kept.getFileName());
    }
    assertEquals(List.of(), files.prune(2, 60_000, null), "nothing more to delete");
    assertThrows(IllegalArgumentException.class, () -> files.prune(0, 60_000, null));
  }

  /** Review of issue 15: with keep=1 a new backup that then failed its verification pushed the last good one out. */
  @Test
  void retentionNeverDeletesTheNewestVerifiedBackup() throws IOException {
    BackupFiles files = new BackupFiles(dir, "c1", INCARNATION);
    for (long slot = 1; slot <= 4; slot++) {
      BackupFiles.writeAtomically(files.fileOf(slot * INTERVAL), out -> out.write(1));
    }
    Path good = files.fileOf(2 * INTERVAL);   // slots 3 and 4 failed their verification
    assertEquals(List.of(files.fileOf(INTERVAL), files.fileOf(3 * INTERVAL)), files.prune(1, 60_000, good));
    assertEquals(List.of(good, files.fileOf(4 * INTERVAL)), files.list(), "the good one stays beside the newest");
  }

  /**
   * Review of issue 15 (A6): a cluster with the same id (restored from a backup, or made again) writing into the
   * same directory named its files like the older incarnation's, so its backup of a slot replaced the other's
   * file, and its retention deleted the other's backups. Each incarnation now has names of its own.
   */
  @Test
  void anotherIncarnationOfTheClusterNeitherReplacesNorDeletesTheOthersFiles() throws IOException {
    BackupFiles older = new BackupFiles(dir, "c1", 0x1111L);
    BackupFiles restored = new BackupFiles(dir, "c1", -0x2222L);
    assertEquals("qkvbackup-c1-19700101T000100.000Z-ffffffffffffddde.qkv", restored.fileOf(INTERVAL).getFileName().toString());
    for (long slot = 1; slot <= 3; slot++) {
      long s = slot;
      BackupFiles.writeAtomically(older.fileOf(slot * INTERVAL), out -> out.write(("older " + s).getBytes(StandardCharsets.UTF_8)));
    }
    Path legacy = dir.resolve("qkvbackup-c1-19700101T000100.000Z.qkv"); // named before incarnations
    Files.writeString(legacy, "legacy");
    for (long slot = 3; slot <= 5; slot++) {
      BackupFiles.writeAtomically(restored.fileOf(slot * INTERVAL), out -> out.write("restored".getBytes(StandardCharsets.UTF_8)));
    }
    assertEquals("older 3", Files.readString(older.fileOf(3 * INTERVAL)), "the same slot is not replaced");
    assertEquals(3, older.list().size());
    assertEquals(List.of(restored.fileOf(3 * INTERVAL), restored.fileOf(4 * INTERVAL)), restored.prune(1, 60_000, null));
    assertEquals(List.of(older.fileOf(INTERVAL), older.fileOf(2 * INTERVAL), older.fileOf(3 * INTERVAL)), older.list(),
        "retention deletes none of the other incarnation's");
    assertTrue(Files.exists(legacy));
    assertEquals(-1, restored.slotStartOf(older.fileOf(INTERVAL)));
  }
}
