package quorumkv.server.ratis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.store.RocksKvStore;
import quorumkv.server.config.ConfigLoader;
import quorumkv.server.config.ServerConfig;

/** The start-up check for lost log entries: what counts as lost, and the false alarm CI found. */
class LostEntriesTest {
  @TempDir
  Path dir;

  @Test
  void appliedBeyondTheLogAndTheSnapshotIsLost() {
    assertTrue(LostEntries.lost(40, 38, -1));
    assertTrue(LostEntries.lost(40, -1, 30));
    assertFalse(LostEntries.lost(40, 40, -1));
    assertFalse(LostEntries.lost(40, -1, 40));
    assertFalse(LostEntries.lost(40, 41, 12));
  }

  @Test
  void nothingAppliedIsNeverLost() {
    assertFalse(LostEntries.lost(0, -1, -1));
  }

  /**
   * A node stopped right after the cluster's first election, before its first entry reached its disk:
   * raft-meta only, no log segment, a store that applied nothing. It lost nothing; treating it as damaged
   * moved its state aside and left a 2-node cluster without a leader (ThreeNodeClusterIT on CI).
   */
  @Test
  void aNodeStoppedBeforeItsFirstEntryIsNotMovedAside() throws Exception {
    ServerConfig config = ConfigLoader.load(List.of("--node.id=n1", "--raft.peers=n1=127.0.0.1:9871,n2=127.0.0.1:9872",
        "--storage.data-dir=" + dir), Map.of());
    Path groupDir = config.dataDir().resolve("raft").resolve("8b4f7c2b-eba1-32a2-90f9-8ee459334f9a");
    Files.createDirectories(groupDir.resolve("current"));
    Files.createDirectories(groupDir.resolve("sm"));
    Files.writeString(groupDir.resolve("current").resolve("raft-meta"), "#\nterm=1\nvotedFor=n2\n");
    try (RocksKvStore store = RocksKvStore.open(config.dbDir(), config.store())) {
      // a store that was opened and applied nothing
    }

    assertNull(LostEntries.checkAtStart(config, groupDir, LogCheck.verify(groupDir, "n1")));
    assertFalse(Files.exists(dir.resolve(LostEntries.MARKER)));
    assertTrue(Files.isDirectory(config.dbDir()));
  }
}
