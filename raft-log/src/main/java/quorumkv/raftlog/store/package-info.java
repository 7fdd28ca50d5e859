/**
 * The replicated key-value state in RocksDB: command application, client sessions for exactly-once
 * writes, and the applied index persisted atomically with the data. Plain Java, no Ratis.
 */
package quorumkv.raftlog.store;
