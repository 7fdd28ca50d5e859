package quorumkv.server.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirGuardTest {
  @TempDir
  Path dir;

  private ServerConfig config(String node, String cluster) {
    return ConfigLoader.fromMap(Map.of(ConfigKeys.NODE_ID, node, ConfigKeys.CLUSTER_ID, cluster,
        ConfigKeys.PEERS, "n1=127.0.0.1:1,n2=127.0.0.1:2", ConfigKeys.DATA_DIR, dir.resolve("d").toString()));
  }

  @Test
  void aDataDirBelongsToOneNodeOfOneCluster() {
    DataDirGuard.claim(config("n1", "east"));
    DataDirGuard.claim(config("n1", "east")); // the owner may come back
    var otherNode = assertThrows(ConfigException.class, () -> DataDirGuard.claim(config("n2", "east")));
    assertTrue(otherNode.getMessage().contains("belongs to node 'n1'"), otherNode.getMessage());
    var otherCluster = assertThrows(ConfigException.class, () -> DataDirGuard.claim(config("n1", "west")));
    assertTrue(otherCluster.getMessage().contains("belongs to cluster 'east'"), otherCluster.getMessage());
  }

  @Test
  void aForeignNonEmptyDirectoryIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("d"));
    Files.writeString(dir.resolve("d/something"), "x");
    var e = assertThrows(ConfigException.class, () -> DataDirGuard.claim(config("n1", "east")));
    assertTrue(e.getMessage().contains("not a QuorumKV data dir"), e.getMessage());
  }

  @Test
  void aCorruptIdentityIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("d"));
    Files.writeString(dir.resolve("d/IDENTITY"), "garbage\u0000");
    var e = assertThrows(ConfigException.class, () -> DataDirGuard.claim(config("n1", "east")));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
  }
}
