package quorumkv.raftlog.command;

import java.util.List;

/**
 * Size limits checked before a request reaches the log (on the leader, and by clients before sending),
 * so an oversized request is rejected with a clear, definite error and never half-applied.
 *
 * @param maxKeyBytes largest key (default {@value #DEFAULT_MAX_KEY_BYTES}); etcd allows 1.5 MiB requests
 *     but keys this long are a mistake in practice
 * @param maxValueBytes largest value (default 1 MiB, as etcd's default request size)
 * @param maxOperations most commands in one request, counting each operation of a transaction
 * @param maxRequestBytes largest encoded request; must stay below Ratis's 4 MiB log-appender buffer
 * @param maxRangeLimit most keys one range returns; a range with limit 0 uses this
 */
public record RequestLimits(int maxKeyBytes, int maxValueBytes, int maxOperations, int maxRequestBytes,
    int maxRangeLimit) {
  public static final int DEFAULT_MAX_KEY_BYTES = 4 * 1024;
  public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_OPERATIONS = 128;
  public static final int DEFAULT_MAX_REQUEST_BYTES = 3 * 1024 * 1024;
  public static final int DEFAULT_MAX_RANGE_LIMIT = 10_000;

  public static final RequestLimits DEFAULTS = new RequestLimits(DEFAULT_MAX_KEY_BYTES,
      DEFAULT_MAX_VALUE_BYTES, DEFAULT_MAX_OPERATIONS, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RANGE_LIMIT);

  public RequestLimits {
    if (maxKeyBytes < 1 || maxValueBytes < 0 || maxOperations < 1 || maxRequestBytes < 64 || maxRangeLimit < 1) {
      throw new IllegalArgumentException("request limits must be positive: " + this);
    }
  }

  /** Null if {@code request} (encoded in {@code encodedBytes}) is within the limits, else the failure. */
  public Response.Failed check(Request request, int encodedBytes) {
    if (encodedBytes > maxRequestBytes) {
      return fail(ErrorCode.REQUEST_TOO_LARGE, "request of " + encodedBytes + " bytes exceeds " + maxRequestBytes);
    }
    if (request instanceof Request.Alarm) {
      return null; // decoding bounded its only field
    }
    if (request.commands().isEmpty()) {
      return fail(ErrorCode.INVALID_ARGUMENT, "request has no commands");
    }
    Response.Failed f = new Checker().checkAll(request.commands());
    if (f != null) {
      return f;
    }
    if (request instanceof Request.Read && !request.commands().stream().allMatch(Command::isReadOnly)) {
      return fail(ErrorCode.INVALID_ARGUMENT, "a read request may only hold get, range and lease time-to-live commands");
    }
    return null;
  }

  /** Checks commands in order, counting every operation (those of a transaction too). */
  private final class Checker implements Command.Visitor<Response.Failed> {
    private int operations;

    Response.Failed checkAll(List<Command> commands) {
      for (Command c : commands) {
        if (++operations > maxOperations) {
          return fail(ErrorCode.TOO_MANY_OPERATIONS, "more than " + maxOperations + " operations in one request");
        }
        Response.Failed f = c.accept(this);
        if (f != null) {
          return f;
        }
      }
      return null;
    }

    /** A command on single keys: each key non-empty and bounded, each value bounded. */
    private Response.Failed single(Command c) {
      for (Bytes k : c.keys()) {
        Response.Failed f = key(k);
        if (f != null) {
          return f;
        }
      }
      for (Bytes v : c.values()) {
        Response.Failed f = value(v);
        if (f != null) {
          return f;
        }
      }
      return null;
    }

    @Override public Response.Failed visitGet(Command.Get get) { return single(get); }
    @Override
    public Response.Failed visitPut(Command.Put put) {
      return put.lease() < 0 ? fail(ErrorCode.INVALID_ARGUMENT, "lease id " + put.lease() + " is negative (0: none)")
          : single(put);
    }

    /** A grant's TTL within bounds; every other operation names a lease. */
    @Override
    public Response.Failed visitLease(Command.Lease l) {
      if (l.op() == Command.Lease.Op.GRANT) {
        return l.ttlMillis() < Command.Lease.MIN_TTL_MILLIS || l.ttlMillis() > Command.Lease.MAX_TTL_MILLIS
            ? fail(ErrorCode.INVALID_ARGUMENT, "lease TTL of " + l.ttlMillis() + " ms outside "
                + Command.Lease.MIN_TTL_MILLIS + ".." + Command.Lease.MAX_TTL_MILLIS + " ms")
            : null;
      }
      return l.id() <= 0 ? fail(ErrorCode.INVALID_ARGUMENT, "lease id " + l.id() + " is not a lease (ids start at 1)")
          : null;
    }
    @Override public Response.Failed visitDelete(Command.Delete delete) { return single(delete); }
    @Override public Response.Failed visitCompareAndSet(Command.CompareAndSet cas) { return single(cas); }
    @Override public Response.Failed visitPutIfAbsent(Command.PutIfAbsent put) { return single(put); }

    /** A range's bounds may be empty (from the first key, to the last). */
    @Override
    public Response.Failed visitRange(Command.Range r) {
      return r.limit() < 0 || r.limit() > maxRangeLimit
          ? fail(ErrorCode.INVALID_ARGUMENT, "range limit " + r.limit() + " outside 0.." + maxRangeLimit)
          : firstNonNull(boundKey(r.start()), boundKey(r.end()));
    }

    @Override
    public Response.Failed visitTxn(Command.Txn t) {
      for (Guard g : t.guards()) {
        Response.Failed f = firstNonNull(key(g.key()), value(g.value()));
        if (f != null) {
          return f;
        }
      }
      boolean allowed = t.onSuccess().stream().allMatch(c -> c.accept(TXN_OPERATION))
          && t.onFailure().stream().allMatch(c -> c.accept(TXN_OPERATION));
      if (!allowed) {
        return fail(ErrorCode.INVALID_ARGUMENT, "a transaction may hold only get, put, delete and range (no lease operations)");
      }
      return firstNonNull(checkAll(t.onSuccess()), checkAll(t.onFailure()));
    }
  }

  /** The operations a transaction may hold: no nested transaction, no conditional single-key write. */
  private static final Command.Visitor<Boolean> TXN_OPERATION = new Command.Visitor<>() {
    @Override public Boolean visitGet(Command.Get get) { return true; }
    @Override public Boolean visitPut(Command.Put put) { return true; }
    @Override public Boolean visitDelete(Command.Delete delete) { return true; }
    @Override public Boolean visitCompareAndSet(Command.CompareAndSet cas) { return false; }
    @Override public Boolean visitPutIfAbsent(Command.PutIfAbsent put) { return false; }
    @Override public Boolean visitRange(Command.Range range) { return true; }
    @Override public Boolean visitTxn(Command.Txn txn) { return false; }
    @Override public Boolean visitLease(Command.Lease lease) { return false; }
  };

  private Response.Failed key(Bytes key) {
    if (key.isEmpty()) {
      return fail(ErrorCode.INVALID_ARGUMENT, "empty key");
    }
    return boundKey(key);
  }

  private Response.Failed boundKey(Bytes key) {
    return key.size() > maxKeyBytes
        ? fail(ErrorCode.KEY_TOO_LARGE, "key of " + key.size() + " bytes exceeds " + maxKeyBytes) : null;
  }

  private Response.Failed value(Bytes value) {
    return value.size() > maxValueBytes
        ? fail(ErrorCode.VALUE_TOO_LARGE, "value of " + value.size() + " bytes exceeds " + maxValueBytes) : null;
  }

  private static Response.Failed firstNonNull(Response.Failed... failures) {
    for (Response.Failed f : failures) {
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  private static Response.Failed fail(ErrorCode code, String message) {
    return new Response.Failed(code, message);
  }
}
