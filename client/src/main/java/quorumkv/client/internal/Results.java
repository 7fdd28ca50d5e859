package quorumkv.client.internal;

import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvException;
import quorumkv.client.KvNoSpaceException;
import quorumkv.client.KvPermissionDeniedException;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvResult;
import quorumkv.client.KvUnavailableException;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;

/**
 * Turns the single result of a one-command response into the public {@link KvResult} type. A
 * {@link Result.Error} in place of the result becomes the exception its code calls for; a result of the
 * wrong type is a protocol mismatch, which for a write leaves its outcome unknown.
 */
final class Results {
  private Results() {}

  static KvResult.Get get(Response.Ok ok) {
    Result.GetResult r = single(ok, Result.GetResult.class, false);
    return new KvResult.Get(ok.index(), r.kv());
  }

  static KvResult.Range range(Response.Ok ok) {
    Result.RangeResult r = single(ok, Result.RangeResult.class, false);
    return new KvResult.Range(ok.index(), r.kvs(), r.more(), r.revision());
  }

  static KvResult.Put put(Response.Ok ok) {
    Result.PutResult r = single(ok, Result.PutResult.class, true);
    return new KvResult.Put(ok.index(), r.revision(), r.previous());
  }

  static KvResult.Delete delete(Response.Ok ok) {
    Result.DeleteResult r = single(ok, Result.DeleteResult.class, true);
    return new KvResult.Delete(ok.index(), r.revision(), r.previous());
  }

  static KvResult.Cas cas(Response.Ok ok) {
    Result.CasResult r = single(ok, Result.CasResult.class, true);
    return new KvResult.Cas(ok.index(), r.succeeded(), r.revision(), r.current());
  }

  static KvResult.Txn txn(Response.Ok ok) {
    Result.TxnResult r = single(ok, Result.TxnResult.class, true);
    return new KvResult.Txn(ok.index(), r.succeeded(), r.results());
  }

  static KvResult.Lease lease(Response.Ok ok) {
    Result.LeaseResult r = single(ok, Result.LeaseResult.class, true);
    return new KvResult.Lease(ok.index(), r.id(), java.time.Duration.ofMillis(r.ttlMillis()),
        java.time.Duration.ofMillis(Math.max(0, r.remainingMillis())), r.keys());
  }

  /** The exception for a definite refusal with {@code code}: out of space has its own type. */
  static KvException refused(ErrorCode code, String text, Throwable cause) {
    if (code == ErrorCode.PERMISSION_DENIED) {
      return new KvPermissionDeniedException(text, cause);
    }
    if (code == ErrorCode.LEASE_NOT_FOUND) {
      return new quorumkv.client.KvLeaseNotFoundException(text, cause);
    }
    return code == ErrorCode.NO_SPACE ? new KvNoSpaceException(text, cause) : new KvRejectedException(code, text, cause);
  }

  private static <R extends Result> R single(Response.Ok ok, Class<R> type, boolean write) {
    if (ok.results().size() == 1) {
      Result r = ok.results().get(0);
      if (type.isInstance(r)) {
        return type.cast(r);
      }
      if (r instanceof Result.Error e) {
        if (e.code().isDefinite()) {
          throw refused(e.code(), e.code() + ": " + e.message(), null);
        }
        if (write) {
          throw new KvIndeterminateException(e.code() + ": " + e.message(), null);
        }
        throw new KvUnavailableException(e.code() + ": " + e.message(), null);
      }
    }
    String text = "expected one " + type.getSimpleName() + ", the cluster answered " + ok.results();
    if (write) {
      throw new KvIndeterminateException(text + "; the write may have applied", null);
    }
    throw new KvRejectedException(ErrorCode.MALFORMED_REQUEST, text, null);
  }
}
