package quorumkv.raftlog.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;

/**
 * A store's RocksDB memory stays within {@link StoreMemory}'s bounds however much is written (issue 16: a
 * node's RSS under the benchmark within 512 MiB). With RocksDB's defaults each column family kept up to two
 * 64 MB memtables: the values written here (into the kv and history families) peaked near 128 MB.
 */
class StoreMemoryTest {
  @TempDir
  Path dir;

  @Test
  void memtablesAndCacheStayWithinTheirBudgetUnderAStreamOfLargeWrites() throws Exception {
    byte[] value = new byte[256 << 10];
    Arrays.fill(value, (byte) 'v');
    long maxMemtables = 0;
    long maxCache = 0;
    UUID session = new UUID(7, 7);
    try (RocksKvStore store = RocksKvStore.open(dir.resolve("db"), StoreOptions.DEFAULTS)) {
      for (int i = 1; i <= 400; i++) {   // 100 MB of values, each also in the history
        store.applyWrite(new Request.Write(session, i, i,
            List.of(new Command.Put(Bytes.utf8("key-" + i), Bytes.wrap(value)))), 1, i);
        if (i % 10 == 0) {
          maxMemtables = Math.max(maxMemtables, store.db().getAggregatedLongProperty("rocksdb.size-all-mem-tables"));
          maxCache = Math.max(maxCache, store.db().getLongProperty("rocksdb.block-cache-usage"));
        }
      }
      // Reads go through the block cache; it stays bounded while the whole data set is read.
      for (int i = 1; i <= 400; i++) {
        store.read(new Request.Read(List.of(new Command.Get(Bytes.utf8("key-" + i)))));
      }
      maxCache = Math.max(maxCache, store.db().getLongProperty("rocksdb.block-cache-usage"));
    }
    // Two memtables of the two busy families at most, before RocksDB stalls the writer for its flush.
    assertTrue(maxMemtables <= StoreMemory.MEMTABLE_BUDGET_BYTES + (16L << 20),
        "memtables peaked at " + (maxMemtables >> 20) + " MB");
    assertTrue(maxMemtables > 0, "the property was read");
    // The cache's limit is not strict (an insert beyond it evicts instead of failing): one block's slack.
    assertTrue(maxCache <= StoreMemory.BLOCK_CACHE_BYTES + (1L << 20), "block cache peaked at " + (maxCache >> 20) + " MB");
  }
}
