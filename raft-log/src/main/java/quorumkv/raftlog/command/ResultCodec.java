package quorumkv.raftlog.command;

import java.util.ArrayList;
import java.util.List;

/**
 * The wire format of responses and results, in the same versioned framing as {@link RequestCodec}:
 *
 * <pre>
 * response := FORMAT_VERSION:u8 kind 1 (ok) index:i64 list(result) | kind 2 (failed) code:i32 message:bytes
 * results  := list(result)                              (no version byte: kept in client sessions)
 * </pre>
 */
public final class ResultCodec {
  private static final int KIND_OK = 1, KIND_FAILED = 2, KIND_GROUP = 3;
  private static final int R_GET = 1, R_PUT = 2, R_DELETE = 3, R_CAS = 4, R_RANGE = 5, R_TXN = 6, R_ERROR = 7, R_AUTH = 8,
      R_LEASE = 9, R_RANGE_AT = 10;

  private ResultCodec() {}

  public static byte[] encode(Response response) {
    WireWriter w = WireWriter.message();
    if (response instanceof Response.Ok ok) {
      w.u8(KIND_OK);
      w.i64(ok.index());
      writeResults(w, ok.results());
    } else {
      Response.Failed f = (Response.Failed) response;
      w.u8(KIND_FAILED);
      w.i32(f.code().number());
      w.string(f.message());
    }
    return w.toByteArray();
  }

  public static Response decodeResponse(byte[] bytes) {
    return WireReader.message(bytes, r -> {
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

  /** The responses to the members of a {@link Request.Group}, one per member, in order. */
  public static byte[] encodeGroup(List<Response> responses) {
    WireWriter w = WireWriter.message();
    w.u8(KIND_GROUP);
    w.i32(responses.size());
    for (Response r : responses) {
      w.bytes(Bytes.wrap(encode(r)));
    }
    return w.toByteArray();
  }

  /** The responses of {@link #encodeGroup}. */
  public static List<Response> decodeGroup(byte[] bytes) {
    return WireReader.message(bytes, r -> {
      if (r.u8() != KIND_GROUP) {
        throw new CommandCodecException("not the responses of a group");
      }
      int n = r.count();
      List<Response> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(decodeResponse(r.bytes().unsafeArray()));
      }
      return out;
    });
  }

  /** Encodes results alone: the per-call record kept in client sessions. */
  public static byte[] encodeResults(List<Result> results) {
    WireWriter w = new WireWriter();
    writeResults(w, results);
    return w.toByteArray();
  }

  public static List<Result> decodeResults(byte[] bytes) {
    return new WireReader(bytes).whole(r -> readResults(r, true), "results");
  }

  private static void writeResults(WireWriter w, List<Result> results) {
    w.i32(results.size());
    for (Result res : results) {
      writeResult(w, res);
    }
  }

  private static void writeResult(WireWriter w, Result res) {
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
      w.u8(R_RANGE_AT); // R_RANGE without the revision: still decoded, from recorded session results
      w.i32(rr.kvs().size());
      for (KeyValue kv : rr.kvs()) {
        w.kv(kv);
      }
      w.bool(rr.more());
      w.i64(rr.revision());
    } else if (res instanceof Result.TxnResult t) {
      w.u8(R_TXN);
      w.bool(t.succeeded());
      writeResults(w, t.results());
    } else if (res instanceof Result.AuthResult a) {
      w.u8(R_AUTH);
      a.state().write(w);
    } else if (res instanceof Result.LeaseResult l) {
      w.u8(R_LEASE);
      w.i64(l.id());
      w.i64(l.ttlMillis());
      w.i64(l.remainingMillis());
      w.i64(l.keys());
    } else if (res instanceof Result.Error e) {
      w.u8(R_ERROR);
      w.i32(e.code().number());
      w.string(e.message());
    } else {
      throw new IllegalArgumentException("unknown result " + res);
    }
  }

  private static List<Result> readResults(WireReader r, boolean allowTxn) {
    int n = r.count();
    List<Result> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(readResult(r, allowTxn));
    }
    return out;
  }

  private static Result readResult(WireReader r, boolean allowTxn) {
    int tag = r.u8();
    switch (tag) {
      case R_GET: return new Result.GetResult(r.optionalKv());
      case R_PUT: return new Result.PutResult(r.i64(), r.optionalKv());
      case R_DELETE: return new Result.DeleteResult(r.i64(), r.optionalKv());
      case R_CAS: return new Result.CasResult(r.bool(), r.i64(), r.optionalKv());
      case R_RANGE:
      case R_RANGE_AT: {
        int n = r.count();
        List<KeyValue> kvs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          kvs.add(r.kv());
        }
        boolean more = r.bool();
        return new Result.RangeResult(kvs, more, tag == R_RANGE_AT ? r.i64() : 0);
      }
      case R_TXN: {
        if (!allowTxn) {
          throw new CommandCodecException("nested transaction result");
        }
        boolean ok = r.bool();
        return new Result.TxnResult(ok, readResults(r, false));
      }
      case R_AUTH: return new Result.AuthResult(AuthState.read(r));
      case R_LEASE: return new Result.LeaseResult(r.i64(), r.i64(), r.i64(), r.i64());
      case R_ERROR: return new Result.Error(ErrorCode.ofNumber(r.i32()), r.string());
      default: throw new CommandCodecException("unknown result tag " + tag);
    }
  }
}
