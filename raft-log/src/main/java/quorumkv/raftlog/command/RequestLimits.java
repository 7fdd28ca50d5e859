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
    if (request.commands().isEmpty()) {
      return fail(ErrorCode.INVALID_ARGUMENT, "request has no commands");
    }
    int[] operations = {0};
    Response.Failed f = checkAll(request.commands(), operations);
    if (f != null) {
      return f;
    }
    if (request instanceof Request.Read && !request.commands().stream().allMatch(Command::isReadOnly)) {
      return fail(ErrorCode.INVALID_ARGUMENT, "a read request may only hold get and range commands");
    }
    return null;
  }

  private Response.Failed checkAll(List<Command> commands, int[] operations) {
    for (Command c : commands) {
      Response.Failed f = checkOne(c, operations);
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  private Response.Failed checkOne(Command command, int[] operations) {
    if (++operations[0] > maxOperations) {
      return fail(ErrorCode.TOO_MANY_OPERATIONS, "more than " + maxOperations + " operations in one request");
    }
    // Java 17 has no pattern switch (preview only): an instanceof chain over the sealed hierarchy.
    if (command instanceof Command.Get g) {
      return key(g.key());
    } else if (command instanceof Command.Delete d) {
      return key(d.key());
    } else if (command instanceof Command.Put p) {
      return firstNonNull(key(p.key()), value(p.value()));
    } else if (command instanceof Command.PutIfAbsent p) {
      return firstNonNull(key(p.key()), value(p.value()));
    } else if (command instanceof Command.CompareAndSet c) {
      return firstNonNull(key(c.key()), value(c.value()),
          c.expected() instanceof Command.Expected.Value v ? value(v.value()) : null);
    } else if (command instanceof Command.Range r) {
      return r.limit() < 0 || r.limit() > maxRangeLimit
          ? fail(ErrorCode.INVALID_ARGUMENT, "range limit " + r.limit() + " outside 0.." + maxRangeLimit)
          : firstNonNull(boundKey(r.start()), boundKey(r.end()));
    } else if (command instanceof Command.Txn t) {
      return checkTxn(t, operations);
    }
    throw new AssertionError("unknown command " + command);
  }

  private Response.Failed checkTxn(Command.Txn t, int[] operations) {
    for (Guard g : t.guards()) {
      Response.Failed f = firstNonNull(key(g.key()), value(g.value()));
      if (f != null) {
        return f;
      }
    }
    for (Command c : t.onSuccess()) {
      if (c instanceof Command.Txn || c instanceof Command.CompareAndSet || c instanceof Command.PutIfAbsent) {
        return fail(ErrorCode.INVALID_ARGUMENT, "a transaction may hold only get, put, delete and range");
      }
    }
    for (Command c : t.onFailure()) {
      if (c instanceof Command.Txn || c instanceof Command.CompareAndSet || c instanceof Command.PutIfAbsent) {
        return fail(ErrorCode.INVALID_ARGUMENT, "a transaction may hold only get, put, delete and range");
      }
    }
    return firstNonNull(checkAll(t.onSuccess(), operations), checkAll(t.onFailure(), operations));
  }

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
