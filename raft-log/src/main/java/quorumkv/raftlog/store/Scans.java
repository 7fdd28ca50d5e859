package quorumkv.raftlog.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.RocksIterator;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.KeyValue;

/** Range scans over a positioned iterator, bounded by count. */
final class Scans {
  private Scans() {}

  static List<KeyValue> collect(RocksIterator it, Bytes start, Bytes end, int max) {
    List<KeyValue> out = new ArrayList<>();
    byte[] endBytes = end.unsafeArray();
    for (it.seek(start.unsafeArray()); it.isValid() && out.size() < max; it.next()) {
      byte[] key = it.key();
      if (endBytes.length > 0 && Arrays.compareUnsigned(key, endBytes) >= 0) {
        break;
      }
      out.add(StoredValues.decodeKv(key, it.value()));
    }
    return out;
  }
}
