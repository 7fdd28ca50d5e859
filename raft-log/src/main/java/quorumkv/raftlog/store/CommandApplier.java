package quorumkv.raftlog.store;

import java.util.ArrayList;
import java.util.List;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Event;
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

  /** Applies a read-only command (a write command would change {@code view} without recording its events). */
  Result apply(Command command, long revision, KvView view) {
    return apply(command, revision, view, new ArrayList<>());
  }

  /** Applies {@code command}, adding one {@link Event} per changed key to {@code events}, in order. */
  Result apply(Command command, long revision, KvView view, List<Event> events) {
    return command.accept(new Applying(revision, view, events));
  }

  /** One command applied at {@code revision}; a transaction's operations reuse it. */
  private final class Applying implements Command.Visitor<Result> {
    private final long revision;
    private final KvView view;
    private final List<Event> events;

    Applying(long revision, KvView view, List<Event> events) {
      this.revision = revision;
      this.view = view;
      this.events = events;
    }

    @Override
    public Result visitGet(Command.Get g) {
      return new Result.GetResult(view.get(g.key()));
    }

    @Override
    public Result visitPut(Command.Put p) {
      KeyValue previous = view.get(p.key());
      events.add(Event.put(write(view, previous, p.key(), p.value(), revision), previous));
      return new Result.PutResult(revision, previous);
    }

    @Override
    public Result visitDelete(Command.Delete d) {
      KeyValue previous = view.get(d.key());
      if (previous != null) {
        view.delete(d.key());
        events.add(Event.delete(d.key(), revision, previous));
      }
      return new Result.DeleteResult(revision, previous);
    }

    @Override
    public Result visitCompareAndSet(Command.CompareAndSet cas) {
      KeyValue current = view.get(cas.key());
      if (!cas.expected().matches(current)) {
        return new Result.CasResult(false, 0, current);
      }
      KeyValue written = write(view, current, cas.key(), cas.value(), revision);
      events.add(Event.put(written, current));
      return new Result.CasResult(true, revision, written);
    }

    @Override
    public Result visitPutIfAbsent(Command.PutIfAbsent p) {
      KeyValue current = view.get(p.key());
      if (current != null) {
        return new Result.CasResult(false, 0, current);
      }
      KeyValue written = write(view, null, p.key(), p.value(), revision);
      events.add(Event.put(written, null));
      return new Result.CasResult(true, revision, written);
    }

    @Override
    public Result visitRange(Command.Range r) {
      int limit = r.limit() == 0 ? maxRangeLimit : Math.min(r.limit(), maxRangeLimit);
      Scans.Page page = view.scan(r.start(), r.end(), limit + 1);
      List<KeyValue> kvs = page.kvs();
      boolean more = page.truncated() || kvs.size() > limit;
      return new Result.RangeResult(kvs.size() > limit ? kvs.subList(0, limit) : kvs, more);
    }

    @Override
    public Result visitTxn(Command.Txn t) {
      boolean succeeded = t.guards().stream().allMatch(g -> g.holds(view.get(g.key())));
      List<Result> results = new ArrayList<>();
      for (Command op : succeeded ? t.onSuccess() : t.onFailure()) {
        results.add(op.accept(this));
      }
      return new Result.TxnResult(succeeded, results);
    }
  }

  /** Writes a key, keeping its create revision and counting its version as etcd does. */
  private static KeyValue write(KvView view, KeyValue previous, Bytes key, Bytes value, long revision) {
    KeyValue kv = previous == null
        ? new KeyValue(key, value, revision, revision, 1)
        : new KeyValue(key, value, previous.createRevision(), revision, previous.version() + 1);
    view.put(kv);
    return kv;
  }
}
