package quorumkv.server.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import quorumkv.raftlog.store.StoreTransfer;
import quorumkv.server.config.ConfigException;
import quorumkv.server.config.DataDirGuard;
import quorumkv.server.config.ServerConfig;

/**
 * Seeds one node's data directory of a new cluster from a backup file (run once per node, with each
 * node's own settings, before the nodes first start; etcd's {@code etcdutl snapshot restore} works the
 * same way). Every node gets identical state: the backup's keys with their revisions, and a revision
 * offset equal to the backup's revision, so the new cluster's writes get revisions above it. The new
 * cluster starts with an empty Raft log and no client sessions, and with the backup's users and roles.
 */
public final class Restore {
  private Restore() {}

  /** What was restored. */
  public record Result(BackupFormat.Header header, long entries, Path dataDir) {}

  public static Result into(Path backup, ServerConfig config) throws IOException {
    BackupReader.Verified verified = BackupReader.verify(backup);
    Path dir = config.dataDir();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw new ConfigException("data dir " + dir + " is not empty: restore only into a new node's empty data dir");
        }
      }
    }
    DataDirGuard.claim(config);
    try (BackupReader reader = BackupReader.open(backup)) {
      StoreTransfer.seed(config.dbDir(), config.store(), reader.header().revision(), reader.auth(), reader.entries());
    } catch (BackupReader.BackupCorruptException e) {
      throw new IOException(e.getMessage(), e);
    }
    return new Result(verified.header(), verified.entries(), dir);
  }
}
