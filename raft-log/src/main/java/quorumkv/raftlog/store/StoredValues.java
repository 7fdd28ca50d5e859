package quorumkv.raftlog.store;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.KeyValue;

/** Byte layouts of stored values and composite keys (see {@link ColumnFamilies}). */
final class StoredValues {
  private static final int REVISIONS = 24;

  private StoredValues() {}

  static byte[] encodeKv(KeyValue kv) {
    byte[] value = kv.value().unsafeArray();
    return ByteBuffer.allocate(REVISIONS + value.length)
        .putLong(kv.createRevision()).putLong(kv.modRevision()).putLong(kv.version()).put(value).array();
  }

  static KeyValue decodeKv(byte[] key, byte[] stored) {
    if (stored.length < REVISIONS) {
      throw new StorageException("corrupt stored value of " + stored.length + " bytes for key " + Bytes.wrap(key));
    }
    ByteBuffer b = ByteBuffer.wrap(stored);
    long create = b.getLong();
    long mod = b.getLong();
    long version = b.getLong();
    return new KeyValue(Bytes.wrap(key), Bytes.wrap(Arrays.copyOfRange(stored, REVISIONS, stored.length)),
        create, mod, version);
  }

  static byte[] longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  static long longAt(byte[] bytes, int position) {
    return ByteBuffer.wrap(bytes).getLong(position * 8);
  }

  static byte[] sessionKey(UUID session) {
    return longs(session.getMostSignificantBits(), session.getLeastSignificantBits());
  }

  static byte[] callKey(UUID session, long callId) {
    return longs(session.getMostSignificantBits(), session.getLeastSignificantBits(), callId);
  }
}
