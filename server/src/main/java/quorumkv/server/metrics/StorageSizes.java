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

  public Sizes measure() {
    var store = node.stateMachine().store();
    long sst = store == null ? -1 : store.approximateSizeBytes();
    return new Sizes(sst, directorySize(node.config().raftDir()));
  }

  static long directorySize(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
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
