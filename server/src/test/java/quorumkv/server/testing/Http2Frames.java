package quorumkv.server.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Raw HTTP/2 bytes (RFC 9113) for tests that talk to the Raft port below gRPC: the client preface,
 * frames, and HPACK header blocks of literal fields only, so a test can send exactly the broken
 * connection or stream it means to.
 */
public final class Http2Frames {
  public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  public static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8;
  public static final int END_STREAM = 0x1, END_HEADERS = 0x4;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Starts with the client preface and an empty SETTINGS frame, as every HTTP/2 client does. */
  public static Http2Frames connection() {
    Http2Frames frames = new Http2Frames();
    frames.out.writeBytes(PREFACE);
    return frames.frame(SETTINGS, 0, 0, new byte[0]);
  }

  /** Any bytes after nothing: no preface at all. */
  public static Http2Frames bare() {
    return new Http2Frames();
  }

  public Http2Frames frame(int type, int flags, int streamId, byte[] payload) {
    int length = payload.length;
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
    out.write(type);
    out.write(flags);
    out.write(streamId >>> 24 & 0x7f);
    out.write(streamId >>> 16);
    out.write(streamId >>> 8);
    out.write(streamId);
    out.writeBytes(payload);
    return this;
  }

  /** A HEADERS frame that ends the header block, carrying {@code nameValues} as literal fields. */
  public Http2Frames headers(int streamId, boolean endStream, String... nameValues) {
    return frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, headerBlock(nameValues));
  }

  public Http2Frames raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  public byte[] toBytes() {
    return out.toByteArray();
  }

  /** HPACK "literal header field without indexing, new name" for each pair; lengths under 127 bytes. */
  public static byte[] headerBlock(String... nameValues) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    for (int i = 0; i + 1 < nameValues.length; i += 2) {
      block.write(0x00);
      string(block, nameValues[i]);
      string(block, nameValues[i + 1]);
    }
    return block.toByteArray();
  }

  private static void string(ByteArrayOutputStream block, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length >= 127) {
      throw new IllegalArgumentException("a literal this long needs a multi-byte length: " + s.length());
    }
    block.write(b.length);
    block.writeBytes(b);
  }
}
