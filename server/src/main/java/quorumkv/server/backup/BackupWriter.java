package quorumkv.server.backup;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.raftlog.store.AppliedIndex;
import quorumkv.raftlog.store.ContentHash;
import quorumkv.raftlog.store.RocksKvStore;
import quorumkv.raftlog.store.StoreTransfer;

/** Writes a {@link BackupFormat} file from a consistent export of a store. */
public final class BackupWriter {
  private BackupWriter() {}

  /**
   * Exports {@code store} into {@code file}, atomically and durably ({@link BackupFiles#writeAtomically}:
   * a temp file of its own beside it, so two writers of the same file never share one); returns the header.
   */
  public static BackupFormat.Header write(RocksKvStore store, String clusterId, Path file) throws IOException {
    BackupFormat.Header[] header = new BackupFormat.Header[1];
    BackupFiles.writeAtomically(file, raw -> header[0] = export(store, clusterId, raw));
    return header[0];
  }

  private static BackupFormat.Header export(RocksKvStore store, String clusterId, OutputStream raw) throws IOException {
    MessageDigest sha = sha256();
    try (DigestOutputStream digest = new DigestOutputStream(new BufferedOutputStream(raw, 64 * 1024), sha);
         DataOutputStream out = new DataOutputStream(digest)) {
      BackupFormat.Header[] header = new BackupFormat.Header[1];
      long[] count = new long[1];
      // From the same RocksDB snapshot as the entries, over exactly what they hold.
      ContentHash content = new ContentHash();
      StoreTransfer.export(store, new StoreTransfer.ExportSink() {
        @Override
        public void begin(AppliedIndex applied, long revision) throws IOException {
          header[0] = new BackupFormat.Header(clusterId, revision, applied.term(), applied.index(), System.currentTimeMillis());
          out.write(BackupFormat.MAGIC);
          out.writeByte(BackupFormat.VERSION);
          out.writeUTF(clusterId);
          out.writeLong(revision);
          out.writeLong(applied.term());
          out.writeLong(applied.index());
          out.writeLong(header[0].createdAtMillis());
        }

        @Override
        public void auth(AuthState state) throws IOException {
          content.auth(state);
          byte[] bytes = state.encode();
          out.writeInt(bytes.length);
          out.write(bytes);
        }

        @Override
        public void entry(KeyValue kv) throws IOException {
          out.writeByte(BackupFormat.ENTRY);
          out.writeInt(kv.key().size());
          out.write(kv.key().unsafeArray());
          out.writeInt(kv.value().size());
          out.write(kv.value().unsafeArray());
          out.writeLong(kv.createRevision());
          out.writeLong(kv.modRevision());
          out.writeLong(kv.version());
          content.entry(kv);
          count[0]++;
        }
      });
      out.writeByte(BackupFormat.END);
      out.writeLong(count[0]);
      out.write(content.finish());
      out.flush();
      digest.on(false);
      out.write(sha.digest());
      out.flush();
      return header[0];
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
