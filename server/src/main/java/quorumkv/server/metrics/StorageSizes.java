package quorumkv.server.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import quorumkv.server.ratis.KvNode;

/** Measures what a node keeps on disk, at scrape time. */
public final class StorageSizes {
  /** Bytes of RocksDB's live SST files and of the Raft directory (log segments and snapshots). */
  public record Sizes(long rocksdbSst, long raftDir) {}

  private final KvNode node;

  public StorageSizes(KvNode node) {
    this.node = node;
  }

  /**
   * Sizes from the file system, never through the store: a follower installing a snapshot closes its
   * RocksDB, and a native call on a closed database can crash the JVM.
   */
  public Sizes measure() {
    return new Sizes(directorySize(node.config().dbDir(), ".sst"), directorySize(node.config().raftDir(), ""));
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
