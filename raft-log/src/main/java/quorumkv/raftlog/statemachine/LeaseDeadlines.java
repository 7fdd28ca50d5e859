package quorumkv.raftlog.statemachine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import quorumkv.raftlog.store.LeaseClock;
import quorumkv.raftlog.store.LeaseRecord;

/**
 * Each lease's deadline on this node's clock: the time side of leases, which the replicated state leaves
 * out. Every node keeps one (it is cheap), but only the leader acts on it: its expirer asks for the
 * leases {@link #due} and proposes their expiry through the log, naming the renewal it saw, so a keep-alive
 * applied in the meantime wins.
 *
 * <p>After a leader change, the new leader {@link #extendAll extends} every lease to at least its whole
 * TTL from when it took over (etcd's approach on promotion, instead of logging checkpoints): a failover can
 * make a lease outlive its TTL by up to one TTL, never expire early, and costs no log entries.
 */
public final class LeaseDeadlines implements LeaseClock {
  /** One lease's deadline; {@code proposedAt} is when its expiry was last proposed (0: not yet). */
  private record Deadline(long ttlMillis, long renewedAt, long deadlineNanos, long proposedAt) {}

  /** An expiry to propose: the lease and the renewal it ends. */
  public record Due(long id, long renewedAt) {}

  private final LongSupplier nanoTime;
  private final Map<Long, Deadline> deadlines = new HashMap<>();

  public LeaseDeadlines() {
    this(System::nanoTime);
  }

  LeaseDeadlines(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  @Override
  public synchronized void renewed(LeaseRecord lease) {
    deadlines.put(lease.id(), new Deadline(lease.ttlMillis(), lease.renewedAt(),
        nanoTime.getAsLong() + lease.ttlMillis() * 1_000_000, 0));
  }

  @Override
  public synchronized void ended(long id) {
    deadlines.remove(id);
  }

  @Override
  public synchronized long remainingMillis(LeaseRecord lease) {
    Deadline d = deadlines.get(lease.id());
    return d == null ? lease.ttlMillis() : Math.max(0, (d.deadlineNanos() - nanoTime.getAsLong()) / 1_000_000);
  }

  /** Starts over from the leases of a store just opened or installed: each gets its whole TTL from now. */
  public synchronized void reload(List<LeaseRecord> leases) {
    deadlines.clear();
    leases.forEach(this::renewed);
  }

  /** On becoming leader: every lease lives at least its whole TTL from now, and no expiry counts as proposed. */
  public synchronized void extendAll() {
    long now = nanoTime.getAsLong();
    deadlines.replaceAll((id, d) -> new Deadline(d.ttlMillis(), d.renewedAt(),
        Math.max(d.deadlineNanos(), now + d.ttlMillis() * 1_000_000), 0));
  }

  /**
   * The leases past their deadline whose expiry was not proposed in the last {@code retryNanos}, at most
   * {@code max}; marked proposed now.
   */
  public synchronized List<Due> due(long retryNanos, int max) {
    long now = nanoTime.getAsLong();
    List<Due> out = new ArrayList<>();
    for (Map.Entry<Long, Deadline> e : deadlines.entrySet()) {
      Deadline d = e.getValue();
      if (out.size() < max && d.deadlineNanos() - now <= 0 && (d.proposedAt() == 0 || now - d.proposedAt() >= retryNanos)) {
        out.add(new Due(e.getKey(), d.renewedAt()));
        e.setValue(new Deadline(d.ttlMillis(), d.renewedAt(), d.deadlineNanos(), now == 0 ? 1 : now));
      }
    }
    return out;
  }

  public synchronized int size() {
    return deadlines.size();
  }
}
