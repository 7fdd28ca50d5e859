package quorumkv.raftlog.store;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.WriteBufferManager;

/**
 * The RocksDB options of one store and the memory they may take (issue 16: a node's RSS under the
 * benchmark stays within 512 MiB). RocksDB's defaults give every column family its own memtables of
 * 64 MB, two of them, so our seven families could hold about 900 MB of memtables before a flush, and
 * its block cache is unbounded in the sense that index and filter blocks live outside it.
 *
 * <p>Here every family shares one {@link WriteBufferManager}: when the memtables of all families together
 * reach {@link #MEMTABLE_BUDGET_BYTES} the largest is flushed. Data, index and filter blocks share one LRU
 * block cache of {@link #BLOCK_CACHE_BYTES}, and the memtables are charged to it, so the two together stay
 * near {@code BLOCK_CACHE_BYTES} (the cache may overshoot briefly: its limit is not strict, because a
 * strict one fails reads and writes instead of evicting). The data set that the cache cannot hold is read
 * from the page cache, which the kernel gives back under pressure.
 */
final class StoreMemory implements AutoCloseable {
  /** Block cache, and the bound of memtables and cached blocks together. */
  static final long BLOCK_CACHE_BYTES = 64L << 20;
  /** All column families' memtables together. */
  static final long MEMTABLE_BUDGET_BYTES = 32L << 20;
  /** One memtable; small enough that the WAL file RocksDB sizes from it stays small too. */
  static final long WRITE_BUFFER_BYTES = 8L << 20;

  private final LRUCache cache = new LRUCache(BLOCK_CACHE_BYTES);
  private final WriteBufferManager writeBuffers = new WriteBufferManager(MEMTABLE_BUDGET_BYTES, cache);
  final DBOptions dbOptions;
  final ColumnFamilyOptions cfOptions;

  StoreMemory() {
    // No fallocate: RocksDB would reserve its WAL file's size (write buffer x 1.1) up front, space a full
    // disk cannot give and that closing the store hands back, which made free space jump around the floor
    // (DiskFullIT). Its WAL is not synced (the Raft log is the durable record), so this costs nothing.
    this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
        .setAllowFAllocate(false).setWriteBufferManager(writeBuffers);
    this.cfOptions = new ColumnFamilyOptions()
        .setWriteBufferSize(WRITE_BUFFER_BYTES)
        .setMaxWriteBufferNumber(2)
        .setTableFormatConfig(new BlockBasedTableConfig()
            .setBlockCache(cache)
            .setCacheIndexAndFilterBlocks(true)
            .setPinL0FilterAndIndexBlocksInCache(true));
  }

  /** After the database is closed. */
  @Override
  public void close() {
    cfOptions.close();
    dbOptions.close();
    writeBuffers.close();
    cache.close();
  }
}
