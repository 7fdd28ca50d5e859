package quorumkv.raftlog.command;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The versioned binary wire format of requests and responses; JDK only, so clients can link it alone.
 *
 * <pre>
 * message  := FORMAT_VERSION:u8 kind:u8 body            (no trailing bytes)
 * bytes    := length:i32 content                        (0 &lt;= length &lt;= remaining)
 * list(x)  := count:i32 x*                              (count &lt;= remaining bytes)
 * request  := kind 1 (write) session:i64 i64 callId:i64 firstUnacked:i64 list(command)
 *           | kind 2 (read) list(command)
 * response := kind 1 (ok) index:i64 list(result) | kind 2 (failed) code:i32 message:bytes
 * </pre>
 *
 * Decoding checks every length and tag and throws {@link CommandCodecException}, so arbitrary bytes
 * never decode silently into a command. Changing the layout means a new {@link #FORMAT_VERSION}.
 */
public final class CommandCodec {
  public static final int FORMAT_VERSION = 1;

  private static final int KIND_WRITE = 1, KIND_READ = 2, KIND_OK = 1, KIND_FAILED = 2;
  private static final int GET = 1, PUT = 2, DELETE = 3, CAS = 4, PUT_IF_ABSENT = 5, RANGE = 6, TXN = 7;
  private static final int R_GET = 1, R_PUT = 2, R_DELETE = 3, R_CAS = 4, R_RANGE = 5, R_TXN = 6, R_ERROR = 7;
  private static final int EXPECT_REVISION = 1, EXPECT_VALUE = 2;

  private CommandCodec() {}

  // ---------------------------------------------------------------- requests

  public static byte[] encode(Request request) {
    Writer w = new Writer();
    w.u8(FORMAT_VERSION);
    if (request instanceof Request.Write write) {
      w.u8(KIND_WRITE);
      w.i64(write.sessionId().getMostSignificantBits());
      w.i64(write.sessionId().getLeastSignificantBits());
      w.i64(write.callId());
      w.i64(write.firstUnackedCallId());
    } else {
      w.u8(KIND_READ);
    }
    w.i32(request.commands().size());
    for (Command c : request.commands()) {
      writeCommand(w, c);
    }
    return w.toByteArray();
  }

  public static Request decodeRequest(byte[] bytes) {
    return decode(bytes, r -> {
      int kind = r.u8();
      if (kind == KIND_WRITE) {
        UUID session = new UUID(r.i64(), r.i64());
        long callId = r.i64();
        long firstUnacked = r.i64();
        return new Request.Write(session, callId, firstUnacked, readCommands(r, true));
      } else if (kind == KIND_READ) {
        return new Request.Read(readCommands(r, true));
      }
      throw new CommandCodecException("unknown request kind " + kind);
    });
  }

  /** Encodes one command alone (for tests and tools). */
  public static byte[] encodeCommand(Command command) {
    Writer w = new Writer();
    writeCommand(w, command);
    return w.toByteArray();
  }

  private static void writeCommand(Writer w, Command c) {
    if (c instanceof Command.Get g) {
      w.u8(GET);
      w.bytes(g.key());
    } else if (c instanceof Command.Put p) {
      w.u8(PUT);
      w.bytes(p.key());
      w.bytes(p.value());
    } else if (c instanceof Command.Delete d) {
      w.u8(DELETE);
      w.bytes(d.key());
    } else if (c instanceof Command.CompareAndSet cas) {
      w.u8(CAS);
      w.bytes(cas.key());
      if (cas.expected() instanceof Command.Expected.Revision rev) {
        w.u8(EXPECT_REVISION);
        w.i64(rev.modRevision());
      } else {
        w.u8(EXPECT_VALUE);
        w.bytes(((Command.Expected.Value) cas.expected()).value());
      }
      w.bytes(cas.value());
    } else if (c instanceof Command.PutIfAbsent p) {
      w.u8(PUT_IF_ABSENT);
      w.bytes(p.key());
      w.bytes(p.value());
    } else if (c instanceof Command.Range r) {
      w.u8(RANGE);
      w.bytes(r.start());
      w.bytes(r.end());
      w.i32(r.limit());
    } else if (c instanceof Command.Txn t) {
      w.u8(TXN);
      w.i32(t.guards().size());
      for (Guard g : t.guards()) {
        w.bytes(g.key());
        w.u8(g.target().ordinal());
        w.u8(g.op().ordinal());
        w.i64(g.number());
        w.bytes(g.value());
      }
      writeCommands(w, t.onSuccess());
      writeCommands(w, t.onFailure());
    } else {
      throw new IllegalArgumentException("unknown command " + c);
    }
  }

  private static void writeCommands(Writer w, List<Command> commands) {
    w.i32(commands.size());
    for (Command c : commands) {
      writeCommand(w, c);
    }
  }

  private static List<Command> readCommands(Reader r, boolean allowTxn) {
    int n = r.count();
    List<Command> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(readCommand(r, allowTxn));
    }
    return out;
  }

  private static Command readCommand(Reader r, boolean allowTxn) {
    int tag = r.u8();
    switch (tag) {
      case GET: return new Command.Get(r.bytes());
      case PUT: return new Command.Put(r.bytes(), r.bytes());
      case DELETE: return new Command.Delete(r.bytes());
      case CAS: {
        Bytes key = r.bytes();
        int kind = r.u8();
        Command.Expected expected;
        if (kind == EXPECT_REVISION) {
          expected = new Command.Expected.Revision(r.i64());
        } else if (kind == EXPECT_VALUE) {
          expected = new Command.Expected.Value(r.bytes());
        } else {
          throw new CommandCodecException("unknown compare-and-set expectation " + kind);
        }
        return new Command.CompareAndSet(key, expected, r.bytes());
      }
      case PUT_IF_ABSENT: return new Command.PutIfAbsent(r.bytes(), r.bytes());
      case RANGE: return new Command.Range(r.bytes(), r.bytes(), r.i32());
      case TXN: {
        if (!allowTxn) {
          throw new CommandCodecException("nested transaction");
        }
        int n = r.count();
        List<Guard> guards = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          Bytes key = r.bytes();
          Guard.Target target = r.enumValue(Guard.Target.values());
          Guard.Op op = r.enumValue(Guard.Op.values());
          guards.add(new Guard(key, target, op, r.i64(), r.bytes()));
        }
        return new Command.Txn(guards, readCommands(r, false), readCommands(r, false));
      }
      default: throw new CommandCodecException("unknown command tag " + tag);
    }
  }

  // ---------------------------------------------------------------- responses

  public static byte[] encode(Response response) {
    Writer w = new Writer();
    w.u8(FORMAT_VERSION);
    if (response instanceof Response.Ok ok) {
      w.u8(KIND_OK);
      w.i64(ok.index());
      w.i32(ok.results().size());
      for (Result res : ok.results()) {
        writeResult(w, res);
      }
    } else {
      Response.Failed f = (Response.Failed) response;
      w.u8(KIND_FAILED);
      w.i32(f.code().number());
      w.string(f.message());
    }
    return w.toByteArray();
  }

  public static Response decodeResponse(byte[] bytes) {
    return decode(bytes, r -> {
      int kind = r.u8();
      if (kind == KIND_OK) {
        long index = r.i64();
        return new Response.Ok(index, readResults(r, true));
      } else if (kind == KIND_FAILED) {
        return new Response.Failed(ErrorCode.ofNumber(r.i32()), r.string());
      }
      throw new CommandCodecException("unknown response kind " + kind);
    });
  }

  /** Encodes one result alone: the per-call record kept in client sessions. */
  public static byte[] encodeResults(List<Result> results) {
    Writer w = new Writer();
    w.i32(results.size());
    for (Result res : results) {
      writeResult(w, res);
    }
    return w.toByteArray();
  }

  public static List<Result> decodeResults(byte[] bytes) {
    Reader r = new Reader(ByteBuffer.wrap(bytes));
    try {
      List<Result> results = readResults(r, true);
      r.expectEnd();
      return results;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new CommandCodecException("truncated or invalid results: " + e);
    }
  }

  private static void writeResult(Writer w, Result res) {
    if (res instanceof Result.GetResult g) {
      w.u8(R_GET);
      w.optionalKv(g.kv());
    } else if (res instanceof Result.PutResult p) {
      w.u8(R_PUT);
      w.i64(p.revision());
      w.optionalKv(p.previous());
    } else if (res instanceof Result.DeleteResult d) {
      w.u8(R_DELETE);
      w.i64(d.revision());
      w.optionalKv(d.previous());
    } else if (res instanceof Result.CasResult c) {
      w.u8(R_CAS);
      w.bool(c.succeeded());
      w.i64(c.revision());
      w.optionalKv(c.current());
    } else if (res instanceof Result.RangeResult rr) {
      w.u8(R_RANGE);
      w.i32(rr.kvs().size());
      for (KeyValue kv : rr.kvs()) {
        w.kv(kv);
      }
      w.bool(rr.more());
    } else if (res instanceof Result.TxnResult t) {
      w.u8(R_TXN);
      w.bool(t.succeeded());
      w.i32(t.results().size());
      for (Result inner : t.results()) {
        writeResult(w, inner);
      }
    } else if (res instanceof Result.Error e) {
      w.u8(R_ERROR);
      w.i32(e.code().number());
      w.string(e.message());
    } else {
      throw new IllegalArgumentException("unknown result " + res);
    }
  }

  private static List<Result> readResults(Reader r, boolean allowTxn) {
    int n = r.count();
    List<Result> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(readResult(r, allowTxn));
    }
    return out;
  }

  private static Result readResult(Reader r, boolean allowTxn) {
    int tag = r.u8();
    switch (tag) {
      case R_GET: return new Result.GetResult(r.optionalKv());
      case R_PUT: return new Result.PutResult(r.i64(), r.optionalKv());
      case R_DELETE: return new Result.DeleteResult(r.i64(), r.optionalKv());
      case R_CAS: return new Result.CasResult(r.bool(), r.i64(), r.optionalKv());
      case R_RANGE: {
        int n = r.count();
        List<KeyValue> kvs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          kvs.add(r.kv());
        }
        return new Result.RangeResult(kvs, r.bool());
      }
      case R_TXN: {
        if (!allowTxn) {
          throw new CommandCodecException("nested transaction result");
        }
        boolean ok = r.bool();
        return new Result.TxnResult(ok, readResults(r, false));
      }
      case R_ERROR: return new Result.Error(ErrorCode.ofNumber(r.i32()), r.string());
      default: throw new CommandCodecException("unknown result tag " + tag);
    }
  }

  // ---------------------------------------------------------------- framing

  private interface Body<T> {
    T read(Reader r);
  }

  private static <T> T decode(byte[] bytes, Body<T> body) {
    if (bytes == null || bytes.length < 2) {
      throw new CommandCodecException("message of " + (bytes == null ? 0 : bytes.length) + " bytes is too short");
    }
    Reader r = new Reader(ByteBuffer.wrap(bytes));
    int version = r.u8();
    if (version != FORMAT_VERSION) {
      throw new CommandCodecException("unsupported format version " + version + " (this build speaks " + FORMAT_VERSION + ")");
    }
    try {
      T value = body.read(r);
      r.expectEnd();
      return value;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new CommandCodecException("truncated or invalid message: " + e);
    }
  }

  private static final class Writer {
    private byte[] buf = new byte[64];
    private int len;

    private void ensure(int n) {
      if (len + n > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
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
      return java.util.Arrays.copyOf(buf, len);
    }
  }

  private static final class Reader {
    private final ByteBuffer in;

    Reader(ByteBuffer in) {
      this.in = in;
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
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes().unsafeArray())).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
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

    void expectEnd() {
      if (in.hasRemaining()) {
        throw new CommandCodecException(in.remaining() + " trailing bytes");
      }
    }
  }
}
