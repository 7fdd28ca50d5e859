package quorumkv.raftlog.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.KeyValue;

/**
 * A SHA-256 over exactly what a backup holds: the users and roles, then every key in order with its
 * value, create and mod revision and version. Leases, lease-attached keys, sessions, history and the
 * applied index are left out, as a backup leaves them out, so a node restored from a backup holds the
 * same content hash as the state the backup was written from (while its applied index and revision
 * offset differ). Fed by one consistent export ({@link StoreTransfer#export}), or by a backup file's entries.
 */
public final class ContentHash {
  private static final byte[] DOMAIN = "quorumkv-backup-content-v1".getBytes(StandardCharsets.US_ASCII);

  private final MessageDigest sha;
  private long keys;

  public ContentHash() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    sha.update(DOMAIN);
  }

  /** The users and roles: once, before the keys. */
  public void auth(AuthState state) {
    byte[] bytes = state.encode();
    sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    sha.update(bytes);
  }

  /** One key, in key order. */
  public void entry(KeyValue kv) {
    ByteBuffer lengths = ByteBuffer.allocate(4);
    sha.update(lengths.putInt(kv.key().size()).array());
    sha.update(kv.key().unsafeArray());
    sha.update(lengths.clear().putInt(kv.value().size()).array());
    sha.update(kv.value().unsafeArray());
    sha.update(ByteBuffer.allocate(24).putLong(kv.createRevision()).putLong(kv.modRevision()).putLong(kv.version()).array());
    keys++;
  }

  /** Keys hashed so far. */
  public long keys() {
    return keys;
  }

  /** The hash (the key count is part of it); ends this object's use. */
  public byte[] finish() {
    sha.update(ByteBuffer.allocate(8).putLong(keys).array());
    return sha.digest();
  }

  /** A store's content hash, computed from one consistent export, with the revision and key count it covers. */
  public record Result(long revision, long keys, byte[] hash) {}

  /** Computes {@code store}'s content hash from one RocksDB snapshot (see {@link StoreTransfer#export}). */
  public static Result of(RocksKvStore store) throws IOException {
    ContentHash hash = new ContentHash();
    long[] revision = new long[1];
    StoreTransfer.export(store, new StoreTransfer.ExportSink() {
      @Override
      public void begin(AppliedIndex applied, long at) {
        revision[0] = at;
      }

      @Override
      public void auth(AuthState state) {
        hash.auth(state);
      }

      @Override
      public void entry(KeyValue kv) {
        hash.entry(kv);
      }
    });
    long keys = hash.keys();
    return new Result(revision[0], keys, hash.finish());
  }

  /** Lower-case hex, for logs and the CLI. */
  public static String hex(byte[] hash) {
    StringBuilder s = new StringBuilder(hash.length * 2);
    for (byte b : hash) {
      s.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return s.toString();
  }
}
