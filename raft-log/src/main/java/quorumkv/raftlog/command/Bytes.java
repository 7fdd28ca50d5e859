package quorumkv.raftlog.command;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string with value equality and unsigned lexicographic order, the order RocksDB's
 * default comparator uses. Keys and values are arbitrary bytes; this type keeps records that hold them
 * comparable by value.
 */
public final class Bytes implements Comparable<Bytes> {
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] bytes;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Copies {@code bytes}. */
  public static Bytes copyOf(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
  }

  /** Takes ownership of {@code bytes}: the caller must not modify the array afterwards. */
  public static Bytes wrap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes);
  }

  public static Bytes utf8(String s) {
    return wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The first {@code length} bytes. */
  public Bytes prefix(int length) {
    return length == size() ? this : new Bytes(java.util.Arrays.copyOf(unsafeArray(), length));
  }

  public int size() {
    return bytes.length;
  }

  public boolean isEmpty() {
    return bytes.length == 0;
  }

  /** A copy of the content. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** The backing array, for codecs and storage; never modify it. */
  public byte[] unsafeArray() {
    return bytes;
  }

  public String toStringUtf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  public boolean startsWith(Bytes prefix) {
    return bytes.length >= prefix.bytes.length
        && Arrays.equals(bytes, 0, prefix.bytes.length, prefix.bytes, 0, prefix.bytes.length);
  }

  /**
   * The smallest key greater than every key with this prefix, for prefix scans; {@link #EMPTY} (meaning
   * "no upper bound") when the prefix is empty or all 0xFF bytes.
   */
  public Bytes prefixEnd() {
    byte[] end = bytes.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xFF) {
        end[i]++;
        return wrap(Arrays.copyOf(end, i + 1));
      }
    }
    return EMPTY;
  }

  @Override
  public int compareTo(Bytes other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The most of a value that {@link #toString} shows; the rest is summarised by its length. */
  public static final int SHOWN = 64;

  /**
   * Text when every byte is printable ASCII, hex otherwise, for logs and error messages: at most {@link #SHOWN}
   * characters (hex: {@code SHOWN / 2} bytes) then {@code "...(N bytes)"}, so that an oversized key or
   * value is never echoed back whole in an error (a 5,000-byte key used to be).
   */
  @Override
  public String toString() {
    for (byte b : bytes) {
      if (b < 0x20 || b == 0x7F) {
        int shown = Math.min(bytes.length, SHOWN / 2);
        return "0x" + HexFormat.of().formatHex(bytes, 0, shown) + elided(shown);
      }
    }
    String text = toStringUtf8();
    if (text.length() <= SHOWN) {
      return text;
    }
    return text.substring(0, SHOWN) + "...(" + bytes.length + " bytes)";   // ASCII here: one char per byte
  }

  private String elided(int shown) {
    return shown == bytes.length ? "" : "...(" + bytes.length + " bytes)";
  }
}
