package quorumkv.bench;

/**
 * One system under test, as the workload sees it: blocking put and get of key number {@code key}, each
 * bounded by the driver's per-operation timeout. Thread-safe: every worker calls it concurrently.
 */
interface BenchTarget extends AutoCloseable {

  /** A short name for the table: {@code quorumkv} or {@code etcd}. */
  String name();

  /** Writes {@code value} (a worker's own 1 KiB buffer, never modified) under key number {@code key}. */
  void put(int key, byte[] value) throws Exception;

  /**
   * Writes {@code value} (not modified afterwards) under {@code key}, any key name; the future completes
   * when the write is acknowledged (the watch phase takes that moment as the start of delivery latency).
   */
  java.util.concurrent.CompletableFuture<?> putAsync(String key, byte[] value);

  /**
   * Reads key number {@code key} with a linearizable read; returns the value's length (the key exists
   * once the warm-up has written every key, so a miss is an error the caller counts).
   */
  int get(int key) throws Exception;

  @Override
  void close();

  /** The key string of key number {@code i}: same keys for every system. */
  static String keyName(int i) {
    return String.format("bench/key-%06d", i);
  }
}
