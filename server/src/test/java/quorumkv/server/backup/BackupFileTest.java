package quorumkv.server.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.store.RocksKvStore;
import quorumkv.raftlog.store.StoreOptions;

/** The backup file round-trips a store, and any damage to it is detected before a restore. */
class BackupFileTest {
  @TempDir
  Path dir;

  private Path backupOfThreeKeys() throws IOException {
    Path file = dir.resolve("b.qkv");
    try (RocksKvStore store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS)) {
      for (int i = 1; i <= 3; i++) {
        store.applyWrite(Request.Write.unsessioned(List.of(new Command.Put(Bytes.utf8("k" + i), Bytes.utf8("v" + i)))), 1, i);
      }
      BackupFormat.Header h = BackupWriter.write(store, "c1", file);
      assertEquals(3, h.revision());
    }
    return file;
  }

  @Test
  void roundTripsHeaderAndEntries() throws IOException {
    BackupReader.Verified v = BackupReader.verify(backupOfThreeKeys());
    assertEquals(3, v.entries());
    assertEquals("c1", v.header().clusterId());
    assertEquals(3, v.header().appliedIndex());
  }

  @Test
  void detectsTruncationAndBitFlips() throws IOException {
    Path file = backupOfThreeKeys();
    byte[] bytes = Files.readAllBytes(file);
    for (int cut : new int[] {0, 5, bytes.length / 2, bytes.length - 1}) {
      Path truncated = dir.resolve("t" + cut);
      Files.write(truncated, java.util.Arrays.copyOf(bytes, cut));
      assertThrows(IOException.class, () -> BackupReader.verify(truncated), "cut at " + cut);
    }
    for (int at = 10; at < bytes.length; at += 7) {
      byte[] flipped = bytes.clone();
      flipped[at] ^= 0x10;
      Path damaged = dir.resolve("f" + at);
      Files.write(damaged, flipped);
      assertThrows(Exception.class, () -> BackupReader.verify(damaged), "flip at " + at);
    }
  }
}
