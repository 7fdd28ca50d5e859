/**
 * The replicated key-value state in RocksDB: command application, client sessions for exactly-once
 * writes, and the applied index persisted atomically with the data.
 *
 * <p>The put path from the state machine to the write batch: {@code RocksKvStore.applyWrite} →
 * {@code SessionTable.applyOnce} (exactly-once) → {@code CommandApplier} (the command's logic) →
 * {@code BatchView} (the entry's batch, and a key's stored layout), then {@code RocksKvStore} writes
 * the batch with the session record and the applied index.
 *
 * <p>May import: {@code java.*}, {@code org.rocksdb}, {@code quorumkv.raftlog.command}. Nothing of
 * Ratis (plain Java, so most tests need no network; checked by raft-log's ArchitectureTest).
 */
package quorumkv.raftlog.store;
