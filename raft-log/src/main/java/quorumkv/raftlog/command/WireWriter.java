package quorumkv.raftlog.command;

import java.util.Arrays;

/**
 * The write half of the versioned binary primitives shared by {@link RequestCodec} and
 * {@link ResultCodec}: big-endian integers, length-prefixed bytes, strings and key-values.
 */
final class WireWriter {
  /** Version byte that starts every message; changing any layout means a new version. */
  static final int FORMAT_VERSION = 1;

  private byte[] buf = new byte[64];
  private int len;

  /** A writer for a whole message: the format version byte comes first. */
  static WireWriter message() {
    WireWriter w = new WireWriter();
    w.u8(FORMAT_VERSION);
    return w;
  }

  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  void u8(int v) {
    ensure(1);
    buf[len++] = (byte) v;
  }

  void bool(boolean v) {
    u8(v ? 1 : 0);
  }

  void i32(int v) {
    ensure(4);
    for (int s = 24; s >= 0; s -= 8) {
      buf[len++] = (byte) (v >>> s);
    }
  }

  void i64(long v) {
    ensure(8);
    for (int s = 56; s >= 0; s -= 8) {
      buf[len++] = (byte) (v >>> s);
    }
  }

  void bytes(Bytes b) {
    byte[] a = b.unsafeArray();
    i32(a.length);
    ensure(a.length);
    System.arraycopy(a, 0, buf, len, a.length);
    len += a.length;
  }

  void string(String s) {
    bytes(Bytes.utf8(s == null ? "" : s));
  }

  void kv(KeyValue kv) {
    bytes(kv.key());
    bytes(kv.value());
    i64(kv.createRevision());
    i64(kv.modRevision());
    i64(kv.version());
  }

  void optionalKv(KeyValue kv) {
    bool(kv != null);
    if (kv != null) {
      kv(kv);
    }
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }
}
