package quorumkv.server.backup;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.AuthState;
import quorumkv.raftlog.command.CommandCodecException;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.raftlog.store.ContentHash;

/**
 * Reads a {@link BackupFormat} file. {@link #verify} reads it whole and checks structure, count and
 * digest before anything is restored from it; {@link #open} then streams the entries.
 */
public final class BackupReader implements AutoCloseable {
  private final DigestInputStream digest;
  private final DataInputStream in;
  private final MessageDigest sha = BackupWriter.sha256();
  private final BackupFormat.Header header;
  private final AuthState auth;
  private final int version;
  /** Recomputed from what is read, to compare with the recorded one (version 3). */
  private final ContentHash content = new ContentHash();
  private byte[] recordedContentHash;
  private byte[] computedContentHash;
  private long count;

  private BackupReader(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    this.digest = new DigestInputStream(raw, sha);
    this.in = new DataInputStream(digest);
    try {
      byte[] magic = new byte[BackupFormat.MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, BackupFormat.MAGIC)) {
        throw new IOException(file + " is not a QuorumKV backup (bad magic)");
      }
      version = in.readUnsignedByte();
      if (version < BackupFormat.VERSION_WITHOUT_AUTH || version > BackupFormat.VERSION) {
        throw new IOException(file + " has backup format version " + version + "; this build reads "
            + BackupFormat.VERSION_WITHOUT_AUTH + " to " + BackupFormat.VERSION);
      }
      header = new BackupFormat.Header(in.readUTF(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
      auth = version == BackupFormat.VERSION_WITHOUT_AUTH ? AuthState.INITIAL : readAuth(file);
      content.auth(auth);
    } catch (EOFException e) {
      in.close();
      throw new IOException(file + " is truncated", e);
    } catch (IOException e) {
      in.close();
      throw e;
    }
  }

  private AuthState readAuth(Path file) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > BackupFormat.MAX_FIELD_BYTES) {
      throw new IOException(file + " is corrupt: its users and roles claim " + length + " bytes");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    try {
      return AuthState.decode(bytes);
    } catch (CommandCodecException e) {
      throw new IOException(file + " is corrupt: its users and roles do not decode: " + e.getMessage(), e);
    }
  }

  /** The users, roles and grants the backup holds ({@code AuthState.INITIAL} for a version-1 file). */
  public AuthState auth() {
    return auth;
  }

  public static BackupReader open(Path file) throws IOException {
    return new BackupReader(file);
  }

  /**
   * Reads the whole file, checking every entry, the count, the digest and (version 3) the recorded content
   * hash against the entries; returns the header, count and content hash.
   */
  public static Verified verify(Path file) throws IOException {
    try (BackupReader r = open(file)) {
      Iterator<KeyValue> it = r.entries();
      Bytes previous = null;
      while (it.hasNext()) {
        KeyValue kv = it.next();
        if (previous != null && kv.key().compareTo(previous) <= 0) {
          throw new IOException(file + ": keys out of order at " + kv.key());
        }
        previous = kv.key();
      }
      if (r.recordedContentHash != null && !MessageDigest.isEqual(r.recordedContentHash, r.computedContentHash)) {
        // The bytes are the ones written (the SHA-256 matched), so the writer hashed other content than
        // it wrote, or the file was altered and its SHA-256 recomputed.
        throw new IOException(file + ": content hash mismatch: its keys and users do not match the content hash"
            + " recorded at revision " + r.header.revision());
      }
      return new Verified(r.header, r.count, r.version, r.recordedContentHash, r.computedContentHash);
    } catch (BackupCorruptException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A verified file's header and entry count, and its content hash: the one recorded at its revision
   * ({@code recordedContentHash}, null in versions 1 and 2) and the one recomputed from its entries.
   */
  public record Verified(BackupFormat.Header header, long entries, int version, byte[] recordedContentHash,
      byte[] computedContentHash) {
    /** The hash a node restored from this file must compute: the recorded one when the file has one. */
    public byte[] expectedContentHash() {
      return recordedContentHash != null ? recordedContentHash : computedContentHash;
    }
  }

  public BackupFormat.Header header() {
    return header;
  }

  /** The entries, in key order; the trailer (count, digest) is checked when the last one has been read. */
  public Iterator<KeyValue> entries() {
    return new Iterator<>() {
      private KeyValue next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          try {
            next = readNext();
          } catch (IOException e) {
            throw new BackupCorruptException(e.getMessage(), e);
          }
          done = next == null;
        }
        return next != null;
      }

      @Override
      public KeyValue next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        KeyValue kv = next;
        next = null;
        return kv;
      }
    };
  }

  private KeyValue readNext() throws IOException {
    try {
      int tag = in.readUnsignedByte();
      if (tag == BackupFormat.END) {
        long expected = in.readLong();
        if (version == BackupFormat.VERSION) {
          recordedContentHash = new byte[BackupFormat.HASH_BYTES];
          in.readFully(recordedContentHash);
        }
        digest.on(false);
        byte[] computed = sha.digest();
        byte[] stored = new byte[computed.length];
        in.readFully(stored);
        if (expected != count) {
          throw new IOException("backup says " + expected + " entries but holds " + count);
        }
        if (!MessageDigest.isEqual(computed, stored)) {
          throw new IOException("backup digest mismatch: the file is corrupt");
        }
        if (in.read() != -1) {
          throw new IOException("bytes after the backup's trailer");
        }
        computedContentHash = content.finish();
        return null;
      }
      if (tag != BackupFormat.ENTRY) {
        throw new IOException("bad entry tag " + tag + " after " + count + " entries");
      }
      Bytes key = Bytes.wrap(field());
      Bytes value = Bytes.wrap(field());
      KeyValue kv = new KeyValue(key, value, in.readLong(), in.readLong(), in.readLong());
      if (kv.modRevision() > header.revision() || kv.createRevision() > kv.modRevision() || kv.key().isEmpty()) {
        throw new IOException("entry " + count + " (" + key + ") has inconsistent revisions");
      }
      content.entry(kv);
      count++;
      return kv;
    } catch (EOFException e) {
      throw new IOException("backup is truncated after " + count + " entries", e);
    }
  }

  private byte[] field() throws IOException {
    int n = in.readInt();
    if (n < 0 || n > BackupFormat.MAX_FIELD_BYTES) {
      throw new IOException("field length " + n + " is impossible: corrupt backup");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** A corrupt file met while iterating (the iterator cannot throw checked exceptions). */
  public static final class BackupCorruptException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BackupCorruptException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
