package quorumkv.raftlog.store;

import java.util.ArrayList;
import java.util.List;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
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

  /**
   * What a command sees of leases: the table ({@link LeaseTable.Staged} when applying an entry), who
   * would own a lease it grants, the cap on leases, the clock's estimate for time-to-live reads, and the
   * renewals and ends to tell the clock once the entry is committed.
   */
  record Leases(LeaseTable.Reader table, String owner, long maxLeases, LeaseClock clock,
      List<LeaseRecord> renewed, List<Long> ended) {
    static Leases reading(LeaseTable.Reader table, LeaseClock clock) {
      return new Leases(table, "", 0, clock, new ArrayList<>(), new ArrayList<>());
    }

    LeaseTable.Staged staged() {
      return (LeaseTable.Staged) table;
    }
  }

  /**
   * Applies a read-only command on the state at {@code revision} (a write command would change {@code view}
   * without recording its events).
   */
  Result apply(Command command, long revision, KvView view, Leases leases) {
    return apply(command, revision, view, new ArrayList<>(), leases);
  }

  /** Applies {@code command}, adding one {@link Event} per changed key to {@code events}, in order. */
  Result apply(Command command, long revision, KvView view, List<Event> events, Leases leases) {
    return command.accept(new Applying(revision, view, events, leases));
  }

  /** One command applied at {@code revision}; a transaction's operations reuse it. */
  private final class Applying implements Command.Visitor<Result> {
    private final long revision;
    private final KvView view;
    private final List<Event> events;
    private final Leases leases;

    Applying(long revision, KvView view, List<Event> events, Leases leases) {
      this.revision = revision;
      this.view = view;
      this.events = events;
      this.leases = leases;
    }

    @Override
    public Result visitGet(Command.Get g) {
      return new Result.GetResult(view.get(g.key()));
    }

    @Override
    public Result visitPut(Command.Put p) {
      if (p.lease() != 0 && leases.table().get(p.lease()) == null) {
        return leaseNotFound(p.lease(), "key '" + p.key() + "' not written");
      }
      KeyValue previous = view.get(p.key());
      events.add(Event.put(write(view, previous, p.key(), p.value(), revision), previous));
      if (p.lease() != 0) {
        leases.staged().attach(p.key(), p.lease());
      } else {
        leases.staged().detach(p.key());
      }
      return new Result.PutResult(revision, previous);
    }

    @Override
    public Result visitDelete(Command.Delete d) {
      KeyValue previous = view.get(d.key());
      if (previous != null) {
        view.delete(d.key());
        events.add(Event.delete(d.key(), revision, previous));
        leases.staged().detach(d.key());
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
      leases.staged().detach(cas.key());
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
      return new Result.RangeResult(kvs.size() > limit ? kvs.subList(0, limit) : kvs, more, revision);
    }

    @Override
    public Result visitTxn(Command.Txn t) {
      boolean succeeded = t.guards().stream().allMatch(g -> g.holds(view.get(g.key())));
      for (Command op : succeeded ? t.onSuccess() : t.onFailure()) {
        // Checked before any operation runs, so a missing lease leaves the whole transaction unapplied.
        if (op instanceof Command.Put p && p.lease() != 0 && leases.table().get(p.lease()) == null) {
          return leaseNotFound(p.lease(), "transaction not applied");
        }
      }
      List<Result> results = new ArrayList<>();
      for (Command op : succeeded ? t.onSuccess() : t.onFailure()) {
        results.add(op.accept(this));
      }
      return new Result.TxnResult(succeeded, results);
    }

    @Override
    public Result visitLease(Command.Lease l) {
      if (l.op() == Command.Lease.Op.GRANT) {
        LeaseRecord granted = leases.staged().grant(l.ttlMillis(), leases.owner(), revision, leases.maxLeases());
        if (granted == null) {
          return new Result.Error(ErrorCode.LEASE_LIMIT, "the cluster holds its maximum of " + leases.maxLeases()
              + " leases: revoke unused ones");
        }
        leases.renewed().add(granted);
        return new Result.LeaseResult(granted.id(), granted.ttlMillis(), granted.ttlMillis(), 0);
      }
      LeaseRecord lease = leases.table().get(l.id());
      switch (l.op()) {
        case KEEP_ALIVE: {
          if (lease == null) {
            return leaseNotFound(l.id(), "not kept alive");
          }
          leases.renewed().add(leases.staged().renew(lease, revision));
          return new Result.LeaseResult(lease.id(), lease.ttlMillis(), lease.ttlMillis(), 0);
        }
        case REVOKE:
          return lease == null ? leaseNotFound(l.id(), "nothing revoked") : end(lease);
        case EXPIRE:
          // Idempotent, and overtaken by any renewal the leader had not seen when it decided.
          return lease == null || lease.renewedAt() != l.renewedAt()
              ? new Result.LeaseResult(l.id(), lease == null ? 0 : lease.ttlMillis(), -1, 0) : end(lease);
        case TIME_TO_LIVE:
          return lease == null ? leaseNotFound(l.id(), "no time to live")
              : new Result.LeaseResult(lease.id(), lease.ttlMillis(), leases.clock().remainingMillis(lease),
                  leases.table().keysOf(lease.id()).size());
        default:
          throw new AssertionError(l.op());
      }
    }

    /** Deletes the lease's keys (one delete event each, all at this revision) and then the lease. */
    private Result end(LeaseRecord lease) {
      LeaseTable.Staged staged = leases.staged();
      long deleted = 0;
      for (Bytes key : staged.keysOf(lease.id())) {
        KeyValue previous = view.get(key);
        if (previous != null) {
          view.delete(key);
          events.add(Event.delete(key, revision, previous));
          deleted++;
        }
        staged.detach(key);
      }
      staged.remove(lease.id());
      leases.ended().add(lease.id());
      return new Result.LeaseResult(lease.id(), lease.ttlMillis(), 0, deleted);
    }
  }

  private static Result leaseNotFound(long id, String what) {
    return new Result.Error(ErrorCode.LEASE_NOT_FOUND, "lease " + id + " not found (expired, revoked or never"
        + " granted): " + what);
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
