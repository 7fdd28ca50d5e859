package quorumkv.raftlog.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.RocksIterator;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.KeyValue;

/** Range scans over a positioned iterator, bounded by count and by bytes. */
final class Scans {
  /**
   * Most key and value bytes one range collects (at least one key is always returned): with up to
   * 10,000 keys of up to 1 MiB, an unbounded range could need gigabytes. A constant, so every replica
   * cuts a range inside a transaction at the same key.
   */
  static final long MAX_RANGE_BYTES = 4L * 1024 * 1024;

  private Scans() {}

  /** Keys in order; {@code truncated} when the byte budget stopped the scan before {@code max} keys or the end. */
  record Page(List<KeyValue> kvs, boolean truncated) {}

  static Page collect(RocksIterator it, Bytes start, Bytes end, int max) {
    List<KeyValue> out = new ArrayList<>();
    byte[] endBytes = end.unsafeArray();
    long bytes = 0;
    for (it.seek(start.unsafeArray()); it.isValid() && out.size() < max; it.next()) {
      byte[] key = it.key();
      if (endBytes.length > 0 && Arrays.compareUnsigned(key, endBytes) >= 0) {
        return new Page(out, false);
      }
      if (!out.isEmpty() && bytes >= MAX_RANGE_BYTES) {
        return new Page(out, true);   // another key exists in range: the caller reports "more"
      }
      KeyValue kv = BatchView.decodeKv(key, it.value());
      bytes += kv.key().size() + kv.value().size();
      out.add(kv);
    }
    return new Page(out, false);
  }
}
