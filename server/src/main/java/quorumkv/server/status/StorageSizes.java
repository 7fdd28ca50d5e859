package quorumkv.server.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a node keeps on disk: bytes of RocksDB's live SST files and of the Raft directory (log segments
 * and snapshots); -1 for a part that could not be measured.
 */
public record StorageSizes(long rocksdbSst, long raftDir) {

  /**
   * Sizes from the file system, never through the store: a follower installing a snapshot closes its
   * RocksDB, and a native call on a closed database can crash the JVM.
   */
  public static StorageSizes measure(Path dbDir, Path raftDir) {
    return new StorageSizes(directorySize(dbDir, ".sst"), directorySize(raftDir, ""));
  }

  static long directorySize(Path dir, String suffix) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(suffix)).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // a log segment or snapshot removed while walking
        }
      }).sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }
}
