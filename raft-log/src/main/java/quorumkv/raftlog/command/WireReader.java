package quorumkv.raftlog.command;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The read half of the wire primitives. Every length and tag is checked and any mismatch is a
 * {@link CommandCodecException}, so arbitrary bytes never decode silently into something.
 */
final class WireReader {
  private final ByteBuffer in;

  WireReader(byte[] bytes) {
    this.in = ByteBuffer.wrap(bytes);
  }

  /** Decodes a whole message: checks the version byte, runs {@code body}, and refuses trailing bytes. */
  static <T> T message(byte[] bytes, Function<WireReader, T> body) {
    if (bytes == null || bytes.length < 2) {
      throw new CommandCodecException("message of " + (bytes == null ? 0 : bytes.length) + " bytes is too short");
    }
    WireReader r = new WireReader(bytes);
    int version = r.u8();
    if (version != WireWriter.FORMAT_VERSION) {
      throw new CommandCodecException("unsupported format version " + version + " (this build speaks "
          + WireWriter.FORMAT_VERSION + ")");
    }
    return r.whole(body, "message");
  }

  /** Runs {@code body} over the rest of the input, which it must consume exactly. */
  <T> T whole(Function<WireReader, T> body, String what) {
    try {
      T value = body.apply(this);
      expectEnd();
      return value;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new CommandCodecException("truncated or invalid " + what + ": " + e);
    }
  }

  int u8() {
    return in.get() & 0xFF;
  }

  boolean bool() {
    int v = u8();
    if (v > 1) {
      throw new CommandCodecException("invalid boolean " + v);
    }
    return v == 1;
  }

  int i32() {
    return in.getInt();
  }

  long i64() {
    return in.getLong();
  }

  /** A list length: every element takes at least one byte, so a count above what remains is corrupt. */
  int count() {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new CommandCodecException("invalid count " + n + " with " + in.remaining() + " bytes left");
    }
    return n;
  }

  Bytes bytes() {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new CommandCodecException("invalid length " + n + " with " + in.remaining() + " bytes left");
    }
    byte[] b = new byte[n];
    in.get(b);
    return Bytes.wrap(b);
  }

  /** Strict UTF-8: malformed text is an error, never silently replaced (the format stays canonical). */
  String string() {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes().unsafeArray())).toString();
    } catch (CharacterCodingException e) {
      throw new CommandCodecException("text is not valid UTF-8");
    }
  }

  <E extends Enum<E>> E enumValue(E[] values) {
    int i = u8();
    if (i >= values.length) {
      throw new CommandCodecException("invalid enum ordinal " + i);
    }
    return values[i];
  }

  KeyValue kv() {
    return new KeyValue(bytes(), bytes(), i64(), i64(), i64());
  }

  KeyValue optionalKv() {
    return bool() ? kv() : null;
  }

  /** Whether bytes are left: for a field added at the end of a message, absent when it was written before. */
  boolean hasRemaining() {
    return in.hasRemaining();
  }

  void expectEnd() {
    if (in.hasRemaining()) {
      throw new CommandCodecException(in.remaining() + " trailing bytes");
    }
  }
}
