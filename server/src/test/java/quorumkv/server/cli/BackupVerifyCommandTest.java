package quorumkv.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.store.RocksKvStore;
import quorumkv.raftlog.store.StoreOptions;
import quorumkv.server.backup.BackupWriter;

/**
 * {@code backup verify FILE}: a good file restores into a scratch node that recomputes the recorded content
 * hash (exit 0, revision and key count printed, scratch dir gone); a tampered or truncated file exits 1;
 * usage errors exit 2.
 */
class BackupVerifyCommandTest {
  @TempDir
  Path dir;
  private Path good;
  private Path scratch;

  @BeforeEach
  void backupOfFourKeys() throws Exception {
    good = dir.resolve("good.qkv");
    scratch = Files.createDirectories(dir.resolve("scratch"));
    try (RocksKvStore store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS)) {
      for (int i = 1; i <= 4; i++) {
        store.applyWrite(Request.Write.unsessioned(List.of(new Command.Put(Bytes.utf8("k" + i), Bytes.utf8("v" + i)))), 1, i);
      }
      store.applyWrite(Request.Write.unsessioned(List.of(new Command.Delete(Bytes.utf8("k4")))), 1, 5);
      BackupWriter.write(store, "drill", good);
    }
  }

  private Cli.Run verify(Path file, String... more) {
    String[] args = Stream.concat(Stream.of("backup", "verify", file.toString(), "--scratch-dir", scratch.toString(),
        "--timeout", "90"), Stream.of(more)).toArray(String[]::new);
    return Cli.run(args);
  }

  private void assertScratchEmpty() throws Exception {
    try (Stream<Path> s = Files.list(scratch)) {
      assertEquals(List.of(), s.toList(), "the scratch directory is deleted");
    }
  }

  @Test
  void aGoodBackupVerifiesThroughARestoredNode() throws Exception {
    Cli.Run run = verify(good);
    assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    assertTrue(run.out().contains("revision 5, 3 keys, cluster drill"), run.toString());
    assertScratchEmpty();
    Cli.Run json = verify(good, "--json");
    assertEquals(ExitCodes.OK, json.exitCode(), json.toString());
    assertTrue(json.out().contains("\"ok\":true") && json.out().contains("\"keys\":3"), json.toString());
  }

  @Test
  void aTamperedValueWithARecomputedSha256Fails() throws Exception {
    Path tampered = dir.resolve("tampered.qkv");
    byte[] bytes = Files.readAllBytes(good);
    int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("v2");
    bytes[at] = 'X';
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(bytes, 0, bytes.length - 32);
    System.arraycopy(sha.digest(), 0, bytes, bytes.length - 32, 32);
    Files.write(tampered, bytes);
    Cli.Run run = verify(tampered);
    assertEquals(ExitCodes.FAILED, run.exitCode(), run.toString());
    assertTrue(run.err().contains("content hash mismatch"), run.toString());
    assertScratchEmpty();
  }

  @Test
  void aTruncatedFileFails() throws Exception {
    byte[] bytes = Files.readAllBytes(good);
    for (int cut : new int[] {bytes.length - 1, bytes.length / 2, 3}) {
      Path truncated = dir.resolve("cut" + cut + ".qkv");
      Files.write(truncated, java.util.Arrays.copyOf(bytes, cut));
      Cli.Run run = verify(truncated);
      assertEquals(ExitCodes.FAILED, run.exitCode(), "cut at " + cut + ": " + run);
      assertTrue(run.err().contains("FAILED"), run.toString());
    }
    assertScratchEmpty();
  }

  /** Review of issue 15 (A4): a scratch directory without room for the restore is refused before anything is written. */
  @Test
  void aScratchDirectoryWithoutRoomIsRefusedUpFront() throws Exception {
    quorumkv.server.testing.Tmpfs.assumeRoot();
    try (quorumkv.server.testing.Tmpfs tmpfs = new quorumkv.server.testing.Tmpfs()) {
      Path small = tmpfs.mount(dir.resolve("small"), 8);
      Cli.Run run = Cli.run("backup", "verify", good.toString(), "--scratch-dir", small.toString());
      assertEquals(ExitCodes.FAILED, run.exitCode(), run.toString());
      assertTrue(run.err().contains("not run") && run.err().contains("needs 64 MiB"), run.toString());
      try (Stream<Path> s = Files.list(small)) {
        assertEquals(List.of(), s.toList(), "nothing written there");
      }
    }
  }

  @Test
  void usageErrorsExitTwo() {
    assertEquals(ExitCodes.USAGE, Cli.run("backup", "verify").exitCode(), "no file");
    assertEquals(ExitCodes.USAGE, Cli.run("backup", "verify", dir.resolve("absent.qkv").toString()).exitCode());
    Cli.Run zero = Cli.run("backup", "verify", good.toString(), "--timeout", "0");
    assertEquals(ExitCodes.USAGE, zero.exitCode());
    assertTrue(zero.err().contains("quorumkv: --timeout must be 1 or more seconds"), zero.toString());
    Cli.Run absent = Cli.run("backup", "verify", dir.resolve("absent.qkv").toString());
    assertTrue(absent.err().contains("quorumkv: " + dir.resolve("absent.qkv") + " is not a file"), absent.toString());
    assertEquals(ExitCodes.USAGE, Cli.run("backup", "verify", good.toString(), "--no-such-option").exitCode());
  }
}
