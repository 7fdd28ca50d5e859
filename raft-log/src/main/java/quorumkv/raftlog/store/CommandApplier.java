package quorumkv.raftlog.store;

import java.util.ArrayList;
import java.util.List;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.raftlog.command.Result;

/**
 * Applies one command to a {@link KvView}: the whole business logic of the store, with no RocksDB and
 * no Ratis. Deterministic: the result depends only on the view and the revision, never on time or
 * randomness, so every replica computes the same result (Ratis answers retries from any replica).
 */
final class CommandApplier {
  private final int maxRangeLimit;

  CommandApplier(int maxRangeLimit) {
    this.maxRangeLimit = maxRangeLimit;
  }

  Result apply(Command command, long revision, KvView view) {
    if (command instanceof Command.Get g) {
      return new Result.GetResult(view.get(g.key()));
    } else if (command instanceof Command.Put p) {
      KeyValue previous = view.get(p.key());
      write(view, previous, p.key(), p.value(), revision);
      return new Result.PutResult(revision, previous);
    } else if (command instanceof Command.Delete d) {
      KeyValue previous = view.get(d.key());
      if (previous != null) {
        view.delete(d.key());
      }
      return new Result.DeleteResult(revision, previous);
    } else if (command instanceof Command.CompareAndSet cas) {
      KeyValue current = view.get(cas.key());
      if (!matches(cas.expected(), current)) {
        return new Result.CasResult(false, 0, current);
      }
      return new Result.CasResult(true, revision, write(view, current, cas.key(), cas.value(), revision));
    } else if (command instanceof Command.PutIfAbsent p) {
      KeyValue current = view.get(p.key());
      if (current != null) {
        return new Result.CasResult(false, 0, current);
      }
      return new Result.CasResult(true, revision, write(view, null, p.key(), p.value(), revision));
    } else if (command instanceof Command.Range r) {
      int limit = r.limit() == 0 ? maxRangeLimit : Math.min(r.limit(), maxRangeLimit);
      Scans.Page page = view.scan(r.start(), r.end(), limit + 1);
      List<KeyValue> kvs = page.kvs();
      boolean more = page.truncated() || kvs.size() > limit;
      return new Result.RangeResult(kvs.size() > limit ? kvs.subList(0, limit) : kvs, more);
    } else if (command instanceof Command.Txn t) {
      boolean succeeded = t.guards().stream().allMatch(g -> holds(g, view));
      List<Result> results = new ArrayList<>();
      for (Command op : succeeded ? t.onSuccess() : t.onFailure()) {
        results.add(apply(op, revision, view));
      }
      return new Result.TxnResult(succeeded, results);
    }
    throw new IllegalArgumentException("unknown command " + command);
  }

  private static boolean holds(Guard guard, KvView view) {
    return guard.holds(view.get(guard.key()));
  }

  private static boolean matches(Command.Expected expected, KeyValue current) {
    if (expected instanceof Command.Expected.Revision r) {
      return (current == null ? 0 : current.modRevision()) == r.modRevision();
    }
    return current != null && current.value().equals(((Command.Expected.Value) expected).value());
  }

  /** Writes a key, keeping its create revision and counting its version as etcd does. */
  private static KeyValue write(KvView view, KeyValue previous, quorumkv.raftlog.command.Bytes key,
      quorumkv.raftlog.command.Bytes value, long revision) {
    KeyValue kv = previous == null
        ? new KeyValue(key, value, revision, revision, 1)
        : new KeyValue(key, value, previous.createRevision(), revision, previous.version() + 1);
    view.put(kv);
    return kv;
  }
}
